// OSS SSE headers (protocols.md §2.7): x-oss-server-side-encryption (AES256, KMS, SM4) and, with KMS
// only, x-oss-server-side-data-encryption (SM4) and x-oss-server-side-encryption-key-id, which an
// AppendObject does not take. What a write asks for is stored and echoed on every answer about the
// object; what breaks the rules is 400 InvalidArgument and stores nothing. A copy is encrypted as its
// own request says, never as its source was.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { errorCode, ossRequest, type RawRequest, type RawResponse } from "./raw-client.js";

const BUCKET = "oss-sse";
const SSE = "x-oss-server-side-encryption";
const DATA = "x-oss-server-side-data-encryption";
const KEY_ID = "x-oss-server-side-encryption-key-id";
const KMS_SM4 = { [SSE]: "KMS", [DATA]: "SM4", [KEY_ID]: "cmk-secret-looking-id" };
const PART = 100 * 1024;

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});
afterAll(() => emu.stop());

const send = (r: Omit<RawRequest, "bucket">): Promise<RawResponse> => ossRequest(emu, { bucket: BUCKET, ...r });
/** The three SSE response headers of `r` (absent ones left out). */
const sseOf = (r: RawResponse): Record<string, unknown> =>
  Object.fromEntries([SSE, DATA, KEY_ID].filter((h) => r.headers[h] !== undefined).map((h) => [h, r.headers[h]]));
const argumentName = (r: RawResponse): string | undefined => /<ArgumentName>([^<]*)<\/ArgumentName>/.exec(r.body)?.[1];

describe("OSS SSE: stored and echoed", () => {
  it("PutObject with KMS, SM4 data encryption and a key id: the PUT, HEAD and GET answers carry all three", async () => {
    const put = await send({ method: "PUT", key: "kms-sm4", headers: KMS_SM4, body: "secret" });
    expect(put.status).toBe(200);
    expect(sseOf(put)).toEqual(KMS_SM4);
    expect(sseOf(await send({ method: "HEAD", key: "kms-sm4" }))).toEqual(KMS_SM4);
    const get = await send({ method: "GET", key: "kms-sm4" });
    expect([get.status, get.body, sseOf(get)]).toEqual([200, "secret", KMS_SM4]);
  });

  it("AppendObject with KMS and SM4 data encryption: every append's answer and the HEAD carry them", async () => {
    const sse = { [SSE]: "KMS", [DATA]: "SM4" };
    const first = await send({ method: "POST", key: "app", query: [["append", undefined], ["position", "0"]], headers: sse, body: "ab" });
    expect([first.status, sseOf(first)]).toEqual([200, sse]);
    const second = await send({ method: "POST", key: "app", query: [["append", undefined], ["position", "2"]], body: "cd" });
    expect([second.status, sseOf(second)]).toEqual([200, sse]);
    const head = await send({ method: "HEAD", key: "app" });
    expect([head.headers["x-oss-object-type"], sseOf(head)]).toEqual(["Appendable", sse]);
  });

  it("multipart: Initiate, UploadPart, Complete and HEAD answers carry the upload's SSE", async () => {
    const init = await send({ method: "POST", key: "mp", query: [["uploads", undefined]], headers: KMS_SM4 });
    expect([init.status, sseOf(init)]).toEqual([200, KMS_SM4]);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const etags: string[] = [];
    for (const [n, body] of [Buffer.alloc(PART, 1), Buffer.from("tail")].entries()) {
      const part = await send({ method: "PUT", key: "mp", query: [["partNumber", String(n + 1)], ["uploadId", uploadId]], body });
      expect([part.status, sseOf(part)]).toEqual([200, KMS_SM4]);
      etags.push(String(part.headers.etag));
    }
    const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
    const complete = await send({ method: "POST", key: "mp", query: [["uploadId", uploadId]], headers: { "content-type": "application/xml" }, body: xml });
    expect([complete.status, sseOf(complete)]).toEqual([200, KMS_SM4]);
    expect(sseOf(await send({ method: "HEAD", key: "mp" }))).toEqual(KMS_SM4);
  });

  it("CopyObject: the copy is encrypted as the request says (echoed on its answer), and not at all without SSE headers, whatever the source's", async () => {
    await send({ method: "PUT", key: "copy-src", headers: KMS_SM4, body: "to copy" });
    const source = { "x-oss-copy-source": `/${BUCKET}/copy-src` };
    const plain = await send({ method: "PUT", key: "copy-plain", headers: source });
    expect([plain.status, sseOf(plain)]).toEqual([200, {}]);
    expect(sseOf(await send({ method: "HEAD", key: "copy-plain" }))).toEqual({});
    const sm4 = { [SSE]: "KMS", [DATA]: "SM4" };
    const kept = await send({ method: "PUT", key: "copy-kms", headers: { ...source, ...sm4 } });
    expect([kept.status, sseOf(kept)]).toEqual([200, sm4]);
    expect(sseOf(await send({ method: "HEAD", key: "copy-kms" }))).toEqual(sm4);
  });
});

