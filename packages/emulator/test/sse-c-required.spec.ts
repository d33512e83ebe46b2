import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, md5Base64, qsRequest, type RawResponse } from "./raw-client.js";

// SSE-C: the three headers are required (protocols.md §1.6, §3.6), and a part copied into an SSE-C
// upload needs the upload's key as an uploaded part does.

const COS_BUCKET = "ssec-1250000000";
const QS_BUCKET = "ssec-qs";
const COS_SSEC = "x-cos-server-side-encryption-customer-";
const COS_COPY_SSEC = "x-cos-copy-source-server-side-encryption-customer-";
const QS_SSEC = "x-qs-encryption-customer-";
const QS_COPY_SSEC = "x-qs-copy-source-encryption-customer-";
const key = randomBytes(32);
const ssec = (prefix: string, k = key): Record<string, string> => ({
  [`${prefix}algorithm`]: "AES256",
  [`${prefix}key`]: k.toString("base64"),
  [`${prefix}key-md5`]: md5Base64(k),
});
const withoutMd5 = (prefix: string): Record<string, string> => {
  const h = ssec(prefix);
  delete h[`${prefix}key-md5`];
  return h;
};
const PART = Buffer.alloc(1024, 7);

// SSE-C needs TLS; these emulators accept it over http as if behind an https proxy.
let cos: Emulator;
let qs: Emulator;

beforeAll(async () => {
  [cos, qs] = await Promise.all([
    startEmulator({ provider: "cos", buckets: [COS_BUCKET], allowSseCOverHttp: true }),
    startEmulator({ provider: "qingstor", buckets: [QS_BUCKET], allowSseCOverHttp: true }),
  ]);
  await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "plain", body: PART });
  await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "sealed", headers: ssec(COS_SSEC), body: PART });
  await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "plain", body: PART });
  await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "sealed", headers: ssec(QS_SSEC), body: PART });
});

afterAll(async () => {
  await Promise.all([cos.stop(), qs.stop()]);
});

const answer = (r: RawResponse): [number, string | undefined] => [r.status, errorCode(r)];

describe("SSE-C without the key MD5", () => {
  it("COS refuses a write, a read and a copy source with 400 InvalidArgument, and stores nothing", async () => {
    expect(answer(await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "no-md5", headers: withoutMd5(COS_SSEC), body: "x" }))).toEqual([400, "InvalidArgument"]);
    expect((await cosRequest(cos, { method: "HEAD", bucket: COS_BUCKET, key: "no-md5" })).status).toBe(404);
    expect(answer(await cosRequest(cos, { method: "GET", bucket: COS_BUCKET, key: "sealed", headers: withoutMd5(COS_SSEC) }))).toEqual([400, "InvalidArgument"]);
    const copy = await cosRequest(cos, {
      method: "PUT",
      bucket: COS_BUCKET,
      key: "copy",
      headers: { "x-cos-copy-source": `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/sealed`, ...withoutMd5(COS_COPY_SSEC) },
    });
    expect(answer(copy)).toEqual([400, "InvalidArgument"]);
    const get = await cosRequest(cos, { method: "GET", bucket: COS_BUCKET, key: "sealed", headers: ssec(COS_SSEC) });
    expect(get.status).toBe(200);
  });

  it("QingStor refuses a write, a read and a copy source with 400 invalid_argument, and stores nothing", async () => {
    expect(answer(await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "no-md5", headers: withoutMd5(QS_SSEC), body: "x" }))).toEqual([400, "invalid_argument"]);
    expect((await qsRequest(qs, { method: "HEAD", bucket: QS_BUCKET, key: "no-md5" })).status).toBe(404);
    expect(answer(await qsRequest(qs, { method: "GET", bucket: QS_BUCKET, key: "sealed", headers: withoutMd5(QS_SSEC) }))).toEqual([400, "invalid_argument"]);
    const copy = await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "copy", headers: { "x-qs-copy-source": `/${QS_BUCKET}/sealed`, ...withoutMd5(QS_COPY_SSEC) } });
    expect(answer(copy)).toEqual([400, "invalid_argument"]);
    expect((await qsRequest(qs, { method: "GET", bucket: QS_BUCKET, key: "sealed", headers: ssec(QS_SSEC) })).status).toBe(200);
  });
});

