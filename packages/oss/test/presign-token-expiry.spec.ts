import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator, type EmulatorCredential } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "presign-ttl-bucket";
const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a", securityToken: "token-a" };
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: A });
});

afterAll(async () => {
  await emulator.stop();
});

/** A storager whose provider's n-th answer lives `lives[n]` minutes (the last one repeats). */
function provided(lives: readonly number[], state: { calls: number }): Storager {
  return newStorager({
    type: "oss",
    name: BUCKET,
    endpoint: `http:127.0.0.1:${emulator.port}`,
    location: "cn-hangzhou",
    credentialProvider: async () => {
      const life = lives[Math.min(state.calls, lives.length - 1)]!;
      state.calls++;
      return { accessKeyId: A.accessKey, accessKeySecret: A.secretKey, securityToken: A.securityToken!, expiration: new Date(Date.now() + life * 60_000) };
    },
  });
}

describe("oss: presign with provider credentials that expire before the URL", () => {
  it("renews the credentials first and signs when the renewed ones last", async () => {
    const state = { calls: 0 };
    const s = provided([6, 120], state);
    await s.write("k", "v");
    const p = await s.presign("read", "k", { expires: 3600 });
    expect(state.calls).toBe(2);
    const headers = Object.fromEntries(Object.entries(p.headers ?? {}).filter(([k]) => k !== "host"));
    const res = await fetch(p.url, { headers });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("v");
  });

  it("refuses with InvalidArgument when the renewed credentials still expire before the URL", async () => {
    const state = { calls: 0 };
    const s = provided([6], state);
    await s.write("k", "v");
    const e = await s.presign("read", "k", { expires: 3600 }).then(
      () => undefined,
      (x: unknown) => x as { code?: unknown; message?: string },
    );
    expect(e?.code).toBe(ErrorCode.InvalidArgument);
    expect(e?.message).toMatch(/valid until \d{4}-\d\d-\d\dT.*expire at \d{4}-\d\d-\d\dT/);
    expect(e?.message).not.toMatch(/sk-a|token-a/);
    // A URL the token outlasts is still signed.
    expect((await s.presign("read", "k", { expires: 60 })).url).toContain("k");
  });
});
