import { describe, expect, it } from "@jest/globals";
import type { Emulator } from "../src/index.js";
import { threeBuckets, useThreeEmulators } from "./three-emulators.js";
import { cosRequest, errorCode, md5Hex, ossRequest, qsRequest, type RawResponse } from "./raw-client.js";

// The copy range of a part copy, per provider:
// - COS documents `x-cos-copy-source-range: bytes=first-last`, both offsets in the source: anything
//   else is refused (400), never cut to the source (an off-by-one last part would pass otherwise).
// - OSS documents for UploadPartCopy that a range not within its range rules copies the whole source.
// - QingStor documents that `x-qs-copy-range` takes its Range header's values: a suffix is served, an
//   end past the source is cut, a start past it is 416.

const SOURCE = "0123456789";
const { cos: COS_BUCKET, oss: OSS_BUCKET, qs: QS_BUCKET } = threeBuckets("ranges");
let cos: Emulator;
let oss: Emulator;
let qs: Emulator;

useThreeEmulators({ cos: COS_BUCKET, oss: OSS_BUCKET, qs: QS_BUCKET }, (e) => ({ cos, oss, qs } = e));

/** The lowercase MD5 hex in an answer's `ETag` header or `<ETag>` element. */
function etagOf(r: RawResponse): string | undefined {
  const m = /([0-9a-fA-F]{32})/.exec((r.headers["etag"] as string | undefined) ?? /<ETag>([^<]*)<\/ETag>/.exec(r.body)?.[1] ?? "");
  return m?.[1]?.toLowerCase();
}

describe("part copy ranges", () => {
  it("COS copies bytes=first-last within the source and refuses any other range with 400 InvalidArgument", async () => {
    expect((await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "src", body: SOURCE })).status).toBe(200);
    const init = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, key: "dst", query: [["uploads", undefined]] });
    const id = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const partCopy = (n: number, range: string) =>
      cosRequest(cos, {
        method: "PUT",
        bucket: COS_BUCKET,
        key: "dst",
        query: [["partNumber", String(n)], ["uploadId", id]],
        headers: { "x-cos-copy-source": `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/src`, "x-cos-copy-source-range": range },
      });
    const whole = await partCopy(1, "bytes=0-9");
    expect([whole.status, etagOf(whole)]).toEqual([200, md5Hex(SOURCE)]);
    const middle = await partCopy(2, "bytes=2-4");
    expect([middle.status, etagOf(middle)]).toEqual([200, md5Hex("234")]);
    for (const range of ["bytes=0-10", "bytes=5-99999999", "bytes=10-12", "bytes=-3", "bytes=4-", "bytes=4-2", "bytes=1-2,4-5", "items=0-1"]) {
      const r = await partCopy(3, range);
      expect([range, r.status, errorCode(r)]).toEqual([range, 400, "InvalidArgument"]);
    }
    const parts = await cosRequest(cos, { method: "GET", bucket: COS_BUCKET, key: "dst", query: [["uploadId", id]] });
    expect(parts.body.match(/<PartNumber>/g)).toHaveLength(2);
  });

  it("OSS copies the whole source for a range outside it or malformed, as it documents", async () => {
    expect((await ossRequest(oss, { method: "PUT", bucket: OSS_BUCKET, key: "src", body: SOURCE })).status).toBe(200);
    const init = await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "dst", query: [["uploads", undefined]] });
    const id = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const partCopy = (range: string) =>
      ossRequest(oss, { method: "PUT", bucket: OSS_BUCKET, key: "dst", query: [["partNumber", "1"], ["uploadId", id]], headers: { "x-oss-copy-source": `/${OSS_BUCKET}/src`, "x-oss-copy-source-range": range } });
    const expected: [string, string][] = [
      ["bytes=2-4", "234"],
      ["bytes=7-", "789"],
      ["bytes=-3", "789"],
      ["bytes=5-10", SOURCE],
      ["bytes=5-99999999", SOURCE],
      ["bytes=10-12", SOURCE],
      ["bytes=-11", SOURCE],
      ["bytes=4-2", SOURCE],
      ["items=0-1", SOURCE],
    ];
    for (const [range, bytes] of expected) {
      const r = await partCopy(range);
      expect([range, r.status, etagOf(r)]).toEqual([range, 200, md5Hex(bytes)]);
    }
  });

  it("QingStor reads x-qs-copy-range as its Range header: suffix served, end cut to the source, start past it 416", async () => {
    expect((await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "src", body: SOURCE })).status).toBe(201);
    const init = await qsRequest(qs, { method: "POST", bucket: QS_BUCKET, key: "dst", query: [["uploads", undefined]] });
    const id = (JSON.parse(init.body) as { upload_id: string }).upload_id;
    const partCopy = (range: string) =>
      qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "dst", query: [["part_number", "0"], ["upload_id", id]], headers: { "x-qs-copy-source": `/${QS_BUCKET}/src`, "x-qs-copy-range": range, "content-length": "0" } });
    const cut = await partCopy("bytes=5-99");
    expect([cut.status, cut.headers["x-qs-content-copy-range"], etagOf(cut)]).toEqual([201, "bytes 5-9/10", md5Hex("56789")]);
    const suffix = await partCopy("bytes=-3");
    expect([suffix.status, suffix.headers["x-qs-content-copy-range"]]).toEqual([201, "bytes 7-9/10"]);
    const past = await partCopy("bytes=10-12");
    expect([past.status, errorCode(past)]).toEqual([416, "invalid_range"]);
  });
});
