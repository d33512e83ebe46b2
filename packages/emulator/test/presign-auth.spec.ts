// Presigned URLs the emulator must refuse (review-presign L3, L4, L5): OSS expiries that are not whole
// seconds, a COS q-sign-time that has ended or not begun, and a security token sent with a key that has none.
// URLs are signed by hand with the verifier's own signature functions (checked against the protocols.md
// vectors in signatures.spec.ts), so the signature is right and only the part under test is wrong.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { cosSignature } from "../src/cos/signature.js";
import { startEmulator, type Emulator, type EmulatorCredential } from "../src/index.js";
import { ossV1Resource, ossV1Signature, ossV1StringToSign } from "../src/oss/signature-v1.js";
import { ossV4CanonicalRequest, ossV4Signature, ossV4StringToSign } from "../src/oss/signature-v4.js";

const nowSec = (): number => Math.floor(Date.now() / 1000);
const codeOf = (body: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
const messageOf = (body: string): string | undefined => /<Message>([^<]*)<\/Message>/.exec(body)?.[1];

async function get(url: string): Promise<{ status: number; code: string | undefined; message: string | undefined; body: string }> {
  const res = await fetch(url);
  const body = await res.text();
  return { status: res.status, code: codeOf(body), message: messageOf(body), body };
}

describe("OSS presigned expiries", () => {
  const BUCKET = "presign-bucket";
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ provider: "oss", buckets: [BUCKET] });
    const put = await fetch(`${v1Url(String(nowSec() + 600), "PUT")}`, { method: "PUT", body: Buffer.from("hello") });
    expect(put.status).toBe(200);
  });
  afterAll(() => emu.stop());

  /** A V1 presigned URL for `/<bucket>/o.txt`, `expires` signed exactly as given. */
  function v1Url(expires: string, method = "GET", token?: string): string {
    const query: [string, string][] = token === undefined ? [] : [["security-token", token]];
    const sts = ossV1StringToSign({ method, contentMd5: "", contentType: "", date: expires, headers: {}, resource: ossV1Resource(BUCKET, "o.txt", query) });
    const q = new URLSearchParams([["OSSAccessKeyId", emu.credential.accessKey], ["Expires", expires], ["Signature", ossV1Signature(emu.credential.secretKey, sts)], ...query]);
    return `http://127.0.0.1:${emu.port}/${BUCKET}/o.txt?${q.toString()}`;
  }

  /** A V4 presigned GET for `/<bucket>/o.txt`, `x-oss-expires` signed exactly as given. */
  function v4Url(expires: string): string {
    const iso = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const day = iso.slice(0, 8);
    const query: [string, string][] = [
      ["x-oss-signature-version", "OSS4-HMAC-SHA256"],
      ["x-oss-credential", `${emu.credential.accessKey}/${day}/cn-hangzhou/oss/aliyun_v4_request`],
      ["x-oss-date", iso],
      ["x-oss-expires", expires],
    ];
    const canonical = ossV4CanonicalRequest({ method: "GET", bucket: BUCKET, key: "o.txt", query, headers: {}, additionalHeaders: [], hashedPayload: "UNSIGNED-PAYLOAD" });
    const sts = ossV4StringToSign(iso, `${day}/cn-hangzhou/oss/aliyun_v4_request`, canonical);
    const signature = ossV4Signature(emu.credential.secretKey, day, "cn-hangzhou", "oss", sts);
    return `http://127.0.0.1:${emu.port}/${BUCKET}/o.txt?${new URLSearchParams([...query, ["x-oss-signature", signature]]).toString()}`;
  }

  it("V1: a whole-second Expires in the future is served (the URLs below differ only in Expires)", async () => {
    const r = await get(v1Url(String(nowSec() + 60)));
    expect([r.status, r.body]).toEqual([200, "hello"]);
  });

  it.each(["NaN", "abc", "9e9", "1.5e10", "FRACTION", "0x7fffffff0", "", "+99999999999", "99999999999999999999"])("V1: Expires=%s is refused 403 AccessDenied", async (raw) => {
    const expires = raw === "FRACTION" ? `${nowSec() + 60}.9` : raw;
    const r = await get(v1Url(expires));
    expect([r.status, r.code]).toEqual([403, "AccessDenied"]);
    expect(r.message).toMatch(/malformed|expired/);
  });

  it("V4: a whole-second x-oss-expires in time is served", async () => {
    const r = await get(v4Url("60"));
    expect([r.status, r.body]).toEqual([200, "hello"]);
  });

  it.each(["Infinity", "1e+300", "NaN", "60.5", "0x3c", "-1", "99999999999999999999"])("V4: x-oss-expires=%s is refused 403 AccessDenied", async (expires) => {
    const r = await get(v4Url(expires));
    expect([r.status, r.code]).toEqual([403, "AccessDenied"]);
  });

  it("V4: x-oss-expires of 604800 (7 days, OSS's maximum) is served", async () => {
    const r = await get(v4Url("604800"));
    expect([r.status, r.body]).toEqual([200, "hello"]);
  });

  it.each(["604801", "31536000", "0"])("V4: x-oss-expires=%s (outside 1..604800) is refused 403 AccessDenied with EC 0002-00000232", async (expires) => {
    const r = await get(v4Url(expires));
    expect([r.status, r.code, /<EC>([^<]*)<\/EC>/.exec(r.body)?.[1]]).toEqual([403, "AccessDenied", "0002-00000232"]);
  });

  it("V1: a security token sent with a long-term key (one without a token) is refused 403 InvalidAccessKeyId", async () => {
    const r = await get(v1Url(String(nowSec() + 60), "GET", "bogus"));
    expect([r.status, r.code]).toEqual([403, "InvalidAccessKeyId"]);
  });
});

