import { describe, expect, it } from "@jest/globals";
import { MIN_EXPIRATION_MS, providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { type CredentialShape } from "../src/registry/credential-source.js";

interface Keys {
  id: string;
  secret: string;
  expiration?: Date | number | string;
}

const SHAPE: Pick<CredentialShape<Keys>, "keys"> = { keys: ["id", "secret"] };

describe("a provider's expiration given in Unix seconds", () => {
  it("is refused with a non-retryable PermissionDenied that says it looks like seconds", async () => {
    const seconds = Math.floor(Date.now() / 1000) + 3600; // e.g. Tencent STS ExpiredTime
    let calls = 0;
    const source = providedCredentialSource<Keys>(() => ({ id: `id${++calls}`, secret: "s", expiration: seconds }), SHAPE);
    const e = await source.get().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ code: "PermissionDenied", retryable: false });
    const message = (e as Error).message;
    expect(message).toContain(`expiration ${seconds}`);
    expect(message).toContain("looks like Unix seconds");
    expect(message).toContain("milliseconds");
    expect(message).toContain("ISO 8601");
    // Nothing was cached: the next call asks again and is refused again.
    await expect(source.get()).rejects.toMatchObject({ code: "PermissionDenied" });
    expect(calls).toBe(2);
  });

  it("is refused as a string of digits too, and a string of Unix milliseconds dates the credentials", async () => {
    const seconds = String(Math.floor(Date.now() / 1000) + 3600);
    await expect(providedCredentialSource<Keys>(() => ({ id: "i", secret: "s", expiration: seconds }), SHAPE).get()).rejects.toMatchObject({ code: "PermissionDenied" });
    let calls = 0;
    let now = Date.now();
    const ms = String(now + 3_600_000);
    const source = providedCredentialSource<Keys>(() => ({ id: `i${++calls}`, secret: "s", expiration: ms }), SHAPE, () => now);
    await source.get();
    // Past the 5 minutes undated credentials are kept, well before this hour is up: still cached.
    now += 6 * 60_000;
    await source.get();
    expect(calls).toBe(1);
  });

  it("is refused below 1e11 (early 1973), even for 0", async () => {
    expect(MIN_EXPIRATION_MS).toBe(1e11);
    for (const expiration of [0, 1, MIN_EXPIRATION_MS - 1]) {
      await expect(providedCredentialSource<Keys>(() => ({ id: "i", secret: "s", expiration }), SHAPE).get()).rejects.toMatchObject({ code: "PermissionDenied" });
    }
  });

  it("falls back to still-valid cached credentials when a renewal brings seconds", async () => {
    let now = Date.now();
    let calls = 0;
    const source = providedCredentialSource<Keys>(
      () => (++calls === 1 ? { id: "ms", secret: "s", expiration: now + 10 * 60_000 } : { id: "sec", secret: "s", expiration: Math.floor(now / 1000) + 3600 }),
      SHAPE,
      () => now,
    );
    expect((await source.get()).id).toBe("ms");
    now += 6 * 60_000; // inside the 5-minute renewal margin
    expect((await source.get({ fresh: true })).id).toBe("ms");
    expect(calls).toBe(2);
  });
});

describe("expirations that are fine", () => {
  it.each([
    ["Unix milliseconds", (t: number): Keys["expiration"] => t],
    ["a Date", (t: number): Keys["expiration"] => new Date(t)],
    ["an ISO 8601 string (Alibaba Cloud STS)", (t: number): Keys["expiration"] => new Date(t).toISOString()],
  ])("%s is cached until near expiry: one provider call for several requests", async (_label, make) => {
    let calls = 0;
    const source = providedCredentialSource<Keys>(() => ({ id: `id${++calls}`, secret: "s", expiration: make(Date.now() + 3_600_000) }), SHAPE);
    for (let i = 0; i < 5; i++) expect((await source.get()).id).toBe("id1");
    expect(calls).toBe(1);
  });
});
