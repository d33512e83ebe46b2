import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { md5Base64, md5Hex, qsRequest } from "./raw-client.js";

// QingStor computes no ETag for a merged object (protocols.md §3.3 Complete, §3.5) and documents its
// copy answer without one (§3.3 Copy: "none").

const BUCKET = "etag-qs";
const PART = Buffer.alloc(4 * 1024 * 1024, 1);
const LAST = Buffer.from("tail");

let qs: Emulator;

beforeAll(async () => {
  qs = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await qs.stop();
});

/** A two-part upload of `key` completed with `headers` (an `ETag` or none). */
async function merged(key: string, headers: Record<string, string> = {}): Promise<number> {
  const init = await qsRequest(qs, { method: "POST", bucket: BUCKET, key, query: [["uploads", undefined]] });
  const uploadId = (JSON.parse(init.body) as { upload_id: string }).upload_id;
  for (const [n, body] of [PART, LAST].entries()) {
    await qsRequest(qs, { method: "PUT", bucket: BUCKET, key, query: [["part_number", String(n)], ["upload_id", uploadId]], body });
  }
  const body = JSON.stringify({ object_parts: [{ part_number: 0 }, { part_number: 1 }] });
  const done = await qsRequest(qs, { method: "POST", bucket: BUCKET, key, query: [["upload_id", uploadId]], headers: { ...headers, "content-md5": md5Base64(body) }, body });
  return done.status;
}

describe("CompleteMultipartUpload without an ETag header", () => {
  it("leaves the object without an ETag: HEAD and GET send none, the listing an empty one", async () => {
    expect(await merged("no-etag")).toBe(201);
    const head = await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "no-etag" });
    expect([head.status, head.headers["content-length"], head.headers.etag]).toEqual([200, String(PART.length + LAST.length), undefined]);
    const get = await qsRequest(qs, { method: "GET", bucket: BUCKET, key: "no-etag", headers: { range: "bytes=0-1" } });
    expect([get.status, get.headers.etag]).toEqual([206, undefined]);
    const list = await qsRequest(qs, { method: "GET", bucket: BUCKET, query: [["prefix", "no-etag"]] });
    expect((JSON.parse(list.body) as { keys: { key: string; etag: string }[] }).keys).toEqual([expect.objectContaining({ key: "no-etag", etag: "" })]);
  });

  it("matches no ETag condition but *", async () => {
    const md5OfMd5s = `"${md5Hex(Buffer.concat([Buffer.from(md5Hex(PART), "hex"), Buffer.from(md5Hex(LAST), "hex")]))}-2"`;
    expect((await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "no-etag", headers: { "if-match": md5OfMd5s } })).status).toBe(412);
    expect((await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "no-etag", headers: { "if-match": '""' } })).status).toBe(412);
    expect((await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "no-etag", headers: { "if-match": "*" } })).status).toBe(200);
    expect((await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "no-etag", headers: { "if-none-match": md5OfMd5s } })).status).toBe(200);
    const copy = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "copy", headers: { "x-qs-copy-source": `/${BUCKET}/no-etag`, "x-qs-copy-source-if-match": md5OfMd5s } });
    expect(copy.status).toBe(412);
  });

  it("stores the ETag header when one is sent", async () => {
    expect(await merged("with-etag", { etag: '"0123456789abcdef0123456789abcdef-2"' })).toBe(201);
    expect((await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "with-etag" })).headers.etag).toBe('"0123456789abcdef0123456789abcdef-2"');
  });
});

describe("copy answers", () => {
  it("carry no ETag (a PUT's does); the copy has the source's MD5 ETag", async () => {
    const put = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "src", body: "source bytes" });
    expect(put.headers.etag).toBe(`"${md5Hex("source bytes")}"`);
    const copy = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "dst", headers: { "x-qs-copy-source": `/${BUCKET}/src` } });
    expect([copy.status, copy.headers.etag]).toEqual([201, undefined]);
    expect((await qsRequest(qs, { method: "HEAD", bucket: BUCKET, key: "dst" })).headers.etag).toBe(`"${md5Hex("source bytes")}"`);
  });
});
