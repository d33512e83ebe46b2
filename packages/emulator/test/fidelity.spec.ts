import { describe, expect, it } from "@jest/globals";
import type { Emulator } from "../src/index.js";
import { threeBuckets, useThreeEmulators } from "./three-emulators.js";
import { cosRequest, errorCode, md5Base64, ossEc, ossRequest, qsRequest } from "./raw-client.js";

// Answers checked against the providers' documentation (review-emulator F1-F4, F6).

const { cos: COS_BUCKET, oss: OSS_BUCKET, qs: QS_BUCKET } = threeBuckets("fidelity");

let cos: Emulator;
let oss: Emulator;
let qs: Emulator;

useThreeEmulators({ cos: COS_BUCKET, oss: OSS_BUCKET, qs: QS_BUCKET }, (e) => ({ cos, oss, qs } = e));

const xmlOf = (parts: [number, string][]): string =>
  `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
const uploadIdOf = (body: string): string => /<UploadId>([^<]+)<\/UploadId>/.exec(body)![1]!;

describe("COS APPEND at the wrong position", () => {
  it("answers 409 AppendPositionErr, not OSS's PositionNotEqualToLength", async () => {
    const first = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, key: "app.log", query: [["append", undefined], ["position", "0"]], body: "hello" });
    expect(first.status).toBe(200);
    const again = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, key: "app.log", query: [["append", undefined], ["position", "0"]], body: "hello" });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe("AppendPositionErr");
    // an emulator extra, documented as such: real COS documents no header on this error
    expect(again.headers["x-cos-next-append-position"]).toBe("5");
  });

  it("leaves OSS's 409 PositionNotEqualToLength as it is", async () => {
    await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "app.log", query: [["append", undefined], ["position", "0"]], body: "hello" });
    const again = await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "app.log", query: [["append", undefined], ["position", "0"]], body: "hello" });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe("PositionNotEqualToLength");
    expect(again.headers["x-oss-next-append-position"]).toBe("5");
  });
});

describe("copies from an appendable source", () => {
  it("OSS refuses CopyObject with 400 InvalidArgument (the code is a guess) and keeps no copy", async () => {
    await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "appendable", query: [["append", undefined], ["position", "0"]], body: "abc" });
    const copy = await ossRequest(oss, { method: "PUT", bucket: OSS_BUCKET, key: "copy-of-appendable", headers: { "x-oss-copy-source": `/${OSS_BUCKET}/appendable` } });
    expect(copy.status).toBe(400);
    expect(errorCode(copy)).toBe("InvalidArgument");
    expect((await ossRequest(oss, { method: "HEAD", bucket: OSS_BUCKET, key: "copy-of-appendable" })).status).toBe(404);
  });

  it("OSS refuses UploadPartCopy", async () => {
    await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "appendable2", query: [["append", undefined], ["position", "0"]], body: "abc" });
    const init = await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "mp-dst", query: [["uploads", undefined]] });
    const uploadId = uploadIdOf(init.body);
    const part = await ossRequest(oss, {
      method: "PUT",
      bucket: OSS_BUCKET,
      key: "mp-dst",
      query: [["partNumber", "1"], ["uploadId", uploadId]],
      headers: { "x-oss-copy-source": `/${OSS_BUCKET}/appendable2` },
    });
    expect(part.status).toBe(400);
    expect(errorCode(part)).toBe("InvalidArgument");
    await ossRequest(oss, { method: "DELETE", bucket: OSS_BUCKET, key: "mp-dst", query: [["uploadId", uploadId]] });
  });

  it("COS refuses Upload Part - Copy, as it refuses PUT Object - Copy", async () => {
    await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, key: "appendable", query: [["append", undefined], ["position", "0"]], body: "abc" });
    const source = `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/appendable`;
    const put = await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "copy", headers: { "x-cos-copy-source": source } });
    expect([put.status, errorCode(put)]).toEqual([400, "InvalidCopySource"]);
    const init = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, key: "mp-dst", query: [["uploads", undefined]] });
    const uploadId = uploadIdOf(init.body);
    const part = await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "mp-dst", query: [["partNumber", "1"], ["uploadId", uploadId]], headers: { "x-cos-copy-source": source } });
    expect([part.status, errorCode(part)]).toEqual([400, "InvalidCopySource"]);
    await cosRequest(cos, { method: "DELETE", bucket: COS_BUCKET, key: "mp-dst", query: [["uploadId", uploadId]] });
  });
});

describe("COS copy storage class", () => {
  it("makes a PUT-copy STANDARD unless x-cos-storage-class is sent, whatever the directive", async () => {
    await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "ia", headers: { "x-cos-storage-class": "STANDARD_IA" }, body: "cold" });
    expect((await cosRequest(cos, { method: "HEAD", bucket: COS_BUCKET, key: "ia" })).headers["x-cos-storage-class"]).toBe("STANDARD_IA");
    const source = `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/ia`;
    for (const directive of ["Copy", "Replaced"]) {
      const copy = await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: `ia-${directive}`, headers: { "x-cos-copy-source": source, "x-cos-metadata-directive": directive } });
      expect(copy.status).toBe(200);
      expect((await cosRequest(cos, { method: "HEAD", bucket: COS_BUCKET, key: `ia-${directive}` })).headers["x-cos-storage-class"]).toBe("STANDARD");
    }
    await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "ia-kept", headers: { "x-cos-copy-source": source, "x-cos-storage-class": "STANDARD_IA" } });
    expect((await cosRequest(cos, { method: "HEAD", bucket: COS_BUCKET, key: "ia-kept" })).headers["x-cos-storage-class"]).toBe("STANDARD_IA");
  });

  it("makes a multipart copy STANDARD when Initiate names no class", async () => {
    const init = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, key: "ia-mp", query: [["uploads", undefined]] });
    const uploadId = uploadIdOf(init.body);
    const source = `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/ia`;
    const part = await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "ia-mp", query: [["partNumber", "1"], ["uploadId", uploadId]], headers: { "x-cos-copy-source": source } });
    expect(part.status).toBe(200);
    const etag = /<ETag>([^<]+)<\/ETag>/.exec(part.body)![1]!;
    const done = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, key: "ia-mp", query: [["uploadId", uploadId]], body: xmlOf([[1, etag]]) });
    expect(done.status).toBe(200);
    expect((await cosRequest(cos, { method: "HEAD", bucket: COS_BUCKET, key: "ia-mp" })).headers["x-cos-storage-class"]).toBe("STANDARD");
  });
});

describe("DELETE Bucket with multipart uploads in progress", () => {
  it("COS answers 409 BucketNotEmpty, and deletes the bucket once the upload is aborted", async () => {
    const b = "with-uploads-1250000000";
    expect((await cosRequest(cos, { method: "PUT", bucket: b })).status).toBe(200);
    const uploadId = uploadIdOf((await cosRequest(cos, { method: "POST", bucket: b, key: "big", query: [["uploads", undefined]] })).body);
    const del = await cosRequest(cos, { method: "DELETE", bucket: b });
    expect([del.status, errorCode(del)]).toEqual([409, "BucketNotEmpty"]);
    expect((await cosRequest(cos, { method: "HEAD", bucket: b })).status).toBe(200);
    await cosRequest(cos, { method: "DELETE", bucket: b, key: "big", query: [["uploadId", uploadId]] });
    expect((await cosRequest(cos, { method: "DELETE", bucket: b })).status).toBe(204);
  });

  it("OSS answers 409 BucketNotEmpty", async () => {
    const b = "oss-with-uploads";
    expect((await ossRequest(oss, { method: "PUT", bucket: b })).status).toBe(200);
    await ossRequest(oss, { method: "POST", bucket: b, key: "big", query: [["uploads", undefined]] });
    const del = await ossRequest(oss, { method: "DELETE", bucket: b });
    expect([del.status, errorCode(del)]).toEqual([409, "BucketNotEmpty"]);
  });

  it("QingStor answers 409 bucket_not_empty (assumed, as S3)", async () => {
    const b = "qs-with-uploads";
    expect((await qsRequest(qs, { method: "PUT", bucket: b })).status).toBe(201);
    const init = await qsRequest(qs, { method: "POST", bucket: b, key: "big", query: [["uploads", undefined]] });
    expect(init.status).toBe(200);
    const del = await qsRequest(qs, { method: "DELETE", bucket: b });
    expect([del.status, errorCode(del)]).toEqual([409, "bucket_not_empty"]);
  });
});

describe("COS error codes", () => {
  it("KeyTooLong for a key over 850 bytes", async () => {
    const r = await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "k".repeat(851), body: "x" });
    expect([r.status, errorCode(r)]).toEqual([400, "KeyTooLong"]);
    expect((await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "k".repeat(850), body: "x" })).status).toBe(200);
  });

  it("InvalidDigest for a malformed Content-MD5, BadDigest for a wrong one", async () => {
    const bad = await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "m.txt", headers: { "content-md5": "abc" }, body: "x" });
    expect([bad.status, errorCode(bad)]).toEqual([400, "InvalidDigest"]);
    const wrong = await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "m.txt", headers: { "content-md5": md5Base64("y") }, body: "x" });
    expect([wrong.status, errorCode(wrong)]).toEqual([400, "BadDigest"]);
  });

  it("MissingContentMD5 for a multi-delete without Content-MD5", async () => {
    const xml = "<Delete><Quiet>true</Quiet><Object><Key>m.txt</Key></Object></Delete>";
    const r = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, query: [["delete", undefined]], headers: { "content-type": "application/xml" }, body: xml });
    expect([r.status, errorCode(r)]).toEqual([400, "MissingContentMD5"]);
    const ok = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, query: [["delete", undefined]], headers: { "content-type": "application/xml", "content-md5": md5Base64(xml) }, body: xml });
    expect(ok.status).toBe(200);
  });

  it("OSS: a Complete listing parts out of order is 400 InvalidPartOrder with EC 0042-00000209 (help page), the upload kept", async () => {
    const init = await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "order", query: [["uploads", undefined]] });
    const uploadId = uploadIdOf(init.body);
    const etags: [number, string][] = [];
    for (const n of [1, 2]) {
      const part = await ossRequest(oss, { method: "PUT", bucket: OSS_BUCKET, key: "order", query: [["partNumber", String(n)], ["uploadId", uploadId]], body: "x".repeat(100 * 1024) });
      etags.push([n, String(part.headers["etag"])]);
    }
    const r = await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "order", query: [["uploadId", uploadId]], body: xmlOf([etags[1]!, etags[0]!]) });
    expect([r.status, errorCode(r), ossEc(r)]).toEqual([400, "InvalidPartOrder", "0042-00000209"]);
    const done = await ossRequest(oss, { method: "POST", bucket: OSS_BUCKET, key: "order", query: [["uploadId", uploadId]], body: xmlOf(etags) });
    expect(done.status).toBe(200);
  });

  it("leaves the OSS answers as they were", async () => {
    const long = await ossRequest(oss, { method: "PUT", bucket: OSS_BUCKET, key: "k".repeat(1024), body: "x" });
    expect([long.status, errorCode(long)]).toEqual([400, "InvalidObjectName"]);
    const bad = await ossRequest(oss, { method: "PUT", bucket: OSS_BUCKET, key: "m.txt", headers: { "content-md5": "abc" }, body: "x" });
    expect([bad.status, errorCode(bad)]).toEqual([400, "InvalidArgument"]);
  });
});
