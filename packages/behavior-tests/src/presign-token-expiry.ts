import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, type Storager } from "@stowage/core";

/** What {@link runPresignTokenExpirySuite} needs of a driver whose credentials may come from a provider. */
export interface PresignTokenExpiryOptions {
  /** The connection type (its driver must be imported). */
  provider: string;
  /** Starts the service's emulator with `bucket`, accepting only `credential` (on 127.0.0.1). */
  start(bucket: string, credential: TokenCredential): Promise<{ port: number; stop(): Promise<void> }>;
  /** A bucket name the driver accepts. */
  bucket: string;
  /** Extra open options (a `location`). */
  open?: Record<string, unknown>;
  /** The provider answer of the driver's own shape for access key `ak`, secret `sk`, `token` and `expiration`. */
  answer(ak: string, sk: string, token: string, expiration: Date): Record<string, unknown>;
}

/** Keys and token the emulator accepts. */
export interface TokenCredential {
  accessKey: string;
  secretKey: string;
  securityToken: string;
}

const A: TokenCredential = { accessKey: "ak-a", secretKey: "sk-a", securityToken: "token-a" };

/**
 * Registers, as `<provider>: presign with provider credentials that expire before the URL`, the
 * cases of a presigned URL that would outlive the provider's token: renewed first (and signed when
 * the renewed token lasts; the URL then works), refused with `InvalidArgument` naming both times
 * (and no secret) when the renewed one expires before the URL too; a shorter URL is still signed.
 * @throws nothing itself; the registered cases fail.
 */
export function runPresignTokenExpirySuite(o: PresignTokenExpiryOptions): void {
  describe(`${o.provider}: presign with provider credentials that expire before the URL`, () => {
    let emulator: { port: number; stop(): Promise<void> };
    beforeAll(async () => {
      emulator = await o.start(o.bucket, A);
    });
    afterAll(async () => {
      await emulator.stop();
    });

    /** A storager whose provider's n-th answer lives `lives[n]` minutes (the last one repeats). */
    const provided = (lives: readonly number[], state: { calls: number }): Storager =>
      newStorager({
        type: o.provider,
        name: o.bucket,
        endpoint: `http:127.0.0.1:${emulator.port}`,
        ...o.open,
        credentialProvider: async () => {
          const life = lives[Math.min(state.calls, lives.length - 1)]!;
          state.calls++;
          return o.answer(A.accessKey, A.secretKey, A.securityToken, new Date(Date.now() + life * 60_000));
        },
      });

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
}
