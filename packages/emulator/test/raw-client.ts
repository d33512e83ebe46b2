/**
 * Test helper: raw signed requests to an emulator, written from protocols.md
 * (COS q-sign, OSS V1, QingStor with `x-qs-date`), so tests control every
 * header a SDK would fill in or refuse to send.
 */
import { createHash, createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Emulator } from "../src/index.js";

/** What came back. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request. `query` values of `undefined` are bare flags (`?uploads`). */
export interface RawRequest {
  method: string;
  bucket: string;
  key?: string;
  query?: [string, string | undefined][];
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * The Host header (default `127.0.0.1:<port>`; the request still goes to the emulator). A host
   * that starts with `<bucket>.` is a virtual host: the path is then `/<key>`, without the bucket.
   */
  host?: string;
  /**
   * Holds the body open: its first `bytes` are sent with the headers, the rest once `release`
   * resolves (a request whose body is still arriving when something else happens).
   */
  hold?: { bytes: number; release: Promise<unknown> };
}

/** The wire path of `r` (`/<bucket>/<key>`, or `/<key>` on a virtual host) and whether it is a virtual host. */
function pathOf(r: RawRequest): { path: string; vhost: boolean } {
  const vhost = r.bucket !== "" && r.host !== undefined && r.host.startsWith(`${r.bucket}.`);
  const root = vhost || r.bucket === "" ? "/" : `/${r.bucket}/`;
  return { path: `${root}${encKey(r.key ?? "")}`, vhost };
}

const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
const encKey = (k: string): string => k.split("/").map(enc).join("/");
const queryString = (q: [string, string | undefined][]): string => q.map(([k, v]) => (v === undefined ? enc(k) : `${enc(k)}=${enc(v)}`)).join("&");

function send(emu: Emulator, method: string, path: string, headers: Record<string, string>, body?: string | Buffer, hold?: RawRequest["hold"]): Promise<RawResponse> {
  const url = new URL(emu.endpoint);
  const https = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const opts = { host: url.hostname, port: Number(url.port), method, path, headers, ...(https ? { ca: emu.ca } : {}) };
    const req = (https ? httpsRequest : httpRequest)(opts, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    if (hold === undefined) {
      req.end(body);
      return;
    }
    const data = Buffer.from(body ?? "");
    req.write(data.subarray(0, hold.bytes));
    hold.release.then(() => req.end(data.subarray(hold.bytes)), reject);
  });
}

function withLength(h: Record<string, string>, body: string | Buffer | undefined): Record<string, string> {
  return body === undefined || h["content-length"] !== undefined ? h : { ...h, "content-length": String(Buffer.byteLength(body)) };
}

