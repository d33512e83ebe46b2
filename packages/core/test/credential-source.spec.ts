import { describe, expect, it } from "@jest/globals";
import {
  CREDENTIAL_PROVIDER_TIMEOUT_MS,
  CREDENTIAL_REFRESH_MARGIN_MS,
  CREDENTIAL_RETRY_AFTER_FAILURE_MS,
  CREDENTIAL_UNDATED_TTL_MS,
  isStorageError,
  providedCredentialSource,
  resolveStaticCredentials,
  staticCredentialSource,
  SigningCredentials,
  type CredentialShape,
} from "../src/index.js";

interface Keys {
  id: string;
  secret: string;
  securityToken?: string;
  expiration?: Date | number;
}

const SHAPE: CredentialShape<Keys> = {
  keys: ["id", "secret"],
  env: { accessKey: ["A_ID", "B_ID"], secretKey: ["A_SECRET", "B_SECRET"], securityToken: ["A_TOKEN", "B_TOKEN"] },
  make: (id, secret, securityToken) => ({ id, secret, ...(securityToken === undefined ? {} : { securityToken }) }),
};

function thrown(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
  } catch (e) {
    return isStorageError(e) ? { code: e.code, message: e.message } : { code: "not a StorageError", message: String(e) };
  }
  return undefined;
}

describe("static credentials", () => {
  it("takes hmac credentials, with a token from the credential or the security_token pair (which wins)", async () => {
    expect(await staticCredentialSource({ protocol: "hmac", accessKey: "id", secretKey: "key" }, SHAPE, undefined).get()).toEqual({ id: "id", secret: "key" });
    expect(await staticCredentialSource({ protocol: "hmac", accessKey: "id", secretKey: "key", securityToken: "t1" }, SHAPE, undefined).get()).toEqual({
      id: "id",
      secret: "key",
      securityToken: "t1",
    });
    expect(await staticCredentialSource({ protocol: "hmac", accessKey: "id", secretKey: "key", securityToken: "t1" }, SHAPE, "t2").get()).toEqual({
      id: "id",
      secret: "key",
      securityToken: "t2",
    });
  });

  it("reads one family of env variables, the first with both keys set (empty ones skipped), never mixing families", () => {
    const env = { A_ID: "", B_ID: "bid", A_SECRET: "asecret", B_SECRET: "bsecret", B_TOKEN: "tok" };
    expect(resolveStaticCredentials({ protocol: "env" }, SHAPE, undefined, env)).toEqual({ id: "bid", secret: "bsecret", securityToken: "tok" });
    expect(resolveStaticCredentials({ protocol: "env" }, SHAPE, "pair", env)).toEqual({ id: "bid", secret: "bsecret", securityToken: "pair" });
    // A token left over from another family is not sent with long-term keys.
    expect(resolveStaticCredentials({ protocol: "env" }, SHAPE, undefined, { A_ID: "aid", A_SECRET: "as", B_TOKEN: "stale" })).toEqual({ id: "aid", secret: "as" });
    // One family's id with another's secret is no pair at all.
    expect(thrown(() => resolveStaticCredentials({ protocol: "env" }, SHAPE, undefined, { A_ID: "aid", B_SECRET: "bs" }))?.code).toBe("PairRequired");
  });

  it("reads no token from the environment when the shape names no variables for it", () => {
    const noToken: CredentialShape<Keys> = { ...SHAPE, env: { accessKey: ["A_ID"], secretKey: ["A_SECRET"] } };
    expect(resolveStaticCredentials({ protocol: "env" }, noToken, undefined, { A_ID: "i", A_SECRET: "s", A_TOKEN: "t" })).toEqual({ id: "i", secret: "s" });
  });

  it("needs both parts from the environment, naming the variables and no values", () => {
    const err = thrown(() => staticCredentialSource({ protocol: "env" }, SHAPE, undefined, { A_ID: "visible-id" }));
    expect(err?.code).toBe("PairRequired");
    expect(err?.message).toContain("A_ID and A_SECRET, or B_ID and B_SECRET");
    expect(err?.message).not.toContain("visible-id");
  });
});

