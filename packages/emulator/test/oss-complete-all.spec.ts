import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash } from "node:crypto";
import { startEmulator, type Emulator } from "../src/index.js";
import { errorCode, ossRequest } from "./raw-client.js";

// protocols.md §2.4, CompleteMultipartUpload: the part list in the body, "or header
// `x-oss-complete-all: yes` with no body": every uploaded part, in ascending order.

const BUCKET = "complete-all";
const KiB = 1024;
let oss: Emulator;

beforeAll(async () => {
  oss = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});
afterAll(async () => {
  await oss.stop();
});

async function initiate(key: string): Promise<string> {
  const r = await ossRequest(oss, { method: "POST", bucket: BUCKET, key, query: [["uploads", undefined]] });
  expect(r.status).toBe(200);
  return /<UploadId>([^<]+)<\/UploadId>/.exec(r.body)![1]!;
}

async function uploadPart(key: string, uploadId: string, n: number, body: Buffer): Promise<void> {
  const r = await ossRequest(oss, { method: "PUT", bucket: BUCKET, key, query: [["partNumber", String(n)], ["uploadId", uploadId]], body });
  expect(r.status).toBe(200);
}

function completeAll(key: string, uploadId: string, body?: string) {
  return ossRequest(oss, { method: "POST", bucket: BUCKET, key, query: [["uploadId", uploadId]], headers: { "x-oss-complete-all": "yes", "content-length": String(Buffer.byteLength(body ?? "")) }, ...(body === undefined ? {} : { body }) });
}

describe("oss emulator: CompleteMultipartUpload with x-oss-complete-all", () => {
  it("assembles every uploaded part in ascending order, sent in any order and without ETags", async () => {
    const id = await initiate("all");
    const first = Buffer.alloc(100 * KiB, 1);
    const third = Buffer.from("the tail");
    await uploadPart("all", id, 3, third);
    await uploadPart("all", id, 1, first);
    const r = await completeAll("all", id);
    expect(r.status).toBe(200);
    const md5s = createHash("md5")
      .update(createHash("md5").update(first).digest())
      .update(createHash("md5").update(third).digest())
      .digest("hex")
      .toUpperCase();
    expect(r.body).toContain(`<ETag>&quot;${md5s}-2&quot;</ETag>`);
    const get = await ossRequest(oss, { method: "GET", bucket: BUCKET, key: "all" });
    expect(get.status).toBe(200);
    expect(get.body).toBe(Buffer.concat([first, third]).toString("utf8"));
    // The upload is over.
    const again = await completeAll("all", id);
    expect([again.status, errorCode(again)]).toEqual([404, "NoSuchUpload"]);
  });

  it("still holds the part-size rule and wants no body", async () => {
    const id = await initiate("small");
    await uploadPart("small", id, 1, Buffer.from("too small"));
    await uploadPart("small", id, 2, Buffer.from("last"));
    const small = await completeAll("small", id);
    expect([small.status, errorCode(small)]).toEqual([400, "EntityTooSmall"]);
    const withBody = await completeAll("small", id, "<CompleteMultipartUpload/>");
    expect([withBody.status, errorCode(withBody)]).toEqual([400, "InvalidArgument"]);
    // Both refusals kept the upload.
    const parts = await ossRequest(oss, { method: "GET", bucket: BUCKET, key: "small", query: [["uploadId", id]] });
    expect(parts.status).toBe(200);
  });
});
