/**
 * Credential providers end to end, through the COS and OSS drivers against the emulator:
 * - a local clock ahead of the service's by more than a token's life (the emulator's clock, and the
 *   STS dating its tokens, run 20 minutes behind; 15-minute tokens): the first token is sent for the
 *   service to judge, its skew refusal teaches the client the offset, and from then on the tokens
 *   are judged (and renewed) on the corrected time;
 * - a `securityToken` that is no string is refused before anything is sent, and asked for again;
 * - one transient provider failure (ECONNRESET) right after the keys were revoked in the middle of a
 *   multipart write costs one retry of the refused part, not the write.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "../src/index.js";
import { startEmulator, type Emulator, type EmulatorCredential } from "@stowage/emulator";
import "@stowage/cos";
import "@stowage/oss";

const MIN = 60_000;
const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a", securityToken: "token-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b", securityToken: "token-b" };
const BUCKETS = { cos: "provided-1250000000", oss: "provided-bucket" } as const;
type Service = keyof typeof BUCKETS;

let emulator: Emulator | undefined;

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

/** A provider's answer in `service`'s shape for `c`, with `securityToken` given as is (a test may pass no string). */
function answer(service: Service, c: EmulatorCredential, expiration: Date, securityToken: unknown = c.securityToken): Record<string, unknown> {
  return service === "cos"
    ? { secretId: c.accessKey, secretKey: c.secretKey, securityToken, expiration }
    : { accessKeyId: c.accessKey, accessKeySecret: c.secretKey, securityToken, expiration };
}

/** A storager of `service` on the running emulator whose credentials come from `provider`. */
function provided(service: Service, provider: () => Promise<Record<string, unknown>>, extra: Record<string, unknown> = {}): Storager {
  return newStorager({
    type: service,
    name: BUCKETS[service],
    workDir: `/${randomUUID()}/`,
    endpoint: `http:127.0.0.1:${emulator!.port}`,
    location: service === "cos" ? "ap-guangzhou" : "cn-hangzhou",
    credentialProvider: provider,
    ...extra,
  });
}

describe.each(["cos", "oss"] as const)("%s: credentials from a provider", (service) => {
  it("work with the local clock 20 minutes ahead of the service's and 15-minute tokens (judged on the corrected clock)", async () => {
    const serviceNow = (): number => Date.now() - 20 * MIN;
    emulator = await startEmulator({ provider: service, buckets: [BUCKETS[service]], credentials: A, clock: serviceNow });
    let calls = 0;
    const s = provided(service, async () => {
      calls++;
      return answer(service, A, new Date(serviceNow() + 15 * MIN));
    });
    for (let i = 0; i < 3; i++) await s.write("k", `v${i}`);
    expect((await s.read("k")).toString()).toBe("v2");
    expect((await s.stat("k")).size).toBe(2);
    // The first token went out on the uncorrected clock (refused as skewed), then one judged on the corrected one.
    expect(calls).toBe(2);
  });

  it("refuses a securityToken that is no string before sending anything, and asks the provider again next time", async () => {
    emulator = await startEmulator({ provider: service, buckets: [BUCKETS[service]], credentials: A });
    let calls = 0;
    const s = provided(service, async () => {
      calls++;
      return answer(service, A, new Date(Date.now() + 60 * MIN), calls === 1 ? 42 : A.securityToken);
    });
    await expect(s.write("k", "v")).rejects.toMatchObject({ code: "PermissionDenied", retryable: false, message: expect.stringContaining("a securityToken that is not a string (number)") });
    expect(emulator.stats().requests).toBe(0);
    await s.write("k", "v");
    expect((await s.read("k")).toString()).toBe("v");
    expect(calls).toBe(2);
  });

  it("survive one ECONNRESET of the provider right after a revocation in the middle of a multipart write", async () => {
    emulator = await startEmulator({ provider: service, buckets: [BUCKETS[service]], credentials: A });
    const state = { current: A, failNext: false, revoked: false, calls: 0 };
    const s = provided(
      service,
      async () => {
        state.calls++;
        if (state.failNext) {
          state.failNext = false;
          throw Object.assign(new Error("connect ECONNRESET"), { code: "ECONNRESET" });
        }
        return answer(service, state.current, new Date(Date.now() + 60 * MIN));
      },
      { partSize: 1024 * 1024, multipartThreshold: 1024 * 1024, concurrency: 4 },
    );
    const body = randomBytes(8 * 1024 * 1024);
    await s.write("big.bin", body, {
      onProgress: ({ bytes }) => {
        if (state.revoked || bytes < 2 * 1024 * 1024) return;
        // Revoked: the cached keys are refused from now on, and the renewal's first provider call resets.
        state.revoked = true;
        emulator!.setCredentials(B);
        state.current = B;
        state.failNext = true;
      },
    });
    expect(state.revoked).toBe(true);
    expect(emulator!.stats().byStatus["403"]).toBeGreaterThan(0);
    expect(Buffer.compare(await s.read("big.bin"), body)).toBe(0);
    // The first keys, the renewal that reset, the renewal retried after the backoff.
    expect(state.calls).toBe(3);
    const left: string[] = [];
    for await (const o of s.list("", { mode: "part" })) left.push(o.path);
    expect(left).toEqual([]);
  });
});
