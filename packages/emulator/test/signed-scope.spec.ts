// What a signature covers (review-presign): a COS signature over `/<bucket>/<key>` is not one over
// `/<key>` of the same bucket (path style, p15); a request for a sub-resource the emulator does not
// implement is authenticated before its 501, as is a method the resource does not allow before its 405, on every provider; a QingStor sub-resource of the signed
// list (`version_id`, `position` outside an append) cannot be added to a request unsigned.
// Requests are signed by hand with the verifier's own signature functions (checked against the
// protocols.md vectors in signatures.spec.ts), so only the part under test is wrong.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { cosSignature } from "../src/cos/signature.js";
import { startEmulator, type Emulator } from "../src/index.js";
import { ossV1Resource, ossV1Signature, ossV1StringToSign } from "../src/oss/signature-v1.js";
import { qsResource, qsSignature, qsStringToSign, QS_SUBRESOURCES } from "../src/qingstor/signature.js";
import { cosRequest, errorCode, ossRequest, qsRequest } from "./raw-client.js";

const nowSec = (): number => Math.floor(Date.now() / 1000);

describe("COS path style: the signed path is the key's", () => {
  const BUCKET = "test-1250000000";
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ provider: "cos", buckets: [BUCKET] });
    expect((await cosRequest(emu, { method: "PUT", bucket: BUCKET, key: "k.txt", body: "victim" })).status).toBe(200);
    expect((await cosRequest(emu, { method: "PUT", bucket: BUCKET, key: `${BUCKET}/k.txt`, body: "own" })).status).toBe(200);
  });
  afterAll(() => emu.stop());

  /** A presigned URL to `/<bucket><wirePath>` whose signature covers `signedPath`, only `host` signed. */
  function url(method: string, signedPath: string, wirePath: string): string {
    const host = `127.0.0.1:${emu.port}`;
    const span = `${nowSec() - 60};${nowSec() + 600}`;
    const auth = { keyTime: span, signTime: span, headerList: ["host"], urlParamList: [] };
    const signature = cosSignature(emu.credential.secretKey, { method, pathname: signedPath, query: [], headers: { host } }, auth);
    const q = new URLSearchParams([
      ["q-sign-algorithm", "sha1"],
      ["q-ak", emu.credential.accessKey],
      ["q-sign-time", span],
      ["q-key-time", span],
      ["q-header-list", "host"],
      ["q-url-param-list", ""],
      ["q-signature", signature],
    ]);
    return `http://${host}/${BUCKET}${wirePath}?${q.toString()}`;
  }

  it("a URL signed for a key is served for that key", async () => {
    const own = await fetch(url("GET", `/${BUCKET}/k.txt`, `/${BUCKET}/k.txt`));
    expect([own.status, await own.text()]).toEqual([200, "own"]);
    const plain = await fetch(url("GET", "/k.txt", "/k.txt"));
    expect([plain.status, await plain.text()]).toEqual([200, "victim"]);
  });

  it("the signature of key `<bucket>/k.txt` does not read k.txt", async () => {
    const r = await fetch(url("GET", `/${BUCKET}/k.txt`, "/k.txt"));
    expect(r.status).toBe(403);
    expect(await r.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("nor delete it, and k.txt is still there", async () => {
    const r = await fetch(url("DELETE", `/${BUCKET}/k.txt`, "/k.txt"), { method: "DELETE" });
    expect(r.status).toBe(403);
    const left = await cosRequest(emu, { method: "GET", bucket: BUCKET, key: "k.txt" });
    expect([left.status, left.body]).toEqual([200, "victim"]);
  });
});

describe("an unimplemented sub-resource is authenticated before its 501", () => {
  const BUCKET = "sub-1250000000";
  const emus: Partial<Record<"cos" | "oss" | "qingstor", Emulator>> = {};
  beforeAll(async () => {
    for (const provider of ["cos", "oss", "qingstor"] as const) emus[provider] = await startEmulator({ provider, buckets: [BUCKET] });
  });
  afterAll(async () => {
    for (const emu of Object.values(emus)) await emu.stop();
  });

  /** A presigned GET URL for `/<bucket>/o.txt?<name>` whose signature is that of `signedKey` (GET, nothing else signed). */
  function presigned(provider: "cos" | "oss" | "qingstor", signedKey: string, name: string): string {
    const emu = emus[provider]!;
    const { accessKey, secretKey } = emu.credential;
    const expires = String(nowSec() + 600);
    let q: [string, string][];
    if (provider === "cos") {
      const span = `${nowSec() - 60};${nowSec() + 600}`;
      const host = `127.0.0.1:${emu.port}`;
      const signature = cosSignature(secretKey, { method: "GET", pathname: `/${signedKey}`, query: [], headers: { host } }, { keyTime: span, signTime: span, headerList: ["host"], urlParamList: [] });
      q = [["q-sign-algorithm", "sha1"], ["q-ak", accessKey], ["q-sign-time", span], ["q-key-time", span], ["q-header-list", "host"], ["q-url-param-list", ""], ["q-signature", signature]];
    } else if (provider === "oss") {
      const sts = ossV1StringToSign({ method: "GET", contentMd5: "", contentType: "", date: expires, headers: {}, resource: ossV1Resource(BUCKET, signedKey, []) });
      q = [["OSSAccessKeyId", accessKey], ["Expires", expires], ["Signature", ossV1Signature(secretKey, sts)]];
    } else {
      const sts = qsStringToSign({ method: "GET", contentMd5: "", contentType: "", date: expires, headers: {}, resource: `/${BUCKET}/${signedKey}` });
      q = [["access_key_id", accessKey], ["expires", expires], ["signature", qsSignature(secretKey, sts)]];
    }
    return `http://127.0.0.1:${emu.port}/${BUCKET}/o.txt?${name}&${new URLSearchParams(q).toString()}`;
  }

  const CASES = [
    ["cos", "acl", 403, "SignatureDoesNotMatch"],
    ["oss", "acl", 403, "SignatureDoesNotMatch"],
    ["oss", "x-oss-process", 403, "SignatureDoesNotMatch"],
    ["qingstor", "acl", 401, "signature_not_matched"],
  ] as const;

  it.each(CASES)("%s ?%s, signed: 501 NotImplemented", async (provider, name, _status, _code) => {
    const send = provider === "cos" ? cosRequest : provider === "oss" ? ossRequest : qsRequest;
    const r = await send(emus[provider]!, { method: "GET", bucket: BUCKET, key: "o.txt", query: [[name, undefined]] });
    expect(r.status).toBe(501);
  });

  it.each(CASES)("%s ?%s, unsigned: 403", async (provider, name, _status, _code) => {
    const r = await fetch(`${emus[provider]!.endpoint}/${BUCKET}/o.txt?${name}`);
    expect(r.status).toBe(403);
  });

  it.each(CASES)("%s ?%s with another object's signature: %d %s", async (provider, name, status, code) => {
    const r = await fetch(presigned(provider, "other.txt", name));
    expect([r.status, errorCode({ status: r.status, headers: {}, body: await r.text() })]).toEqual([status, code]);
  });

  it.each(["cos", "oss", "qingstor"] as const)("%s: a method the resource does not allow is 405 once signed, 403 unsigned (authenticated first, as a 501)", async (provider) => {
    const send = provider === "cos" ? cosRequest : provider === "oss" ? ossRequest : qsRequest;
    for (const [method, key] of [["PATCH", "o.txt"], ["POST", "o.txt"], ["PATCH", undefined]] as const) {
      const signed = await send(emus[provider]!, { method, bucket: BUCKET, ...(key === undefined ? {} : { key }) });
      expect([method, key, signed.status]).toEqual([method, key, 405]);
      const unsigned = await fetch(`${emus[provider]!.endpoint}/${BUCKET}${key === undefined ? "" : `/${key}`}`, { method });
      expect([method, key, unsigned.status]).toEqual([method, key, 403]);
    }
  });

  it("OSS: a V1 URL presigned for the object does not reach the 501 of ?x-oss-process when reused with it", async () => {
    const r = await fetch(`${presigned("oss", "o.txt", "x-oss-process=image/resize,w_10")}`);
    expect([r.status, errorCode({ status: r.status, headers: {}, body: await r.text() })]).toEqual([403, "SignatureDoesNotMatch"]);
  });
});

describe("QingStor: the signed sub-resources are QingStor's one list", () => {
  const BUCKET = "qs-bucket";
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
    expect((await qsRequest(emu, { method: "PUT", bucket: BUCKET, key: "o.txt", body: "hello" })).status).toBe(201);
  });
  afterAll(() => emu.stop());

  /** A presigned GET of `/<bucket>/o.txt` with `query` on the wire, its signature covering `signed` only. */
  function url(query: [string, string][], signed: [string, string][]): string {
    const expires = String(nowSec() + 600);
    const resource = qsResource(`/${BUCKET}/o.txt`, signed, QS_SUBRESOURCES);
    const signature = qsSignature(emu.credential.secretKey, qsStringToSign({ method: "GET", contentMd5: "", contentType: "", date: expires, headers: {}, resource }));
    const q = new URLSearchParams([...query, ["access_key_id", emu.credential.accessKey], ["expires", expires], ["signature", signature]]);
    return `${emu.endpoint}/${BUCKET}/o.txt?${q.toString()}`;
  }

  it("a URL whose signature covers its parameters is served", async () => {
    const r = await fetch(url([["response-content-type", "text/x-own"]], [["response-content-type", "text/x-own"]]));
    expect([r.status, r.headers.get("content-type"), await r.text()]).toEqual([200, "text/x-own", "hello"]);
  });

  it.each([
    ["version_id", "v1"],
    ["position", "0"],
    ["response-content-type", "text/html"],
  ])("an unsigned %s added to a presigned URL is refused 401 signature_not_matched", async (name, value) => {
    const r = await fetch(url([[name, value]], []));
    const body = await r.text();
    expect([r.status, errorCode({ status: r.status, headers: {}, body })]).toEqual([401, "signature_not_matched"]);
  });

  it("an append whose position is unsigned (the JS SDK's way) is accepted", async () => {
    const created = await qsRequest(emu, { method: "POST", bucket: BUCKET, key: "ap", query: [["append", undefined], ["position", "0"]], body: "ab" });
    expect(created.status).toBe(200);
    const expires = String(nowSec() + 600);
    const resource = qsResource(`/${BUCKET}/ap`, [["append", ""]], QS_SUBRESOURCES);
    const signature = qsSignature(emu.credential.secretKey, qsStringToSign({ method: "POST", contentMd5: "", contentType: "", date: expires, headers: {}, resource }));
    const q = new URLSearchParams([["append", ""], ["position", "2"], ["access_key_id", emu.credential.accessKey], ["expires", expires], ["signature", signature]]);
    const r = await fetch(`${emu.endpoint}/${BUCKET}/ap?${q.toString()}`, { method: "POST", body: Buffer.from("cd") });
    expect(r.status).toBe(200);
    const read = await qsRequest(emu, { method: "GET", bucket: BUCKET, key: "ap" });
    expect(read.body).toBe("abcd");
  });
});