/** COS, path style (signing `/<key>`, as COS SDKs do), every header and parameter signed; bucket `""` addresses the service (GET Service). */
export function cosRequest(emu: Emulator, r: RawRequest): Promise<RawResponse> {
  const cred = emu.credential;
  const query = r.query ?? [];
  const h = withLength({ host: r.host ?? `127.0.0.1:${emu.port}`, ...lower(r.headers) }, r.body);
  const names = Object.keys(h).sort();
  const params = query.map(([k, v]) => [k.toLowerCase(), v ?? ""] as const).sort(([a], [b]) => (a < b ? -1 : 1));
  const now = Math.floor(Date.now() / 1000);
  const keyTime = `${now - 60};${now + 900}`;
  const wire = pathOf(r);
  const path = `/${r.key ?? ""}`; // COS signs the key's path, path style too; bucket "": GET Service
  const httpString = [r.method.toLowerCase(), path, params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&"), names.map((n) => `${enc(n)}=${enc(h[n]!)}`).join("&"), ""].join("\n");
  const stringToSign = `sha1\n${keyTime}\n${createHash("sha1").update(httpString).digest("hex")}\n`;
  const signKey = createHmac("sha1", cred.secretKey).update(keyTime).digest("hex");
  const signature = createHmac("sha1", signKey).update(stringToSign).digest("hex");
  h.authorization = `q-sign-algorithm=sha1&q-ak=${cred.accessKey}&q-sign-time=${keyTime}&q-key-time=${keyTime}&q-header-list=${names.join(";")}&q-url-param-list=${params.map(([k]) => k).join(";")}&q-signature=${signature}`;
  const q = queryString(query);
  return send(emu, r.method, `${wire.path}${q ? "?" + q : ""}`, h, r.body, r.hold);
}

const OSS_SUBRESOURCES = new Set(["acl", "x-oss-process", "symlink", "append", "position", "uploads", "uploadId", "partNumber", "delete", "bucketInfo", "location", "continuation-token", "restore"]);

/** OSS V1, path style unless `host` is a virtual host; bucket `""` addresses the service (GetService). */
export function ossRequest(emu: Emulator, r: RawRequest): Promise<RawResponse> {
  const cred = emu.credential;
  const query = r.query ?? [];
  const h = withLength({ host: r.host ?? `127.0.0.1:${emu.port}`, "x-oss-date": new Date().toUTCString(), ...lower(r.headers) }, r.body);
  const ossHeaders = Object.keys(h)
    .filter((k) => k.startsWith("x-oss-"))
    .sort()
    .map((k) => `${k}:${h[k]!.trim()}\n`)
    .join("");
  const subs = query
    .filter(([k]) => OSS_SUBRESOURCES.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
  const root = r.bucket === "" ? "/" : `/${r.bucket}/`; // bucket "": the service (GetService)
  const resource = `${root}${r.key ?? ""}${subs.length ? "?" + subs.join("&") : ""}`;
  const stringToSign = `${r.method}\n${h["content-md5"] ?? ""}\n${h["content-type"] ?? ""}\n${h["x-oss-date"]}\n${ossHeaders}${resource}`;
  h.authorization = `OSS ${cred.accessKey}:${createHmac("sha1", cred.secretKey).update(stringToSign).digest("base64")}`;
  const q = queryString(query);
  return send(emu, r.method, `${pathOf(r).path}${q ? "?" + q : ""}`, h, r.body, r.hold);
}

/** The credential scope an {@link ossV4Request} signs with. */
export interface OssV4Scope {
  region: string;
  /** Default `oss`. */
  product?: string;
}

/**
 * OSS V4 (`OSS4-HMAC-SHA256`, protocols.md §2.2) header form with `scope`, path style unless `host`
 * is a virtual host; every query parameter signed, no additional headers, UNSIGNED-PAYLOAD.
 */
export function ossV4Request(emu: Emulator, r: RawRequest, scope: OssV4Scope): Promise<RawResponse> {
  const cred = emu.credential;
  const query = r.query ?? [];
  const iso = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = iso.slice(0, 8);
  const h = withLength({ host: r.host ?? `127.0.0.1:${emu.port}`, "x-oss-date": iso, "x-oss-content-sha256": "UNSIGNED-PAYLOAD", ...lower(r.headers) }, r.body);
  const uri = r.bucket === "" ? "/" : `/${r.bucket}/${encKey(r.key ?? "")}`;
  const canonicalQuery = query
    .map(([k, v]) => [enc(k), enc(v ?? "")] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === "" ? k : `${k}=${v}`))
    .join("&");
  const signed = Object.keys(h)
    .filter((k) => k === "content-type" || k === "content-md5" || k.startsWith("x-oss-"))
    .sort()
    .map((k) => `${k}:${h[k]!.trim()}\n`)
    .join("");
  const canonical = `${r.method}\n${uri}\n${canonicalQuery}\n${signed}\n\nUNSIGNED-PAYLOAD`;
  const product = scope.product ?? "oss";
  const stringToSign = `OSS4-HMAC-SHA256\n${iso}\n${day}/${scope.region}/${product}/aliyun_v4_request\n${createHash("sha256").update(canonical).digest("hex")}`;
  const hmac = (k: string | Buffer, d: string): Buffer => createHmac("sha256", k).update(d).digest();
  const signingKey = hmac(hmac(hmac(hmac(`aliyun_v4${cred.secretKey}`, day), scope.region), product), "aliyun_v4_request");
  const signature = createHmac("sha256", signingKey).update(stringToSign).digest("hex");
  h.authorization = `OSS4-HMAC-SHA256 Credential=${cred.accessKey}/${day}/${scope.region}/${product}/aliyun_v4_request,Signature=${signature}`;
  const q = queryString(query);
  return send(emu, r.method, `${pathOf(r).path}${q ? "?" + q : ""}`, h, r.body, r.hold);
}

/** `<EC>` of an OSS XML error body. */
export function ossEc(r: RawResponse): string | undefined {
  return /<EC>([^<]*)<\/EC>/.exec(r.body)?.[1];
}

const QS_SUBRESOURCES = new Set(["acl", "append", "position", "uploads", "upload_id", "part_number", "delete"]);

/** QingStor, path style, `x-qs-date` (so the Date line is empty). */
export function qsRequest(emu: Emulator, r: RawRequest): Promise<RawResponse> {
  const cred = emu.credential;
  const query = r.query ?? [];
  const h = withLength({ host: `127.0.0.1:${emu.port}`, "x-qs-date": new Date().toUTCString(), ...lower(r.headers) }, r.body);
  const path = `/${r.bucket}${r.key === undefined ? "" : "/" + encKey(r.key)}`;
  const qsHeaders = Object.keys(h)
    .filter((k) => k.startsWith("x-qs-"))
    .sort()
    .map((k) => `${k}:${h[k]!.trim()}\n`)
    .join("");
  const subs = query
    .filter(([k]) => QS_SUBRESOURCES.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
  const stringToSign = `${r.method}\n${h["content-md5"] ?? ""}\n${h["content-type"] ?? ""}\n\n${qsHeaders}${path}${subs.length ? "?" + subs.join("&") : ""}`;
  h.authorization = `QS ${cred.accessKey}:${createHmac("sha256", cred.secretKey).update(stringToSign).digest("base64")}`;
  const q = queryString(query);
  return send(emu, r.method, `${path}${q ? "?" + q : ""}`, h, r.body, r.hold);
}

function lower(h: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** `<Code>` of an XML error body, or `code` of a JSON one. */
export function errorCode(r: RawResponse): string | undefined {
  const xml = /<Code>([^<]*)<\/Code>/.exec(r.body);
  if (xml) return xml[1];
  try {
    return (JSON.parse(r.body) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

/** Base64 MD5 of `data`. */
export const md5Base64 = (data: string | Buffer): string => createHash("md5").update(data).digest("base64");
/** Hex MD5 of `data`. */
export const md5Hex = (data: string | Buffer): string => createHash("md5").update(data).digest("hex");