/** Lets a renewal started in the background (and its provider call) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Credentials due for renewal but still valid are served at once while the renewal runs: the call
 * that starts it gets the cached ones, the next call the new ones.
 */
async function renewed<C>(source: { get(): Promise<C> }): Promise<C> {
  await source.get();
  await settle();
  return source.get();
}

describe("provided credentials", () => {
  it("asks a provider again before expiry, and shares one refresh between callers", async () => {
    let now = 1_000_000;
    let calls = 0;
    const source = providedCredentialSource<Keys>(async () => ({ id: `id${++calls}`, secret: "k", securityToken: "t", expiration: now + CREDENTIAL_REFRESH_MARGIN_MS + 1000 }), SHAPE, () => now);
    const [a, b] = await Promise.all([source.get(), source.get()]);
    expect(a.id).toBe("id1");
    expect(b.id).toBe("id1");
    now += 500;
    expect((await source.get()).id).toBe("id1");
    now += 1000;
    expect((await renewed(source)).id).toBe("id2");
    expect(calls).toBe(2);
  });

  it("with fresh (presigning), renews credentials due for renewal before handing them out", async () => {
    let now = 1_000_000;
    let calls = 0;
    const source = providedCredentialSource<Keys>(async () => ({ id: `id${++calls}`, secret: "k", securityToken: `t${calls}`, expiration: now + CREDENTIAL_REFRESH_MARGIN_MS + 1000 }), SHAPE, () => now);
    expect((await source.get()).id).toBe("id1");
    now += 2000; // inside the renewal margin, still valid
    expect((await source.get({ fresh: true })).id).toBe("id2");
    expect(calls).toBe(2);
  });

  it("presigning asks its source for fresh credentials; requests do not wait", async () => {
    const asked: Array<{ fresh?: boolean } | undefined> = [];
    const signing = new SigningCredentials<Keys>({ get: async (options?: { fresh?: boolean }) => (asked.push(options), { id: "i", secret: "s" }) });
    await signing.get();
    await signing.for({});
    expect(asked).toEqual([{ fresh: true }, undefined]);
  });

  it("takes a Date expiration, and treats an invalid one as undated", async () => {
    let now = 0;
    let calls = 0;
    const dated = providedCredentialSource<Keys>(() => ({ id: `id${++calls}`, secret: "k", expiration: new Date(now + CREDENTIAL_REFRESH_MARGIN_MS + 10) }), SHAPE, () => now);
    await dated.get();
    now += 9;
    expect((await dated.get()).id).toBe("id1");
    now += 1;
    expect((await renewed(dated)).id).toBe("id2");
    let undatedCalls = 0;
    const invalid = providedCredentialSource<Keys>(() => ({ id: `u${++undatedCalls}`, secret: "k", expiration: Number.NaN }), SHAPE, () => now);
    await invalid.get();
    now += CREDENTIAL_UNDATED_TTL_MS - 1;
    expect((await invalid.get()).id).toBe("u1");
    now += 1;
    expect((await invalid.get()).id).toBe("u2");
  });

  it("re-asks a provider without expiration after a while", async () => {
    let now = 0;
    let calls = 0;
    const source = providedCredentialSource<Keys>(() => ({ id: `id${++calls}`, secret: "k" }), SHAPE, () => now);
    await source.get();
    now += CREDENTIAL_UNDATED_TTL_MS + 1;
    expect((await source.get()).id).toBe("id2");
  });

  it("reports provider failures and unusable credentials as PermissionDenied, and tries again next time", async () => {
    let fail = true;
    const flaky = providedCredentialSource<Keys>(() => (fail ? Promise.reject(new Error("sts down")) : { id: "i", secret: "s" }), SHAPE);
    await expect(flaky.get()).rejects.toMatchObject({ code: "PermissionDenied" });
    fail = false;
    expect(await flaky.get()).toEqual({ id: "i", secret: "s" });
    await expect(providedCredentialSource<Keys>(() => ({ id: "", secret: "" }), SHAPE).get()).rejects.toMatchObject({ code: "PermissionDenied", message: expect.stringContaining("id/secret") });
    await expect(providedCredentialSource<Keys>(() => ({ id: "i" }) as unknown as Keys, SHAPE).get()).rejects.toMatchObject({ code: "PermissionDenied" });
    await expect(providedCredentialSource<Keys>(() => undefined as unknown as Keys, SHAPE).get()).rejects.toMatchObject({ code: "PermissionDenied" });
  });

  it("renews short-lived credentials halfway through their life, not on every call", async () => {
    let now = 1_000_000;
    let calls = 0;
    const lifetime = 4 * 60 * 1000; // under the 5-minute margin
    const source = providedCredentialSource<Keys>(() => ({ id: `id${++calls}`, secret: "k", expiration: now + lifetime }), SHAPE, () => now);
    for (let i = 0; i < 100; i++) expect((await source.get()).id).toBe("id1");
    expect(calls).toBe(1);
    now += lifetime / 2 - 1;
    expect((await source.get()).id).toBe("id1");
    now += 1;
    expect((await renewed(source)).id).toBe("id2");
    expect(calls).toBe(2);
  });

  it("falls back to still-valid cached credentials when a renewal fails, and asks again later", async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const expiresIn = 2 * CREDENTIAL_REFRESH_MARGIN_MS;
    const source = providedCredentialSource<Keys>(
      () => {
        calls++;
        if (fail) throw new Error("metadata service timeout");
        return { id: `id${calls}`, secret: "k", expiration: now + expiresIn };
      },
      SHAPE,
      () => now,
    );
    const first = await source.get();
    expect(first.id).toBe("id1");
    fail = true;
    now += CREDENTIAL_REFRESH_MARGIN_MS + 1; // inside the renewal margin, still valid
    expect(await source.get()).toBe(first);
    await settle();
    expect(calls).toBe(2);
    // Not asked again at once after a failure...
    expect(await source.get()).toBe(first);
    await settle();
    expect(calls).toBe(2);
    // ...but on a later call.
    now += CREDENTIAL_RETRY_AFTER_FAILURE_MS;
    expect(await source.get()).toBe(first);
    await settle();
    expect(calls).toBe(3);
    fail = false;
    now += CREDENTIAL_RETRY_AFTER_FAILURE_MS;
    expect((await renewed(source)).id).toBe("id4");
    // Once they expired, a failure is the caller's again.
    fail = true;
    now += expiresIn;
    await expect(source.get()).rejects.toMatchObject({ code: "PermissionDenied", retryable: false });
  });

  it("does not fall back to credentials the service refused, nor to undated ones", async () => {
    let now = 0;
    let fail = false;
    const dated = providedCredentialSource<Keys>(() => (fail ? Promise.reject(new Error("down")) : { id: "i", secret: "s", expiration: now + 3_600_000 }), SHAPE, () => now);
    const used = await dated.get();
    fail = true;
    dated.invalidate!(used);
    await expect(dated.get()).rejects.toMatchObject({ code: "PermissionDenied" });
    fail = false;
    const undated = providedCredentialSource<Keys>(() => (fail ? Promise.reject(new Error("down")) : { id: "i", secret: "s" }), SHAPE, () => now);
    await undated.get();
    fail = true;
    now += CREDENTIAL_UNDATED_TTL_MS;
    await expect(undated.get()).rejects.toMatchObject({ code: "PermissionDenied" });
  });

  it("bounds a provider that never answers: a retryable PermissionDenied, and the next call asks again", async () => {
    expect(CREDENTIAL_PROVIDER_TIMEOUT_MS).toBe(30_000);
    let calls = 0;
    const source = providedCredentialSource<Keys>(
      () => {
        calls++;
        return calls === 1 ? new Promise<Keys>(() => undefined) : { id: "late", secret: "s" };
      },
      SHAPE,
      Date.now,
      { timeoutMs: 50 },
    );
    const [a, b] = await Promise.allSettled([source.get(), source.get()]);
    for (const r of [a, b]) {
      expect(r.status).toBe("rejected");
      const e = (r as PromiseRejectedResult).reason as { code: string; retryable: boolean; message: string };
      expect(e).toMatchObject({ code: "PermissionDenied", retryable: true });
      expect(e.message).toContain("did not answer within 50 ms");
    }
    expect(calls).toBe(1);
    expect((await source.get()).id).toBe("late");
    expect(calls).toBe(2);
  });
});
