// COS SSE-COS / SSE-KMS headers where COS takes none (protocols.md §1.6): x-cos-server-side-encryption
// on a download (GET or HEAD), a KMS key id or context without cos/kms, and any SSE on APPEND (which,
// like SSE-C there, would otherwise store an unencrypted object). Each is 400 InvalidArgument and
// changes nothing, so a client leaking a default SSE onto reads or appends is caught.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, type RawRequest, type RawResponse } from "./raw-client.js";

const BUCKET = "sse-refusals-1250000000";
const SSE = "x-cos-server-side-encryption";
const KEY_ID = "x-cos-server-side-encryption-cos-kms-key-id";
const CONTEXT = "x-cos-server-side-encryption-context";
const CONTEXT_VALUE = Buffer.from(JSON.stringify({ purpose: "test" })).toString("base64");

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});
afterAll(() => emu.stop());

const send = (r: Omit<RawRequest, "bucket">): Promise<RawResponse> => cosRequest(emu, { bucket: BUCKET, ...r });

describe("COS SSE-COS / SSE-KMS headers on downloads", () => {
  it.each([
    ["SSE-COS", { [SSE]: "AES256" }],
    ["SSE-KMS", { [SSE]: "cos/kms" }],
    ["a KMS key id", { [KEY_ID]: "key-1" }],
    ["a KMS context", { [CONTEXT]: CONTEXT_VALUE }],
  ])("%s on GET is 400 InvalidArgument, on HEAD 400 (no body); without it both read the object", async (_what, headers) => {
    await send({ method: "PUT", key: "enc", headers: { [SSE]: "AES256" }, body: "data" });
    const get = await send({ method: "GET", key: "enc", headers });
    expect([get.status, errorCode(get)]).toEqual([400, "InvalidArgument"]);
    expect((await send({ method: "HEAD", key: "enc", headers })).status).toBe(400);
    const plain = await send({ method: "GET", key: "enc" });
    expect([plain.status, plain.body, plain.headers[SSE]]).toEqual([200, "data", "AES256"]);
    expect((await send({ method: "HEAD", key: "enc" })).status).toBe(200);
  });
});

describe("COS KMS key id and context need cos/kms", () => {
  it.each([
    ["a key id without SSE", { [KEY_ID]: "key-1" }],
    ["a context without SSE", { [CONTEXT]: CONTEXT_VALUE }],
    ["a key id with SSE-COS", { [SSE]: "AES256", [KEY_ID]: "key-1" }],
    ["a context with SSE-COS (SM4)", { [SSE]: "SM4", [CONTEXT]: CONTEXT_VALUE }],
  ])("PUT Object with %s is 400 InvalidArgument, nothing stored", async (_what, headers) => {
    const key = `kms-${Object.keys(headers).length}-${Object.values(headers)[0]}`;
    const put = await send({ method: "PUT", key, headers, body: "x" });
    expect([put.status, errorCode(put)]).toEqual([400, "InvalidArgument"]);
    expect((await send({ method: "HEAD", key })).status).toBe(404);
  });

  it("Initiate and PUT Object - Copy are held to it; with cos/kms, key id and context are taken and the key id echoed", async () => {
    const init = await send({ method: "POST", key: "kms-mp", query: [["uploads", undefined]], headers: { [KEY_ID]: "key-1" } });
    expect([init.status, errorCode(init)]).toEqual([400, "InvalidArgument"]);
    await send({ method: "PUT", key: "kms-src", body: "x" });
    const source = { "x-cos-copy-source": `${BUCKET}.cos.ap-guangzhou.myqcloud.com/kms-src` };
    const copy = await send({ method: "PUT", key: "kms-copy", headers: { ...source, [CONTEXT]: CONTEXT_VALUE } });
    expect([copy.status, errorCode(copy)]).toEqual([400, "InvalidArgument"]);
    expect((await send({ method: "HEAD", key: "kms-copy" })).status).toBe(404);
    const kms = await send({ method: "PUT", key: "kms-ok", headers: { [SSE]: "cos/kms", [KEY_ID]: "key-1", [CONTEXT]: CONTEXT_VALUE }, body: "x" });
    expect([kms.status, kms.headers[SSE], kms.headers[KEY_ID]]).toEqual([200, "cos/kms", "key-1"]);
  });
});

describe("COS APPEND takes no SSE", () => {
  it.each([
    ["SSE-COS", { [SSE]: "AES256" }],
    ["SSE-KMS", { [SSE]: "cos/kms", [KEY_ID]: "key-1" }],
  ])("%s on the first APPEND is 400 InvalidArgument, nothing created", async (what, headers) => {
    const key = `app-${what}`;
    const r = await send({ method: "POST", key, query: [["append", undefined], ["position", "0"]], headers, body: "ab" });
    expect([r.status, errorCode(r)]).toEqual([400, "InvalidArgument"]);
    expect((await send({ method: "HEAD", key })).status).toBe(404);
  });

  it("SSE-COS on a later APPEND is 400 InvalidArgument, the object unchanged", async () => {
    const first = await send({ method: "POST", key: "app-later", query: [["append", undefined], ["position", "0"]], body: "ab" });
    expect(first.status).toBe(200);
    const r = await send({ method: "POST", key: "app-later", query: [["append", undefined], ["position", "2"]], headers: { [SSE]: "AES256" }, body: "cd" });
    expect([r.status, errorCode(r)]).toEqual([400, "InvalidArgument"]);
    const get = await send({ method: "GET", key: "app-later" });
    expect([get.body, get.headers[SSE]]).toEqual(["ab", undefined]);
  });
});
