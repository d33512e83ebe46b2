import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator, type EmulatorCredential } from "@stowage/emulator";
import { isOssCredentialRejection } from "../src/credentials.js";
import "../src/index.js";

const BUCKET = "renewal-bucket";
const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a", securityToken: "token-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b", securityToken: "token-b" };
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: A });
});

afterAll(async () => {
  await emulator.stop();
});

/** A storager whose provider hands out `state.current` (a new object each call, valid for a day). */
function provided(state: { current: EmulatorCredential; calls: number }, version = "v1"): Storager {
  return newStorager({
    type: "oss",
    name: BUCKET,
    workDir: `/${randomUUID()}/`,
    endpoint: `http:127.0.0.1:${emulator.port}`,
    location: "cn-hangzhou",
    signatureVersion: version,
    credentialProvider: async () => {
      state.calls++;
      const c = state.current;
      return { accessKeyId: c.accessKey, accessKeySecret: c.secretKey, securityToken: c.securityToken!, expiration: new Date(Date.now() + 24 * 3600_000) };
    },
  });
}

describe("oss: credentials refused before their expiration", () => {
  it.each(["v1", "v4"])("asks the provider again and re-sends once when the service rotated the keys (%s)", async (version) => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state, version);
    await s.write("k", "rotated");
    expect(state.calls).toBe(1);

    emulator.setCredentials(B);
    state.current = B;
    emulator.resetStats();
    expect((await s.read("k")).toString()).toBe("rotated");
    expect(state.calls).toBe(2);
    expect(emulator.stats()).toMatchObject({ requests: 2, byStatus: { "403": 1, "200": 1 } });
  });

  it("renews on a refused HEAD too (the code comes in x-oss-err)", async () => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state);
    await s.write("k", "head");
    emulator.setCredentials(B);
    state.current = B;
    emulator.resetStats();
    expect((await s.stat("k")).size).toBe(4);
    expect(state.calls).toBe(2);
    expect(emulator.stats()).toMatchObject({ requests: 2, byStatus: { "403": 1, "200": 1 } });
  });

  it("makes one provider call for concurrent requests refused with the same keys", async () => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state);
    await s.write("k", "many");
    emulator.setCredentials(B);
    state.current = B;
    const reads = await Promise.all(Array.from({ length: 5 }, () => s.read("k")));
    expect(reads.map((b) => b.toString())).toEqual(Array(5).fill("many"));
    expect(state.calls).toBe(2);
  });

  it("fails when the provider still returns the refused keys, after one re-send", async () => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state);
    await s.write("k", "stale");
    emulator.setCredentials(B);
    emulator.resetStats();
    await expect(s.read("k")).rejects.toMatchObject({ code: "PermissionDenied", statusCode: 403, credentialRefused: true });
    expect(state.calls).toBe(2);
    expect(emulator.stats()).toMatchObject({ requests: 2, byStatus: { "403": 2 } });
  });

  it("does not re-send with fixed credentials", async () => {
    emulator.setCredentials(A);
    const s = newStorager(
      `oss://${BUCKET}/${randomUUID()}/?credential=hmac:${A.accessKey}:${A.secretKey}:${A.securityToken}&endpoint=http:127.0.0.1:${emulator.port}&location=cn-hangzhou`,
    );
    await s.write("k", "fixed");
    emulator.setCredentials(B);
    emulator.resetStats();
    await expect(s.read("k")).rejects.toMatchObject({ code: "PermissionDenied", statusCode: 403, credentialRefused: true, message: expect.stringContaining("InvalidAccessKeyId") });
    expect(emulator.stats().requests).toBe(1);
  });
});

describe("isOssCredentialRejection", () => {
  it("accepts the codes of refused credentials only", () => {
    for (const code of ["InvalidAccessKeyId", "SecurityTokenExpired", "InvalidSecurityToken"]) expect(isOssCredentialRejection({ code })).toBe(true);
    for (const code of ["AccessDenied", "SignatureDoesNotMatch", "RequestTimeTooSkewed"]) expect(isOssCredentialRejection({ code })).toBe(false);
    expect(isOssCredentialRejection({ ec: "0002-00000902" })).toBe(false);
    expect(isOssCredentialRejection(undefined)).toBe(false);
  });
});
