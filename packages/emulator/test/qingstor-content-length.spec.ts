import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { QS_SUBRESOURCES, qsResource, qsSignature, qsStringToSign } from "../src/qingstor/signature.js";
import { errorCode, qsRequest, type RawResponse } from "./raw-client.js";

// QingStor requires Content-Length on the requests that carry a body (protocols.md §3.3, PutObject:
// "Content-Length (required)"); the emulator took a chunked body (Transfer-Encoding, no length).

const BUCKET = "content-length";
let qs: Emulator;

beforeAll(async () => {
  qs = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await qs.stop();
});

/** A signed request to `/<bucket>/<key>` whose body `x` goes chunked (no Content-Length). */
function chunked(method: string, key: string, query: [string, string][]): Promise<RawResponse> {
  const path = `/${BUCKET}/${key}`;
  const headers: Record<string, string> = { host: `127.0.0.1:${qs.port}`, "x-qs-date": new Date().toUTCString(), "transfer-encoding": "chunked" };
  const sts = qsStringToSign({ method, contentMd5: "", contentType: "", date: "", headers, resource: qsResource(path, query, QS_SUBRESOURCES) });
  headers.authorization = `QS ${qs.credential.accessKey}:${qsSignature(qs.credential.secretKey, sts)}`;
  const search = query.map(([k, v]) => (v === "" ? k : `${k}=${encodeURIComponent(v)}`)).join("&");
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: qs.port, method, path: search ? `${path}?${search}` : path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.write("x");
    req.end();
  });
}

describe("qingstor emulator: Content-Length is required", () => {
  it("PutObject without it is 411 invalid_request, and nothing is stored", async () => {
    const r = await chunked("PUT", "put", []);
    expect([r.status, errorCode(r)]).toEqual([411, "invalid_request"]);
    expect((await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "put" })).status).toBe(404);
  });

  it("AppendObject without it is 411, and no object is made", async () => {
    const r = await chunked("POST", "app", [["append", ""], ["position", "0"]]);
    expect([r.status, errorCode(r)]).toEqual([411, "invalid_request"]);
    expect((await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "app" })).status).toBe(404);
  });

  it("UploadMultipart without it is 411, and no part is stored", async () => {
    const init = await qsRequest(qs, { method: "POST", bucket: BUCKET, key: "mp", query: [["uploads", undefined]] });
    const uploadId = (JSON.parse(init.body) as { upload_id: string }).upload_id;
    const r = await chunked("PUT", "mp", [["part_number", "0"], ["upload_id", uploadId]]);
    expect([r.status, errorCode(r)]).toEqual([411, "invalid_request"]);
    const parts = await qsRequest(qs, { method: "GET", bucket: BUCKET, key: "mp", query: [["upload_id", uploadId]] });
    expect((JSON.parse(parts.body) as { object_parts: unknown[] }).object_parts).toEqual([]);
  });

  it("the same requests with Content-Length are served", async () => {
    expect((await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "put", body: "x" })).status).toBe(201);
    expect((await qsRequest(qs, { method: "POST", bucket: BUCKET, key: "app", query: [["append", undefined], ["position", "0"]], body: "x" })).status).toBe(200);
  });
});
