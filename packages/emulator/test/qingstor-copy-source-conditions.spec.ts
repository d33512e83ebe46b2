import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { errorCode, qsRequest } from "./raw-client.js";

// QingStor documents x-qs-copy-source-if-(match|none-match|modified-since|unmodified-since) for a copy
// (protocols.md §3.3); the emulator holds UploadMultipart with a copy source to them too, so a
// multipart copy can be pinned to one source version.

const BUCKET = "copy-conditions";
const MiB = 1024 * 1024;
let qs: Emulator;

beforeAll(async () => {
  qs = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await qs.stop();
});

async function put(key: string, body: string | Buffer): Promise<string> {
  const r = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key, body });
  expect(r.status).toBe(201);
  return r.headers["etag"] as string;
}

async function initiate(key: string): Promise<string> {
  const r = await qsRequest(qs, { method: "POST", bucket: BUCKET, key, query: [["uploads", undefined]] });
  expect(r.status).toBe(200);
  return (JSON.parse(r.body) as { upload_id: string }).upload_id;
}

function partCopy(key: string, uploadId: string, headers: Record<string, string>) {
  return qsRequest(qs, {
    method: "PUT",
    bucket: BUCKET,
    key,
    query: [["part_number", "0"], ["upload_id", uploadId]],
    headers: { "x-qs-copy-source": `/${BUCKET}/src`, "x-qs-copy-range": `bytes=0-${MiB - 1}`, "content-length": "0", ...headers },
  });
}

describe("qingstor emulator: copy source conditions", () => {
  it("UploadMultipart with a copy source copies while x-qs-copy-source-if-match holds, else 412 precondition_failed", async () => {
    const etag = await put("src", Buffer.alloc(2 * MiB, 1));
    const id = await initiate("dst");
    expect((await partCopy("dst", id, { "x-qs-copy-source-if-match": etag })).status).toBe(201);
    const other = await partCopy("dst", id, { "x-qs-copy-source-if-match": '"0123456789abcdef0123456789abcdef"' });
    expect([other.status, errorCode(other)]).toEqual([412, "precondition_failed"]);
    const none = await partCopy("dst", id, { "x-qs-copy-source-if-none-match": etag });
    expect([none.status, errorCode(none)]).toEqual([412, "precondition_failed"]);
    const past = await partCopy("dst", id, { "x-qs-copy-source-if-unmodified-since": new Date(Date.now() - 3_600_000).toUTCString() });
    expect([past.status, errorCode(past)]).toEqual([412, "precondition_failed"]);
    // The refused part copies stored nothing: the upload holds part 0 only, once.
    const parts = await qsRequest(qs, { method: "GET", bucket: BUCKET, key: "dst", query: [["upload_id", id]] });
    expect((JSON.parse(parts.body) as { object_parts: unknown[] }).object_parts).toHaveLength(1);
  });

  it("a copy (PUT with x-qs-copy-source) answers 412 precondition_failed when x-qs-copy-source-if-match no longer holds", async () => {
    const etag = await put("single", "version 1");
    await put("single", "version 2");
    const r = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "single-copy", headers: { "x-qs-copy-source": `/${BUCKET}/single`, "x-qs-copy-source-if-match": etag, "content-length": "0" } });
    expect([r.status, errorCode(r)]).toEqual([412, "precondition_failed"]);
    const head = await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "single-copy" });
    expect(head.status).toBe(404);
  });
});
