import { describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { type CredentialShape } from "../src/registry/credential-source.js";

interface Keys {
  id: string;
  secret: string;
  securityToken?: string;
  expiration?: Date | number | string;
}

const SHAPE: Pick<CredentialShape<Keys>, "keys"> = { keys: ["id", "secret"] };
const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const MIN = 60_000;

/** A provider handing out the answers of `lives` (minutes to live from the clock; undefined: undated) in turn, counting its calls. */
function provider(lives: readonly (number | undefined)[], clock: () => number): { calls: () => number; provide: () => Promise<Keys> } {
  let n = 0;
  return {
    calls: () => n,
    provide: async () => {
      const life = lives[Math.min(n, lives.length - 1)];
      n++;
      return { id: `key-${n}`, secret: `secret-${n}`, securityToken: `token-${n}`, ...(life === undefined ? {} : { expiration: clock() + life * MIN }) };
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<{ code: unknown; retryable: unknown; message: string }> {
  const e = (await p.then(
    () => undefined,
    (x: unknown) => x,
  )) as { code?: unknown; retryable?: unknown; message?: string } | undefined;
  expect(e).toBeDefined();
  return { code: e!.code, retryable: e!.retryable, message: String(e!.message) };
}

describe("providedCredentialSource: validUntil (presigning)", () => {
  it("renews credentials that expire before validUntil, and hands out the renewed ones when they last", async () => {
    const clock = (): number => T0;
    const p = provider([6, 120], clock);
    const source = providedCredentialSource(p.provide, SHAPE, clock);
    expect((await source.get()).id).toBe("key-1");
    const creds = await source.get({ fresh: true, validUntil: T0 + 60 * MIN });
    expect(creds.id).toBe("key-2");
    expect(p.calls()).toBe(2);
  });

  it("refuses with InvalidArgument naming both times when the renewed credentials still expire too soon", async () => {
    const clock = (): number => T0;
    const p = provider([6, 6], clock);
    const source = providedCredentialSource(p.provide, SHAPE, clock);
    await source.get();
    const e = await refusal(source.get({ fresh: true, validUntil: T0 + 60 * MIN }));
    expect(e.code).toBe(ErrorCode.InvalidArgument);
    expect(e.message).toContain("2030-01-01T01:00:00.000Z");
    expect(e.message).toContain("2030-01-01T00:06:00.000Z");
    expect(e.message).not.toMatch(/secret-|token-|key-/);
    expect(p.calls()).toBe(2);
  });

  it("hands out credentials that outlast validUntil without asking the provider again", async () => {
    const clock = (): number => T0;
    const p = provider([6], clock);
    const source = providedCredentialSource(p.provide, SHAPE, clock);
    await source.get();
    expect((await source.get({ fresh: true, validUntil: T0 + MIN })).id).toBe("key-1");
    expect(p.calls()).toBe(1);
  });

  it("does not check undated credentials", async () => {
    const clock = (): number => T0;
    const p = provider([undefined], clock);
    const source = providedCredentialSource(p.provide, SHAPE, clock);
    expect((await source.get({ fresh: true, validUntil: T0 + 7 * 24 * 60 * MIN })).id).toBe("key-1");
  });
});

describe("providedCredentialSource: unusable answers", () => {
  it("refuses credentials that have already expired (retryable PermissionDenied) and asks again on the next get", async () => {
    const clock = (): number => T0;
    const p = provider([-1, 120], clock);
    const source = providedCredentialSource(p.provide, SHAPE, clock);
    const e = await refusal(source.get());
    expect(e.code).toBe(ErrorCode.PermissionDenied);
    expect(e.retryable).toBe(true);
    expect(e.message).toContain("expired at 2029-12-31T23:59:00.000Z");
    expect((await source.get()).id).toBe("key-2");
  });

  it.each([
    ["a CR/LF in securityToken", { id: "ak", secret: "sk", securityToken: "tok\r\nX-Injected: 1" }, "a securityToken"],
    ["a non-Latin-1 character in the access key", { id: "ak\u4e2d", secret: "sk" }, "an id"],
    ["a control character in the secret", { id: "ak", secret: "s\u0000k" }, "a secret"],
  ])("refuses %s with PermissionDenied naming the field (with its article), not the value", async (_label, answer, field) => {
    const source = providedCredentialSource<Keys>(async () => ({ ...answer, expiration: T0 + 60 * MIN }), SHAPE, () => T0);
    const e = await refusal(source.get());
    expect(e.code).toBe(ErrorCode.PermissionDenied);
    expect(e.message).toContain(`returned ${field} with invalid characters`);
    expect(e.message).not.toMatch(/tok|X-Injected|\u4e2d|s\u0000k/);
  });

  it.each([
    ["a number", 42, "number"],
    ["null", null, "null"],
    ["an object", { value: "tok-secret" }, "object"],
    ["an array", ["tok-secret"], "an array"],
  ])("refuses a securityToken that is %s (PermissionDenied naming its kind, not cached: the next get asks again)", async (_label, token, kind) => {
    let calls = 0;
    const source = providedCredentialSource<Keys>(
      async () => {
        calls++;
        const answer = { id: "ak", secret: "sk", expiration: T0 + 60 * MIN };
        return (calls === 1 ? { ...answer, securityToken: token } : { ...answer, securityToken: "tok-2" }) as unknown as Keys;
      },
      SHAPE,
      () => T0,
    );
    const e = await refusal(source.get());
    expect(e.code).toBe(ErrorCode.PermissionDenied);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(`a securityToken that is not a string (${kind})`);
    expect(e.message).not.toMatch(/tok-secret|42/);
    expect((await source.get()).securityToken).toBe("tok-2");
    expect(calls).toBe(2);
  });

  it("takes an answer without a securityToken, or with undefined as one", async () => {
    const source = providedCredentialSource<Keys>(async () => ({ id: "ak", secret: "sk", securityToken: undefined }), SHAPE, () => T0);
    expect((await source.get()).id).toBe("ak");
  });

  it("accepts Latin-1 characters (a no-break space too)", async () => {
    const source = providedCredentialSource<Keys>(async () => ({ id: "ak\u00e9", secret: "s\u00a0k", securityToken: "t\u00ff" }), SHAPE, () => T0);
    expect((await source.get()).id).toBe("ak\u00e9");
  });

  it.each([
    ["a tab", "s\tk"],
    ["a C1 control (NEL)", "s\u0085k"],
    ["a C1 control (U+009F)", "s\u009fk"],
  ])("refuses %s in the secret, as every other control character (PermissionDenied, the value not shown)", async (_label, secret) => {
    const source = providedCredentialSource<Keys>(async () => ({ id: "ak", secret }), SHAPE, () => T0);
    const e = await refusal(source.get());
    expect(e.code).toBe(ErrorCode.PermissionDenied);
    expect(e.message).toContain("returned a secret with invalid characters");
    expect(e.message).not.toContain(secret);
  });
});