describe("OSS SSE: refused as OSS's rules say, nothing stored", () => {
  it("PutObject with an unknown algorithm: 400 InvalidEncryptionAlgorithmError, nothing stored", async () => {
    const r = await send({ method: "PUT", key: "refused-alg", headers: { [SSE]: "AES128" }, body: "x" });
    expect([r.status, errorCode(r), argumentName(r)]).toEqual([400, "InvalidEncryptionAlgorithmError", SSE]);
    expect((await send({ method: "HEAD", key: "refused-alg" })).status).toBe(404);
  });

  it.each([
    ["data encryption without KMS", { [SSE]: "AES256", [DATA]: "SM4" }, DATA],
    ["data encryption with no SSE at all", { [DATA]: "SM4" }, DATA],
    ["data encryption other than SM4", { [SSE]: "KMS", [DATA]: "AES256" }, DATA],
    ["a key id without KMS", { [SSE]: "SM4", [KEY_ID]: "cmk-secret-looking-id" }, KEY_ID],
    ["a key id with no SSE at all", { [KEY_ID]: "cmk-secret-looking-id" }, KEY_ID],
  ])("PutObject with %s: 400 InvalidArgument naming the header", async (_what, headers, name) => {
    const key = `refused-${name}-${Object.values(headers).join("-")}`;
    const r = await send({ method: "PUT", key, headers, body: "x" });
    expect([r.status, errorCode(r), argumentName(r)]).toEqual([400, "InvalidArgument", name]);
    expect(r.body).not.toContain("cmk-secret-looking-id");
    expect((await send({ method: "HEAD", key })).status).toBe(404);
  });

  it("InitiateMultipartUpload and CopyObject are held to the same rules", async () => {
    const init = await send({ method: "POST", key: "refused-mp", query: [["uploads", undefined]], headers: { [SSE]: "AES256", [DATA]: "SM4" } });
    expect([init.status, errorCode(init)]).toEqual([400, "InvalidArgument"]);
    await send({ method: "PUT", key: "refused-copy-src", body: "x" });
    const copy = await send({ method: "PUT", key: "refused-copy", headers: { "x-oss-copy-source": `/${BUCKET}/refused-copy-src`, [KEY_ID]: "k" } });
    expect([copy.status, errorCode(copy)]).toEqual([400, "InvalidArgument"]);
    expect((await send({ method: "HEAD", key: "refused-copy" })).status).toBe(404);
  });

  it("AppendObject with a KMS key id: 400 InvalidArgument (appendable objects take none), nothing created", async () => {
    const r = await send({ method: "POST", key: "app-key", query: [["append", undefined], ["position", "0"]], headers: { [SSE]: "KMS", [KEY_ID]: "cmk-secret-looking-id" }, body: "ab" });
    expect([r.status, errorCode(r), argumentName(r)]).toEqual([400, "InvalidArgument", KEY_ID]);
    expect(r.body).not.toContain("cmk-secret-looking-id");
    expect((await send({ method: "HEAD", key: "app-key" })).status).toBe(404);
  });
});
