import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, md5Base64, md5Hex, qsRequest } from "./raw-client.js";

// SSE review, finding 10: SSE-C needs TLS, encrypted objects have no MD5 ETag, the KMS context is base64 JSON.

const COS_BUCKET = "sse-1250000000";
const QS_BUCKET = "sse-qs";
const key = randomBytes(32);
const ssec = (prefix: string, k = key): Record<string, string> => ({
  [`${prefix}algorithm`]: "AES256",
  [`${prefix}key`]: k.toString("base64"),
  [`${prefix}key-md5`]: md5Base64(k),
});
const COS_SSEC = "x-cos-server-side-encryption-customer-";
const COS_COPY_SSEC = "x-cos-copy-source-server-side-encryption-customer-";
const QS_SSEC = "x-qs-encryption-customer-";
const etagOf = (h: Record<string, unknown>): string => String(h.etag).replace(/"/g, "");

let cosPlain: Emulator;
let cosTls: Emulator;
let cosProxied: Emulator;
let qsPlain: Emulator;
let qsTls: Emulator;

beforeAll(async () => {
  [cosPlain, cosTls, cosProxied, qsPlain, qsTls] = await Promise.all([
    startEmulator({ provider: "cos", buckets: [COS_BUCKET] }),
    startEmulator({ provider: "cos", buckets: [COS_BUCKET], tls: true }),
    startEmulator({ provider: "cos", buckets: [COS_BUCKET], allowSseCOverHttp: true }),
    startEmulator({ provider: "qingstor", buckets: [QS_BUCKET] }),
    startEmulator({ provider: "qingstor", buckets: [QS_BUCKET], tls: true }),
  ]);
});

afterAll(async () => {
  await Promise.all([cosPlain, cosTls, cosProxied, qsPlain, qsTls].map((e) => e.stop()));
});

describe("SSE-C over plain http", () => {
  it("COS refuses it with 400 InvalidRequest on writes, reads and copy sources, and stores nothing", async () => {
    const put = await cosRequest(cosPlain, { method: "PUT", bucket: COS_BUCKET, key: "s", headers: ssec(COS_SSEC), body: "secret" });
    expect([put.status, errorCode(put)]).toEqual([400, "InvalidRequest"]);
    expect((await cosRequest(cosPlain, { method: "HEAD", bucket: COS_BUCKET, key: "s" })).status).toBe(404);
    await cosRequest(cosPlain, { method: "PUT", bucket: COS_BUCKET, key: "plain", body: "clear" });
    const get = await cosRequest(cosPlain, { method: "GET", bucket: COS_BUCKET, key: "plain", headers: ssec(COS_SSEC) });
    expect([get.status, errorCode(get)]).toEqual([400, "InvalidRequest"]);
    const head = await cosRequest(cosPlain, { method: "HEAD", bucket: COS_BUCKET, key: "plain", headers: ssec(COS_SSEC) });
    expect(head.status).toBe(400);
    const copy = await cosRequest(cosPlain, {
      method: "PUT",
      bucket: COS_BUCKET,
      key: "copy",
      headers: { "x-cos-copy-source": `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/plain`, ...ssec(COS_COPY_SSEC) },
    });
    expect([copy.status, errorCode(copy)]).toEqual([400, "InvalidRequest"]);
    const init = await cosRequest(cosPlain, { method: "POST", bucket: COS_BUCKET, key: "mp", query: [["uploads", undefined]], headers: ssec(COS_SSEC) });
    expect([init.status, errorCode(init)]).toEqual([400, "InvalidRequest"]);
  });

  it("COS accepts it over TLS", async () => {
    const put = await cosRequest(cosTls, { method: "PUT", bucket: COS_BUCKET, key: "s", headers: ssec(COS_SSEC), body: "secret" });
    expect(put.status).toBe(200);
    const get = await cosRequest(cosTls, { method: "GET", bucket: COS_BUCKET, key: "s", headers: ssec(COS_SSEC) });
    expect([get.status, get.body]).toEqual([200, "secret"]);
  });

  it("COS accepts it over http with allowSseCOverHttp (an emulator behind an https proxy)", async () => {
    const put = await cosRequest(cosProxied, { method: "PUT", bucket: COS_BUCKET, key: "s", headers: ssec(COS_SSEC), body: "secret" });
    expect(put.status).toBe(200);
    const get = await cosRequest(cosProxied, { method: "GET", bucket: COS_BUCKET, key: "s", headers: ssec(COS_SSEC) });
    expect([get.status, get.body]).toEqual([200, "secret"]);
  });

  it("QingStor refuses it with 400 invalid_request, and accepts it over TLS", async () => {
    const put = await qsRequest(qsPlain, { method: "PUT", bucket: QS_BUCKET, key: "s", headers: ssec(QS_SSEC), body: "secret" });
    expect([put.status, errorCode(put)]).toEqual([400, "invalid_request"]);
    expect((await qsRequest(qsPlain, { method: "HEAD", bucket: QS_BUCKET, key: "s" })).status).toBe(404);
    const ok = await qsRequest(qsTls, { method: "PUT", bucket: QS_BUCKET, key: "s", headers: ssec(QS_SSEC), body: "secret" });
    expect(ok.status).toBe(201);
  });
});

describe("ETags of encrypted objects", () => {
  it("COS: SSE-C and SSE-KMS objects get an ETag that is not the content MD5; SSE-COS and plain ones keep the MD5", async () => {
    const body = "same bytes";
    const plain = await cosRequest(cosTls, { method: "PUT", bucket: COS_BUCKET, key: "e-plain", body });
    expect(etagOf(plain.headers)).toBe(md5Hex(body));
    const sseCos = await cosRequest(cosTls, { method: "PUT", bucket: COS_BUCKET, key: "e-aes", headers: { "x-cos-server-side-encryption": "AES256" }, body });
    expect(etagOf(sseCos.headers)).toBe(md5Hex(body));

    const c1 = await cosRequest(cosTls, { method: "PUT", bucket: COS_BUCKET, key: "e-c", headers: ssec(COS_SSEC), body });
    expect(c1.status).toBe(200);
    expect(etagOf(c1.headers)).toMatch(/^[0-9a-f]{32}$/);
    expect(etagOf(c1.headers)).not.toBe(md5Hex(body));
    const head = await cosRequest(cosTls, { method: "HEAD", bucket: COS_BUCKET, key: "e-c", headers: ssec(COS_SSEC) });
    expect(etagOf(head.headers)).toBe(etagOf(c1.headers));
    const other = await cosRequest(cosTls, { method: "PUT", bucket: COS_BUCKET, key: "e-c2", headers: ssec(COS_SSEC, randomBytes(32)), body });
    expect(etagOf(other.headers)).not.toBe(etagOf(c1.headers));

    const kms = await cosRequest(cosTls, { method: "PUT", bucket: COS_BUCKET, key: "e-kms", headers: { "x-cos-server-side-encryption": "cos/kms" }, body });
    expect(kms.status).toBe(200);
    expect(etagOf(kms.headers)).not.toBe(md5Hex(body));

    // A plain copy of the SSE-C object gets the MD5 ETag back; an SSE-C part gets a sealed ETag too.
    const copy = await cosRequest(cosTls, {
      method: "PUT",
      bucket: COS_BUCKET,
      key: "e-copy",
      headers: { "x-cos-copy-source": `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/e-c`, ...ssec(COS_COPY_SSEC) },
    });
    expect(copy.status).toBe(200);
    expect((await cosRequest(cosTls, { method: "HEAD", bucket: COS_BUCKET, key: "e-copy" })).headers.etag).toBe(`"${md5Hex(body)}"`);
    const init = await cosRequest(cosTls, { method: "POST", bucket: COS_BUCKET, key: "e-mp", query: [["uploads", undefined]], headers: ssec(COS_SSEC) });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const part = await cosRequest(cosTls, { method: "PUT", bucket: COS_BUCKET, key: "e-mp", query: [["partNumber", "1"], ["uploadId", uploadId]], headers: ssec(COS_SSEC), body });
    expect(part.status).toBe(200);
    expect(etagOf(part.headers)).not.toBe(md5Hex(body));
  });

  it("QingStor: SSE-C objects get an ETag that is not the content MD5", async () => {
    const body = "qs bytes";
    const put = await qsRequest(qsTls, { method: "PUT", bucket: QS_BUCKET, key: "e-c", headers: ssec(QS_SSEC), body });
    expect(put.status).toBe(201);
    expect(etagOf(put.headers)).not.toBe(md5Hex(body));
    const plain = await qsRequest(qsTls, { method: "PUT", bucket: QS_BUCKET, key: "e-plain", body });
    expect(etagOf(plain.headers)).toBe(md5Hex(body));
  });
});

describe("COS x-cos-server-side-encryption-context", () => {
  const put = (context: string): ReturnType<typeof cosRequest> =>
    cosRequest(cosPlain, {
      method: "PUT",
      bucket: COS_BUCKET,
      key: "kms-ctx",
      headers: { "x-cos-server-side-encryption": "cos/kms", "x-cos-server-side-encryption-context": context },
      body: "x",
    });

  it("accepts base64 of a JSON object (the documented example)", async () => {
    expect((await put("eyJhIjoiYXNkZmEiLCJiIjoiMTIzMzIxIn0=")).status).toBe(200);
    expect((await put(Buffer.from('{"team":"storage"}').toString("base64"))).status).toBe(200);
  });

  it.each([
    ["not base64", "not base64!"],
    ["base64 of text that is not JSON", Buffer.from("team=storage").toString("base64")],
    ["base64 of a JSON array", Buffer.from("[1,2]").toString("base64")],
    ["base64 of a JSON string", Buffer.from('"x"').toString("base64")],
    ["raw JSON", '{"a":"b"}'],
  ])("refuses %s with 400 InvalidArgument", async (_label, context) => {
    const r = await put(context);
    expect([r.status, errorCode(r)]).toEqual([400, "InvalidArgument"]);
  });

  it("checks it on Initiate too", async () => {
    const r = await cosRequest(cosPlain, {
      method: "POST",
      bucket: COS_BUCKET,
      key: "kms-mp",
      query: [["uploads", undefined]],
      headers: { "x-cos-server-side-encryption": "cos/kms", "x-cos-server-side-encryption-context": "%%%" },
    });
    expect([r.status, errorCode(r)]).toEqual([400, "InvalidArgument"]);
  });
});
