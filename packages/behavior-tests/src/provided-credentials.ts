import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";

const MIN = 60_000;

/** A key pair with a security token, as the emulator accepts it (`@stowage/emulator`'s `EmulatorCredential`). */
export interface TokenKeys {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly securityToken: string;
}

/**
 * The parts of a running emulator (`@stowage/emulator`'s `Emulator`) {@link runProvidedCredentialSuite}
 * uses, typed structurally so behavior-tests need not depend on the emulator.
 */
export interface CredentialEmulator {
  /** The port it listens on, at 127.0.0.1 (plain HTTP). */
  readonly port: number;
  /** Request counters: all requests, and by HTTP status. */
  stats(): { readonly requests: number; readonly byStatus: Readonly<Record<string, number>> };
  /** Replaces the credential it accepts (the old one is refused from then on, as a revocation). */
  setCredentials(keys: TokenKeys): void;
  /** Stops the emulator. */
  stop(): Promise<void>;
}

/** Provider-specific values of {@link runProvidedCredentialSuite}. */
export interface ProvidedCredentialOptions {
  /** The connection-string type ("cos"), also the first word of the describe name. */
  provider: string;
  /** The bucket the emulator holds (started so by `start`). */
  bucket: string;
  /** The `location` pair of a storager on it. */
  location: string;
  /** A provider's answer in the driver's shape for `keys`, with `securityToken` given as is (a case may pass no string). */
  answer(keys: TokenKeys, expiration: Date, securityToken: unknown): Record<string, unknown>;
}

/**
 * Registers `describe("<provider>: credentials from a provider")`, end to end through the driver
 * against its emulator (started afresh by `start` for each case, with the credential it accepts and
 * optionally its own clock; stopped after the case):
 * - a local clock ahead of the service's by more than a token's life (the emulator's clock, and the
 *   STS dating its tokens, run 20 minutes behind; 15-minute tokens): the first token is sent for the
 *   service to judge, its skew refusal teaches the client the offset, and from then on the tokens
 *   are judged (and renewed) on the corrected time;
 * - a `securityToken` that is no string is refused before anything is sent, and asked for again;
 * - one transient provider failure (ECONNRESET) right after the keys were revoked in the middle of a
 *   multipart write costs one retry of the refused part, not the write.
 * @throws nothing itself; the cases fail on StorageError codes other than the expected ones (PermissionDenied).
 */
export function runProvidedCredentialSuite(start: (options: { credentials: TokenKeys; clock?: () => number }) => Promise<CredentialEmulator>, o: ProvidedCredentialOptions): void {
  const A: TokenKeys = { accessKey: "ak-a", secretKey: "sk-a", securityToken: "token-a" };
  const B: TokenKeys = { accessKey: "ak-b", secretKey: "sk-b", securityToken: "token-b" };
  let emulator: CredentialEmulator | undefined;

  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  /** A storager on the running emulator whose credentials come from `provider`. */
  const provided = (provider: () => Promise<Record<string, unknown>>, extra: Record<string, unknown> = {}): Storager =>
    newStorager({
      type: o.provider,
      name: o.bucket,
      workDir: `/${randomUUID()}/`,
      endpoint: `http:127.0.0.1:${emulator!.port}`,
      location: o.location,
      credentialProvider: provider,
      ...extra,
    });

  describe(`${o.provider}: credentials from a provider`, () => {
    it("work with the local clock 20 minutes ahead of the service's and 15-minute tokens (judged on the corrected clock)", async () => {
      const serviceNow = (): number => Date.now() - 20 * MIN;
      emulator = await start({ credentials: A, clock: serviceNow });
      let calls = 0;
      const s = provided(async () => {
        calls++;
        return o.answer(A, new Date(serviceNow() + 15 * MIN), A.securityToken);
      });
      for (let i = 0; i < 3; i++) await s.write("k", `v${i}`);
      expect((await s.read("k")).toString()).toBe("v2");
      expect((await s.stat("k")).size).toBe(2);
      // The first token went out on the uncorrected clock (refused as skewed), then one judged on the corrected one.
      expect(calls).toBe(2);
    });

    it("refuses a securityToken that is no string before sending anything, and asks the provider again next time", async () => {
      emulator = await start({ credentials: A });
      let calls = 0;
      const s = provided(async () => {
        calls++;
        return o.answer(A, new Date(Date.now() + 60 * MIN), calls === 1 ? 42 : A.securityToken);
      });
      await expect(s.write("k", "v")).rejects.toMatchObject({ code: "PermissionDenied", retryable: false, message: expect.stringContaining("a securityToken that is not a string (number)") });
      expect(emulator.stats().requests).toBe(0);
      await s.write("k", "v");
      expect((await s.read("k")).toString()).toBe("v");
      expect(calls).toBe(2);
    });

    it("survive one ECONNRESET of the provider right after a revocation in the middle of a multipart write", async () => {
      emulator = await start({ credentials: A });
      const state = { current: A, failNext: false, revoked: false, calls: 0 };
      const s = provided(
        async () => {
          state.calls++;
          if (state.failNext) {
            state.failNext = false;
            throw Object.assign(new Error("connect ECONNRESET"), { code: "ECONNRESET" });
          }
          return o.answer(state.current, new Date(Date.now() + 60 * MIN), state.current.securityToken);
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
      for await (const item of s.list("", { mode: "part" })) left.push(item.path);
      expect(left).toEqual([]);
    });
  });
}
