import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator, type EmulatorCredential } from "@stowage/emulator";
import { isCosCredentialRejection } from "../src/credentials.js";
import "../src/index.js";
import { rawServer } from "./raw-server.js";

const BUCKET = "renewal-1250000000";
const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a", securityToken: "token-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b", securityToken: "token-b" };
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: A });
});

afterAll(async () => {
  await emulator.stop();
});

/** A storager whose provider hands out `state.current` (a new object each call, valid for a day). */
function provided(state: { current: EmulatorCredential; calls: number }, workDir: string): Storager {
  return newStorager({
    type: "cos",
    name: BUCKET,
    workDir,
    endpoint: `http:127.0.0.1:${emulator.port}`,
    credentialProvider: async () => {
      state.calls++;
      const c = state.current;
      return { secretId: c.accessKey, secretKey: c.secretKey, securityToken: c.securityToken!, expiration: new Date(Date.now() + 24 * 3600_000) };
    },
  });
}

describe("cos: credentials refused before their expiration", () => {
  it("asks the provider again and re-sends once when the service rotated the keys", async () => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state, `/${randomUUID()}/`);
    await s.write("k", "rotated");
    expect(state.calls).toBe(1);

    emulator.setCredentials(B);
    state.current = B;
    emulator.resetStats();
    expect((await s.read("k")).toString()).toBe("rotated");
    expect(state.calls).toBe(2);
    expect(emulator.stats()).toMatchObject({ requests: 2, byStatus: { "403": 1, "200": 1 } });
  });

  it("makes one provider call for concurrent requests refused with the same keys", async () => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state, `/${randomUUID()}/`);
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
    const s = provided(state, `/${randomUUID()}/`);
    await s.write("k", "stale");
    emulator.setCredentials(B);
    emulator.resetStats();
    // The refusal the caller gets says the credential itself was refused.
    await expect(s.read("k")).rejects.toMatchObject({ code: "PermissionDenied", statusCode: 403, credentialRefused: true });
    expect(state.calls).toBe(2);
    expect(emulator.stats()).toMatchObject({ requests: 2, byStatus: { "403": 2 } });
  });

  it("renews on a refused stat too: a HEAD has no error body, so a one-byte GET names the code", async () => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state, `/${randomUUID()}/`);
    await s.write("k", "headed");
    emulator.setCredentials(B);
    state.current = B;
    emulator.resetStats();
    expect((await s.stat("k")).size).toBe(6);
    expect(state.calls).toBe(2);
    // HEAD 403, the GET that names the code (403 InvalidAccessKeyId), HEAD 200 with the new keys.
    expect(emulator.stats()).toMatchObject({ requests: 3, byStatus: { "403": 2, "200": 1 } });

    // A HEAD refused otherwise (404) asks nothing more.
    emulator.resetStats();
    await expect(s.stat("missing")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect(state.calls).toBe(2);
    expect(emulator.stats().requests).toBe(1);
  });

  it("a refused conditional stat renews the same way, then the condition decides (the probe GET leaves it out)", async () => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state, `/${randomUUID()}/`);
    await s.write("k", "conditional");
    const etag = (await s.stat("k")).etag!;
    emulator.setCredentials(B);
    state.current = B;
    emulator.resetStats();
    await expect(s.stat("k", { ifNoneMatch: etag })).rejects.toMatchObject({ code: "Conflict", statusCode: 304 });
    expect(state.calls).toBe(2);
    // HEAD 403, the one-byte GET naming the code (403), HEAD 304 with the new keys.
    expect(emulator.stats()).toMatchObject({ requests: 3, byStatus: { "403": 2, "304": 1 } });

    // A HEAD that fails its condition is no refusal: nothing more is asked.
    emulator.resetStats();
    await expect(s.stat("k", { ifMatch: '"0123456789abcdef0123456789abcdef"' })).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    expect(state.calls).toBe(2);
    expect(emulator.stats()).toMatchObject({ requests: 1, byStatus: { "412": 1 } });
  });

  it("the probe GET of a refused stat carries the call's signal: an abort ends the stat while the probe waits", async () => {
    const server = await rawServer((r) => (r.method === "HEAD" ? { status: 403 } : { hang: true }));
    try {
      const s = newStorager({
        type: "cos",
        name: BUCKET,
        workDir: "/",
        endpoint: `http:127.0.0.1:${server.port}`,
        credentialProvider: async () => ({ secretId: "ak", secretKey: "sk", securityToken: "t", expiration: new Date(Date.now() + 24 * 3600_000) }),
      });
      const controller = new AbortController();
      const stat = s.stat("k", { signal: controller.signal });
      for (let i = 0; i < 400 && server.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
      expect(server.requests.map((r) => r.method)).toEqual(["HEAD", "GET"]);
      controller.abort();
      await expect(stat).rejects.toMatchObject({ code: "Aborted" });
    } finally {
      await server.stop();
    }
  });

  it("a HEAD refused by a policy (the probe's GET names AccessDenied) stays a plain PermissionDenied; one refused for the key is named so", async () => {
    const xml = (code: string): string => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>refused</Message></Error>`;
    for (const [code, refused] of [["AccessDenied", false], ["InvalidAccessKeyId", true]] as const) {
      const server = await rawServer((r) => (r.method === "HEAD" ? { status: 403 } : { status: 403, headers: { "content-type": "application/xml" }, body: xml(code) }));
      try {
        const s = newStorager(`cos://${BUCKET}/?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${server.port}&location=ap-guangzhou`);
        const e = await s.stat("k").then(
          () => undefined,
          (err: unknown) => err as Record<string, unknown>,
        );
        expect(e).toMatchObject({ code: "PermissionDenied", statusCode: 403, credentialRefused: refused, serviceCode: refused ? code : undefined });
        expect(server.requests.map((r) => [r.method, r.headers["range"]])).toEqual([
          ["HEAD", undefined],
          ["GET", "bytes=0-0"],
        ]);
      } finally {
        await server.stop();
      }
    }
  });

  it("a refused stat whose provider keeps the refused keys fails after one re-send", async () => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state, `/${randomUUID()}/`);
    await s.write("k", "x");
    emulator.setCredentials(B);
    emulator.resetStats();
    // The HEAD, the probe that found the keys refused, the HEAD re-sent, and the probe naming the final refusal.
    await expect(s.stat("k")).rejects.toMatchObject({ code: "PermissionDenied", statusCode: 403, credentialRefused: true, serviceCode: "InvalidAccessKeyId" });
    expect(state.calls).toBe(2);
    expect(emulator.stats()).toMatchObject({ requests: 4, byStatus: { "403": 4 } });
  });

  it("a refused stat whose keys another request already renewed is re-sent with the new ones (no probe signed with them)", async () => {
    emulator.setCredentials(A);
    const state = { current: A, calls: 0 };
    const s = provided(state, `/${randomUUID()}/`);
    await s.write("k", "raced");
    emulator.setCredentials(B);
    state.current = B;
    emulator.resetStats();
    // The HEAD's 403 arrives after the read was refused and renewed the keys.
    emulator.setFaults([{ kind: "delay", ms: 300, operation: "HeadObject", count: 1 }]);
    try {
      const [info, data] = await Promise.all([s.stat("k"), s.read("k")]);
      expect(info.size).toBe(5);
      expect(data.toString()).toBe("raced");
    } finally {
      emulator.setFaults([]);
    }
    expect(state.calls).toBe(2);
    // HEAD 403, GET 403, GET 200 (the read), HEAD 200 (the stat re-sent): no probe GET.
    expect(emulator.stats()).toMatchObject({ requests: 4, byOperation: { HeadObject: 2, GetObject: 2 } });
  });

  it("does not re-send with fixed credentials", async () => {
    emulator.setCredentials(A);
    const dir = `/${randomUUID()}/`;
    const s = newStorager(
      `cos://${BUCKET}${dir}?credential=hmac:${A.accessKey}:${A.secretKey}:${A.securityToken}&endpoint=http:127.0.0.1:${emulator.port}&location=ap-guangzhou`,
    );
    await s.write("k", "fixed");
    emulator.setCredentials(B);
    emulator.resetStats();
    await expect(s.read("k")).rejects.toMatchObject({ code: "PermissionDenied", statusCode: 403, credentialRefused: true, message: expect.stringContaining("InvalidAccessKeyId") });
    expect(emulator.stats().requests).toBe(1);
    // A HEAD's refusal names no code: a GET of the first byte names it (not re-sent: no provider to renew from).
    await expect(s.stat("k")).rejects.toMatchObject({ code: "PermissionDenied", statusCode: 403, credentialRefused: true, serviceCode: "InvalidAccessKeyId" });
    expect(emulator.stats().requests).toBe(3);
    expect(emulator.stats().byOperation).toMatchObject({ HeadObject: 1, GetObject: 2 });
  });
});

describe("isCosCredentialRejection", () => {
  it("accepts the codes of refused credentials and token messages of AccessDenied only", () => {
    for (const code of ["InvalidAccessKeyId", "ExpiredToken", "InvalidSecurityToken"]) expect(isCosCredentialRejection({ code })).toBe(true);
    expect(isCosCredentialRejection({ code: "AccessDenied", message: "The security token has expired." })).toBe(true);
    expect(isCosCredentialRejection({ code: "AccessDenied", message: "Invalid token" })).toBe(true);
    expect(isCosCredentialRejection({ code: "AccessDenied", message: "Request has expired" })).toBe(false);
    expect(isCosCredentialRejection({ code: "AccessDenied", message: "Access Denied." })).toBe(false);
    expect(isCosCredentialRejection({ code: "SignatureDoesNotMatch" })).toBe(false);
    expect(isCosCredentialRejection(undefined)).toBe(false);
  });
});
