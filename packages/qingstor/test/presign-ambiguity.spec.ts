// QingStor signs the sub-resource values unescaped, joined by `&` (review-presign HIGH-2): a presign
// of a signed value with `&` would stand for other requests too. The key is signed encoded.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { expectError } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { emulatorStorager } from "./emulator-storager.js";

const BUCKET = "presign-ambiguity";
const SPLIT = "inline&response-content-type=text/html";
const OPEN = "qingstor://okbucket/?credential=hmac:AKID:FAKEsecretKEY0123456789&location=pek3b";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

describe("qingstor presign: no '&' in a value signed unescaped", () => {
  it("refuses an override or multipartId with '&', naming the option, not the value", async () => {
    const store = newStorager(OPEN);
    const e = await expectError(() => store.presign("read", "k", { expires: 60, responseContentDisposition: SPLIT }), "InvalidArgument");
    expect(e.message).toContain("responseContentDisposition");
    expect(e.message).toContain("filename*=UTF-8''");
    expect(e.message).not.toContain("text/html");
    await expectError(() => store.presign("read", "k", { expires: 60, responseCacheControl: "no-cache&x=1" }), "InvalidArgument");
    for (const op of ["delete", "listMultipart", "writeMultipart"] as const) {
      const m = await expectError(() => store.presign(op, "k", { expires: 60, multipartId: "up&acl", ...(op === "writeMultipart" ? { index: 0 } : {}) }), "InvalidArgument");
      expect(m.message).toContain("multipartId");
      expect(m.message).not.toContain("up&acl");
    }
    // A key with '?' or '&' is signed percent-encoded: no refusal.
    expect((await store.presign("read", "k?a=1&b", { expires: 60 })).url).toContain("/k%3Fa=1%26b?");
  });

  it("a file name with '&' goes through as an RFC 5987 filename*, served as signed; the split URL is never made", async () => {
    const store = emulatorStorager(emulator, BUCKET, `/${randomUUID()}/`);
    await store.write("k", "<script>alert(1)</script>");
    await expectError(() => store.presign("read", "k", { expires: 60, responseContentDisposition: SPLIT }), "InvalidArgument");
    const disposition = "attachment; filename*=UTF-8''a%26b.txt";
    const r = await store.presign("read", "k", { expires: 60, responseContentDisposition: disposition });
    const res = await fetch(r.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(disposition);
    expect(await res.text()).toBe("<script>alert(1)</script>");
    await store.delete("k");
  });
});
