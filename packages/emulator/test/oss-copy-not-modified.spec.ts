import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, ossRequest } from "./raw-client.js";

// OSS documents, for CopyObject and UploadPartCopy alike: a failed x-oss-copy-source-if-none-match or
// -if-modified-since is 304 Not Modified (protocols.md §2.4 lists 304 among CopyObject's statuses),
// a failed -if-match or -if-unmodified-since 412. Either way nothing is copied. COS answers 412 to all four.

const BUCKET = "copy-304";
const COS_BUCKET = "copy-304-1250000000";
const KiB = 1024;
const FUTURE = new Date(Date.now() + 3_600_000).toUTCString();
const PAST = new Date(Date.now() - 3_600_000).toUTCString();
let oss: Emulator;
let cos: Emulator;

beforeAll(async () => {
  [oss, cos] = await Promise.all([startEmulator({ provider: "oss", buckets: [BUCKET] }), startEmulator({ provider: "cos", buckets: [COS_BUCKET] })]);
});
afterAll(async () => {
  await Promise.all([oss.stop(), cos.stop()]);
});

async function put(key: string, body: string | Buffer): Promise<string> {
  const r = await ossRequest(oss, { method: "PUT", bucket: BUCKET, key, body });
  expect(r.status).toBe(200);
  return r.headers["etag"] as string;
}

const copy = (key: string, headers: Record<string, string>) =>
  ossRequest(oss, { method: "PUT", bucket: BUCKET, key, headers: { "x-oss-copy-source": `/${BUCKET}/src`, ...headers } });

describe("oss emulator: copy-source conditions", () => {
  it("CopyObject answers 304, copying nothing, when -if-none-match or -if-modified-since fails; 412 for the other two", async () => {
    const etag = await put("src", "source bytes");
    const none = await copy("dst", { "x-oss-copy-source-if-none-match": etag });
    expect([none.status, none.body, none.headers["x-oss-ec"]]).toEqual([304, "", "0016-00000303"]);
    const since = await copy("dst", { "x-oss-copy-source-if-modified-since": FUTURE });
    expect([since.status, since.body]).toEqual([304, ""]);
    const match = await copy("dst", { "x-oss-copy-source-if-match": '"0123456789ABCDEF0123456789ABCDEF"' });
    expect([match.status, errorCode(match)]).toEqual([412, "PreconditionFailed"]);
    const unmodified = await copy("dst", { "x-oss-copy-source-if-unmodified-since": PAST });
    expect([unmodified.status, errorCode(unmodified)]).toEqual([412, "PreconditionFailed"]);
    expect((await ossRequest(oss, { method: "HEAD", bucket: BUCKET, key: "dst" })).status).toBe(404);
    // Conditions that hold copy.
    const ok = await copy("dst", { "x-oss-copy-source-if-match": etag, "x-oss-copy-source-if-modified-since": PAST });
    expect(ok.status).toBe(200);
  });

  it("UploadPartCopy answers the same, storing no part", async () => {
    const etag = await put("src", Buffer.alloc(100 * KiB, 2));
    const init = await ossRequest(oss, { method: "POST", bucket: BUCKET, key: "mp", query: [["uploads", undefined]] });
    const id = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const partCopy = (headers: Record<string, string>) =>
      ossRequest(oss, { method: "PUT", bucket: BUCKET, key: "mp", query: [["partNumber", "1"], ["uploadId", id]], headers: { "x-oss-copy-source": `/${BUCKET}/src`, ...headers } });
    expect((await partCopy({ "x-oss-copy-source-if-none-match": etag })).status).toBe(304);
    expect((await partCopy({ "x-oss-copy-source-if-modified-since": FUTURE })).status).toBe(304);
    expect((await partCopy({ "x-oss-copy-source-if-unmodified-since": PAST })).status).toBe(412);
    const parts = await ossRequest(oss, { method: "GET", bucket: BUCKET, key: "mp", query: [["uploadId", id]] });
    expect(parts.body).not.toContain("<Part>");
    expect((await partCopy({ "x-oss-copy-source-if-none-match": '"0123456789ABCDEF0123456789ABCDEF"' })).status).toBe(200);
  });

  it("COS keeps 412 for a failed x-cos-copy-source-if-none-match", async () => {
    const p = await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "src", body: "cos source" });
    const r = await cosRequest(cos, {
      method: "PUT",
      bucket: COS_BUCKET,
      key: "dst",
      headers: { "x-cos-copy-source": `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/src`, "x-cos-copy-source-if-none-match": p.headers["etag"] as string },
    });
    expect([r.status, errorCode(r)]).toEqual([412, "PreconditionFailed"]);
  });
});
