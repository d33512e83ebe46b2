// OSS V1 signs the key and the sub-resource values unescaped, joined by `&` (review-presign HIGH-2):
// a V1 presign of a key with `?`, or of a signed value with `&`, would stand for other requests too.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { expectError } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "presign-ambiguity";
const SPLIT = "inline&response-content-type=text/html";
const SPLIT_ENCODED = "response-content-disposition=inline%26response-content-type%3Dtext%2Fhtml";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

const open = (version: "v1" | "v4") => newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&signature_version=${version}`);

describe("oss V1 presign: nothing signed unescaped that a holder could re-split", () => {
  it("refuses an override value with '&' before asking for credentials, naming the option, not the value", async () => {
    let asked = 0;
    const store = newStorager({
      type: "oss",
      name: "okbucket",
      location: "cn-hangzhou",
      credentialProvider: async () => {
        asked++;
        return { accessKeyId: "AKID", accessKeySecret: "FAKEsecret" };
      },
    });
    const e = await expectError(() => store.presign("read", "k", { expires: 60, responseContentDisposition: SPLIT }), "InvalidArgument");
    expect(e.message).toContain("responseContentDisposition");
    expect(e.message).toContain("filename*=UTF-8''");
    expect(e.message).not.toContain("text/html");
    await expectError(() => store.presign("read", "k", { expires: 60, responseContentType: "text/plain&x=1" }), "InvalidArgument");
    const abort = await expectError(() => store.presign("delete", "k", { expires: 60, multipartId: "up&acl" }), "InvalidArgument");
    expect(abort.message).toContain("multipartId");
    expect(abort.message).not.toContain("up&acl");
    expect(asked).toBe(0);
    // The same values without '&' are signed.
    await store.presign("read", "k", { expires: 60, responseContentDisposition: "attachment; filename*=UTF-8''a%26b.txt" });
    expect(asked).toBe(1);
  });

  it("refuses a key with '?' for every presigned operation", async () => {
    const store = open("v1");
    for (const key of ["k?response-content-type=text/html", "k?uploadId=abc", "a?"]) {
      const e = await expectError(() => store.presign("read", key, { expires: 60 }), "InvalidArgument");
      expect(e.message).toContain("signature_version=v4");
      await expectError(() => store.presign("delete", key, { expires: 60 }), "InvalidArgument");
      await expectError(() => store.presign("write", key, { expires: 60 }), "InvalidArgument");
    }
  });

  it("a file name with '&' goes through as an RFC 5987 filename*, served as signed; the split URL is never made", async () => {
    const store = open("v1");
    await store.write("k", "<script>alert(1)</script>");
    await expectError(() => store.presign("read", "k", { expires: 60, responseContentDisposition: SPLIT }), "InvalidArgument");
    const disposition = "attachment; filename*=UTF-8''a%26b.txt";
    const r = await store.presign("read", "k", { expires: 60, responseContentDisposition: disposition });
    const res = await fetch(r.url, { headers: r.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(disposition);
    await store.delete("k");
  });
});

describe("oss V4 presign signs every parameter encoded: no such refusal", () => {
  it("signs an override with '&' as one value; a holder splitting it is refused", async () => {
    const store = open("v4");
    await store.write("k", "<script>alert(1)</script>");
    const r = await store.presign("read", "k", { expires: 60, responseContentDisposition: SPLIT });
    expect(r.url).toContain(SPLIT_ENCODED);
    const whole = await fetch(r.url, { headers: r.headers });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-disposition")).toBe(SPLIT);
    const split = await fetch(r.url.replace(SPLIT_ENCODED, "response-content-disposition=inline&response-content-type=text%2Fhtml"), { headers: r.headers });
    expect(split.status).toBe(403);
    await store.delete("k");
  });

  it("presigns a key with '?' for that key only", async () => {
    const store = open("v4");
    await store.write("k?x=1", "question");
    const r = await store.presign("read", "k?x=1", { expires: 60 });
    expect(await (await fetch(r.url, { headers: r.headers })).text()).toBe("question");
    await store.delete("k?x=1");
  });
});