describe("Upload Part - Copy into an SSE-C upload", () => {
  it("COS wants the upload's key as Upload Part does: 400 without it, 403 with another, 200 with it", async () => {
    const init = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, key: "mp", query: [["uploads", undefined]], headers: ssec(COS_SSEC) });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const query: [string, string][] = [["partNumber", "1"], ["uploadId", uploadId]];
    const source = { "x-cos-copy-source": `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/plain` };
    expect(answer(await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "mp", query, body: PART }))).toEqual([400, "InvalidRequest"]);
    expect(answer(await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "mp", query, headers: source }))).toEqual([400, "InvalidRequest"]);
    expect(answer(await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "mp", query, headers: { ...source, ...ssec(COS_SSEC, randomBytes(32)) } }))).toEqual([403, "AccessDenied"]);
    const listed = await cosRequest(cos, { method: "GET", bucket: COS_BUCKET, key: "mp", query: [["uploadId", uploadId]] });
    expect(listed.body).not.toContain("<Part>");
    expect((await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "mp", query, headers: { ...source, ...ssec(COS_SSEC) } })).status).toBe(200);
  });

  it("QingStor wants the upload's key as UploadMultipart does: 400 without it, 201 with it", async () => {
    const init = await qsRequest(qs, { method: "POST", bucket: QS_BUCKET, key: "mp", query: [["uploads", undefined]], headers: ssec(QS_SSEC) });
    const uploadId = (JSON.parse(init.body) as { upload_id: string }).upload_id;
    const query: [string, string][] = [["part_number", "0"], ["upload_id", uploadId]];
    const source = { "x-qs-copy-source": `/${QS_BUCKET}/plain` };
    expect(answer(await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "mp", query, body: PART }))).toEqual([400, "invalid_request"]);
    expect(answer(await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "mp", query, headers: source }))).toEqual([400, "invalid_request"]);
    const listed = await qsRequest(qs, { method: "GET", bucket: QS_BUCKET, key: "mp", query: [["upload_id", uploadId]] });
    expect((JSON.parse(listed.body) as { object_parts: unknown[] }).object_parts).toEqual([]);
    expect((await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "mp", query, headers: { ...source, ...ssec(QS_SSEC) } })).status).toBe(201);
  });
});

describe("an SSE-C key on a part of an upload begun without one", () => {
  it("COS refuses the part (400 InvalidArgument, nothing stored), as a key sent to a plain object: the object would be stored in clear", async () => {
    const init = await cosRequest(cos, { method: "POST", bucket: COS_BUCKET, key: "plain-mp", query: [["uploads", undefined]] });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const query: [string, string][] = [["partNumber", "1"], ["uploadId", uploadId]];
    expect(answer(await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "plain-mp", query, headers: ssec(COS_SSEC), body: PART }))).toEqual([400, "InvalidArgument"]);
    const source = { "x-cos-copy-source": `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/plain` };
    expect(answer(await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "plain-mp", query, headers: { ...source, ...ssec(COS_SSEC) } }))).toEqual([400, "InvalidArgument"]);
    const listed = await cosRequest(cos, { method: "GET", bucket: COS_BUCKET, key: "plain-mp", query: [["uploadId", uploadId]] });
    expect(listed.body).not.toContain("<Part>");
    expect((await cosRequest(cos, { method: "PUT", bucket: COS_BUCKET, key: "plain-mp", query, body: PART })).status).toBe(200);
  });

  it("QingStor refuses the part and the Complete (400 invalid_argument)", async () => {
    const init = await qsRequest(qs, { method: "POST", bucket: QS_BUCKET, key: "plain-mp", query: [["uploads", undefined]] });
    const uploadId = (JSON.parse(init.body) as { upload_id: string }).upload_id;
    const query: [string, string][] = [["part_number", "0"], ["upload_id", uploadId]];
    expect(answer(await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "plain-mp", query, headers: ssec(QS_SSEC), body: PART }))).toEqual([400, "invalid_argument"]);
    const listed = await qsRequest(qs, { method: "GET", bucket: QS_BUCKET, key: "plain-mp", query: [["upload_id", uploadId]] });
    expect((JSON.parse(listed.body) as { object_parts: unknown[] }).object_parts).toEqual([]);
    expect((await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "plain-mp", query, body: PART })).status).toBe(201);
    const complete = await qsRequest(qs, {
      method: "POST",
      bucket: QS_BUCKET,
      key: "plain-mp",
      query: [["upload_id", uploadId]],
      headers: ssec(QS_SSEC),
      body: JSON.stringify({ object_parts: [{ part_number: 0 }] }),
    });
    expect(answer(complete)).toEqual([400, "invalid_argument"]);
  });
});
