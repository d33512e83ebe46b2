import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { md5Base64, qsRequest, type RawResponse } from "./raw-client.js";

// QingStor documents Cache-Control and Content-Encoding on PutObject only (protocols.md §3.3):
// InitiateMultipartUpload takes Content-Type, SSE-C, storage class and metadata, AppendObject
// Content-Type and storage class. The emulator stores what each request documents.

const BUCKET = "content-headers-qs";
const SENT = { "cache-control": "public, max-age=60", "content-encoding": "gzip", "content-type": "text/plain", "x-qs-meta-color": "blue" };

let qs: Emulator;

beforeAll(async () => {
  qs = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await qs.stop();
});

/** The headers of `r` this spec looks at. */
function answered(r: RawResponse): Record<string, unknown> {
  const h = r.headers;
  return { status: r.status, cacheControl: h["cache-control"], contentEncoding: h["content-encoding"], contentType: h["content-type"], color: h["x-qs-meta-color"] };
}

describe("qingstor emulator: Cache-Control and Content-Encoding", () => {
  it("PutObject stores them (HEAD and GET answer them); InitiateMultipartUpload and AppendObject store neither", async () => {
    expect((await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "put", headers: SENT, body: "x" })).status).toBe(201);
    const stored = { cacheControl: SENT["cache-control"], contentEncoding: "gzip", contentType: "text/plain", color: "blue" };
    expect(answered(await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "put" }))).toEqual({ status: 200, ...stored });
    expect(answered(await qsRequest(qs, { method: "GET", bucket: BUCKET, key: "put" }))).toEqual({ status: 200, ...stored });

    const init = await qsRequest(qs, { method: "POST", bucket: BUCKET, key: "mpu", query: [["uploads", undefined]], headers: SENT });
    const uploadId = (JSON.parse(init.body) as { upload_id: string }).upload_id;
    await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "mpu", query: [["part_number", "0"], ["upload_id", uploadId]], body: "part" });
    const parts = JSON.stringify({ object_parts: [{ part_number: 0 }] });
    const done = await qsRequest(qs, { method: "POST", bucket: BUCKET, key: "mpu", query: [["upload_id", uploadId]], headers: { "content-md5": md5Base64(parts) }, body: parts });
    expect(done.status).toBe(201);
    const plain = { cacheControl: undefined, contentEncoding: undefined };
    expect(answered(await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "mpu" }))).toEqual({ status: 200, ...stored, ...plain });

    const append = await qsRequest(qs, { method: "POST", bucket: BUCKET, key: "app", query: [["append", undefined], ["position", "0"]], headers: SENT, body: "abc" });
    expect(append.status).toBe(200);
    expect(answered(await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "app" }))).toEqual({ status: 200, ...stored, ...plain });
  });
});
