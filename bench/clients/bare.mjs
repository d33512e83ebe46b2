// The ceiling: node:http with one keep-alive agent and no integrity work. Signatures use the
// pure COS q-sign signer exported by @stowage/cos (protocols.md §1.1); for the small-object case
// they are computed before the clock starts ("precomputed"), elsewhere once per request (a few
// HMACs per 8 MiB part, which does not show).

import http from "node:http";
import { pipeline } from "node:stream/promises";
import { uploadParts } from "../lib/concurrency.mjs";
import { importDist } from "../lib/paths.mjs";
import { partsOf } from "../lib/source.mjs";

const MAX_LIST_PAGES = 10_000;

export async function createClient(target) {
  const { cosAuthorization } = await importDist("cos");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
  const host = `127.0.0.1:${target.port}`;
  const start = Math.floor(Date.now() / 1000) - 1;
  const key = { secretId: target.accessKey, secretKey: target.secretKey, start, end: start + 3600 };
  const prepared = new Map();

  /** `[path, authorization]` of one request; `query` is a list of [name, decoded value]. */
  function sign(method, objectKey, query = []) {
    const auth = cosAuthorization({ method, pathname: `/${objectKey}`, query, headers: { host } }, key);
    const qs = query.map(([k, v]) => (v === undefined ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join("&");
    const path = `/${target.bucket}/${objectKey.split("/").map(encodeURIComponent).join("/")}${qs ? `?${qs}` : ""}`;
    return { path, auth };
  }

  /** Sends one request; `write(req)` sends the body. Resolves to { status, headers, body? }. */
  function request(method, signed, headers, write, { keepBody = false, count = false } = {}) {
    return new Promise((resolve, reject) => {
      const req = http.request({ agent, host: "127.0.0.1", port: target.port, method, path: signed.path, headers: { ...headers, authorization: signed.auth } });
      req.on("error", reject);
      req.on("response", (res) => {
        const parts = [];
        let bytes = 0;
        res.on("data", (c) => {
          bytes += c.length;
          if (keepBody || res.statusCode >= 300) parts.push(c);
        });
        res.on("error", reject);
        res.on("end", () => {
          const body = parts.length ? Buffer.concat(parts) : undefined;
          if (res.statusCode >= 300) return reject(new Error(`${method} ${signed.path}: HTTP ${res.statusCode} ${body?.toString().slice(0, 300) ?? ""}`));
          resolve({ status: res.statusCode, headers: res.headers, body, bytes });
        });
      });
      if (write) write(req).catch((e) => req.destroy(e));
      else req.end();
    });
  }

  const writeChunks = async (req, chunks) => {
    for (const c of chunks) req.write(c);
    req.end();
  };

  return {
    name: "bare",
    /** Signs every small-object request up front. */
    prepare(keys) {
      for (const k of keys) prepared.set(k, { put: sign("PUT", k), get: sign("GET", k) });
    },
    async putSmall(k, body) {
      const s = prepared.get(k)?.put ?? sign("PUT", k);
      await request("PUT", s, { "content-length": String(body.length) }, (req) => writeChunks(req, [body]));
    },
    async getSmall(k) {
      const s = prepared.get(k)?.get ?? sign("GET", k);
      return (await request("GET", s, {}, undefined, { keepBody: true })).body?.length ?? 0;
    },
    async putStream(k, source, size) {
      await request("PUT", sign("PUT", k), { "content-length": String(size) }, (req) => pipeline(source, req));
    },
    async getStream(k) {
      return (await request("GET", sign("GET", k), {}, undefined, { count: true })).bytes;
    },
    async multipart(k, source, size, partSize, concurrency) {
      const init = await request("POST", sign("POST", k, [["uploads", undefined]]), {}, undefined, { keepBody: true });
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body.toString())?.[1];
      if (!uploadId) throw new Error("initiate: no UploadId");
      const etags = await uploadParts(partsOf(source, partSize), concurrency, async (i, part) => {
        const s = sign("PUT", k, [["partNumber", String(i + 1)], ["uploadId", uploadId]]);
        const res = await request("PUT", s, { "content-length": String(part.size) }, (req) => writeChunks(req, part.chunks));
        return res.headers.etag;
      });
      const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
      const body = Buffer.from(xml);
      const done = await request("POST", sign("POST", k, [["uploadId", uploadId]]), { "content-length": String(body.length) }, (req) => writeChunks(req, [body]), { keepBody: true });
      if (/<Error>/.test(done.body?.toString() ?? "")) throw new Error(`complete: ${done.body.toString().slice(0, 300)}`);
      return etags.length;
    },
    async list(prefix) {
      let marker = "";
      let count = 0;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const query = [["max-keys", "1000"], ["prefix", prefix], ...(marker ? [["marker", marker]] : [])];
        const res = await request("GET", sign("GET", "", query), {}, undefined, { keepBody: true });
        const xml = res.body.toString();
        const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
        count += keys.length;
        if (!/<IsTruncated>true<\/IsTruncated>/.test(xml)) return count;
        marker = /<NextMarker>([^<]*)<\/NextMarker>/.exec(xml)?.[1] ?? keys.at(-1);
      }
      throw new Error("list: too many pages");
    },
  };
}