describe("COS presigned sign time and security token", () => {
  const BUCKET = "presign-1250000000";
  const TEMP: EmulatorCredential = { accessKey: "temp-ak", secretKey: "temp-sk", securityToken: "temp-token" };
  const LONG: EmulatorCredential = { accessKey: "long-ak", secretKey: "long-sk" };
  /** `<now + from>;<now + to>` in seconds. */
  const span = (from: number, to: number): string => `${nowSec() + from};${nowSec() + to}`;
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: [LONG, TEMP] });
    const url = cosUrl(LONG, "PUT", span(-60, 600), span(-60, 600));
    expect((await fetch(url, { method: "PUT", body: Buffer.from("hello") })).status).toBe(200);
  });
  afterAll(() => emu.stop());

  const window = (from: number, to: number): string => `${nowSec() + from};${nowSec() + to}`;

  /** A presigned URL for `/o.txt` signing only `host`, with the given key and sign times; `token` appended. */
  function cosUrl(cred: EmulatorCredential, method: string, keyTime: string, signTime: string, token?: string): string {
    const host = `127.0.0.1:${emu.port}`;
    const auth = { keyTime, signTime, headerList: ["host"], urlParamList: [] };
    const signature = cosSignature(cred.secretKey, { method, pathname: "/o.txt", query: [], headers: { host } }, auth);
    const q = new URLSearchParams([
      ["q-sign-algorithm", "sha1"],
      ["q-ak", cred.accessKey],
      ["q-sign-time", signTime],
      ["q-key-time", keyTime],
      ["q-header-list", "host"],
      ["q-url-param-list", ""],
      ["q-signature", signature],
    ]);
    if (token !== undefined) q.append("x-cos-security-token", token);
    return `http://${host}/${BUCKET}/o.txt?${q.toString()}`;
  }

  it("a sign time and key time that are both current are served", async () => {
    const r = await get(cosUrl(LONG, "GET", span(-60, 600), span(-60, 300)));
    expect([r.status, r.body]).toEqual([200, "hello"]);
  });

  it("a q-sign-time that ended is refused 403 AccessDenied (expired), though q-key-time is current", async () => {
    const r = await get(cosUrl(LONG, "GET", span(-7200, 3600), span(-7200, -3600)));
    expect([r.status, r.code]).toEqual([403, "AccessDenied"]);
    expect(r.message).toMatch(/expired/);
  });

  it("a q-sign-time that starts past the allowed skew is refused 403 RequestTimeTooSkewed", async () => {
    const r = await get(cosUrl(LONG, "GET", span(-60, 7200), span(3600, 7200)));
    expect([r.status, r.code]).toEqual([403, "RequestTimeTooSkewed"]);
  });

  it("a malformed q-sign-time is refused 403 AccessDenied", async () => {
    const r = await get(cosUrl(LONG, "GET", span(-60, 600), "soon;later"));
    expect([r.status, r.code]).toEqual([403, "AccessDenied"]);
  });

  it("a security token sent with a key that has none is refused 403 InvalidAccessKeyId", async () => {
    const r = await get(cosUrl(LONG, "GET", span(-60, 600), span(-60, 600), "bogus"));
    expect([r.status, r.code]).toEqual([403, "InvalidAccessKeyId"]);
  });

  it("a temporary key's own token is served; another token or none is refused", async () => {
    const times = span(-60, 600);
    expect((await get(cosUrl(TEMP, "GET", times, times, "temp-token"))).status).toBe(200);
    expect(await get(cosUrl(TEMP, "GET", times, times, "other"))).toMatchObject({ status: 403, code: "InvalidAccessKeyId" });
    expect(await get(cosUrl(TEMP, "GET", times, times))).toMatchObject({ status: 403, code: "AccessDenied" });
  });
});
