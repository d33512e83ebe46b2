/**
 * A provider's expirations are in the service's time: a credential source judges them, and plans
 * renewals, by the caller's clock (the HTTP client's, corrected from the service's `Date` after a
 * skew refusal), not by the local one. With a local clock ahead of the service's by more than a
 * token's life, fresh tokens look expired: the first is sent for the service to judge (its skew
 * refusal teaches the client the offset), then everything is judged on the corrected time.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { HttpClient } from "../src/http/http-client.js";
import type { SigningClock } from "../src/http/signing-clock.js";
import { providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { SigningCredentials } from "../src/registry/signing-credentials.js";
import { failure, reply, startTestServer, type TestServer } from "./http-test-server.js";
import { request, SHAPE, type Keys } from "./provider-keys.js";

const T0 = Date.parse("2030-01-01T12:00:00.000Z");
const MIN = 60_000;

/** A provider dating its answers `lifeMin` minutes from `service()` (the service's time), counting its calls. */
function sts(service: () => number, lifeMin: number): { calls: () => number; provide: () => Promise<Keys> } {
  let n = 0;
  return {
    calls: () => n,
    provide: async () => {
      n++;
      return { id: `key-${n}`, secret: `secret-${n}`, expiration: service() + lifeMin * MIN };
    },
  };
}

const checked = (offsetMs: number): SigningClock => ({ offsetMs, checked: true });

describe("providedCredentialSource: judged by the caller's clock", () => {
  it("takes tokens valid in the service's time when the caller's clock is corrected, and keeps them", async () => {
    // The local clock is 20 minutes ahead of the service's; the tokens live 15 minutes.
    let local = T0;
    const p = sts(() => local - 20 * MIN, 15);
    const source = providedCredentialSource(p.provide, SHAPE, () => local);
    expect((await source.get({ clock: checked(-20 * MIN) })).id).toBe("key-1");
    local += 5 * MIN;
    expect((await source.get({ clock: checked(-20 * MIN) })).id).toBe("key-1");
    expect(p.calls()).toBe(1);
  });

  it("plans renewals on the corrected time: 5 minutes before expiry, not halfway through what the local clock leaves", async () => {
    // 10 minutes ahead with 15-minute tokens: by the local clock they arrive with 5 minutes left.
    let local = T0;
    const p = sts(() => local - 10 * MIN, 15);
    const source = providedCredentialSource(p.provide, SHAPE, () => local);
    await source.get({ clock: checked(-10 * MIN) });
    local += 4 * MIN;
    expect((await source.get({ clock: checked(-10 * MIN) })).id).toBe("key-1");
    await new Promise((r) => setImmediate(r));
    expect(p.calls()).toBe(1);
    local += 6 * MIN + 1;
    expect((await source.get({ clock: checked(-10 * MIN) })).id).toBe("key-1");
    await new Promise((r) => setImmediate(r));
    expect(p.calls()).toBe(2);
  });

  it("refuses tokens expired by a checked clock, naming the local time it judged by (and the correction)", async () => {
    const p = sts(() => T0 - 20 * MIN, 15);
    const plain = providedCredentialSource(p.provide, SHAPE, () => T0);
    const e = await failure(plain.get());
    expect(e).toMatchObject({ code: ErrorCode.PermissionDenied, retryable: true });
    expect(e.message).toContain("expired at 2030-01-01T11:55:00.000Z, judged by the local time 2030-01-01T12:00:00.000Z (is the local clock ahead of the service's?)");

    const corrected = providedCredentialSource(sts(() => T0 - 40 * MIN, 15).provide, SHAPE, () => T0);
    const c = await failure(corrected.get({ clock: checked(-20 * MIN) }));
    expect(c.message).toContain("expired at 2030-01-01T11:35:00.000Z, judged by the local time 2030-01-01T12:00:00.000Z corrected by -1200 s from the service's Date to 2030-01-01T11:40:00.000Z");
  });

  it("hands tokens expired by an unchecked clock to the caller without caching them, until a checked clock judges", async () => {
    const p = sts(() => T0 - 20 * MIN, 15);
    const source = providedCredentialSource(p.provide, SHAPE, () => T0);
    const unchecked: SigningClock = { offsetMs: 0, checked: false };
    expect((await source.get({ clock: unchecked })).id).toBe("key-1");
    expect((await source.get({ clock: unchecked })).id).toBe("key-2");
    expect((await source.get({ clock: checked(-20 * MIN) })).id).toBe("key-3");
    expect((await source.get({ clock: checked(-20 * MIN) })).id).toBe("key-3");
    // By a caller's clock not corrected yet the cached ones have expired too: it asks the provider,
    // and that expired-looking answer does not replace the cache the corrected callers use.
    expect((await source.get({ clock: unchecked })).id).toBe("key-4");
    expect((await source.get({ clock: checked(-20 * MIN) })).id).toBe("key-3");
    expect(p.calls()).toBe(4);
  });

  it("a caller on a checked clock that joins an unchecked caller's provider call still refuses what expired by its clock", async () => {
    const p = sts(() => T0 - 20 * MIN, 15);
    const source = providedCredentialSource(p.provide, SHAPE, () => T0);
    const first = source.get({ clock: { offsetMs: 0, checked: false } });
    const second = failure(source.get({ clock: checked(0) }));
    expect((await first).id).toBe("key-1");
    expect((await second).code).toBe(ErrorCode.PermissionDenied);
    expect(p.calls()).toBe(1);
  });
});

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("HttpClient: the clock a credential source judges by", () => {
  it("with the local clock 20 minutes ahead and 15-minute tokens: one refused request, the offset learned, then signed and sent", async () => {
    const behind = 20 * MIN;
    // The service refuses a request dated more than 15 minutes from its clock, and answers its own Date.
    server = await startTestServer((req, res) => {
      const serviceNow = Date.now() - behind;
      const skewed = Math.abs(Number(req.headers["x-date"]) - serviceNow) > 15 * MIN;
      reply(res, skewed ? 403 : 200, skewed ? "skew" : "ok", { date: new Date(serviceNow).toUTCString() });
    });
    const p = sts(() => Date.now() - behind, 15);
    const signing = new SigningCredentials(providedCredentialSource(p.provide, SHAPE));
    const client = new HttpClient({
      service: "test",
      retry: { maxRetries: 0 },
      sign: async (r, now) => {
        r.headers["x-key"] = (await signing.for(r)).id;
        r.headers["x-date"] = String(now.getTime());
      },
      isClockSkew: (_e, res) => res.body.toString() === "skew",
    });
    expect(client.clock).toEqual({ offsetMs: 0, checked: false });
    expect((await client.sendBuffered(request(server.port))).body.toString()).toBe("ok");
    expect(server.seen.map((r) => r.headers["x-key"])).toEqual(["key-1", "key-2"]);
    expect(client.clock.checked).toBe(true);
    expect(Math.abs(client.clock.offsetMs + behind)).toBeLessThan(2000);
    // The renewed tokens are kept: the next request asks the provider nothing.
    expect((await client.sendBuffered(request(server.port))).body.toString()).toBe("ok");
    expect(p.calls()).toBe(2);
    expect(server.seen).toHaveLength(3);
  });

  it("an answer whose Date agrees checks the clock; one that disagrees (within the service's skew) does not", async () => {
    let behindMs = 0;
    server = await startTestServer((_req, res) => reply(res, 200, "ok", { date: new Date(Date.now() - behindMs).toUTCString() }));
    const skewed = new HttpClient({ service: "test" });
    behindMs = 10 * MIN;
    await skewed.sendBuffered(request(server.port));
    expect(skewed.clock).toEqual({ offsetMs: 0, checked: false });
    behindMs = 0;
    await skewed.sendBuffered(request(server.port));
    expect(skewed.clock).toEqual({ offsetMs: 0, checked: true });
  });

  it("a provider that truly returns expired tokens: sent once on the unchecked clock, then refused by the checked one", async () => {
    server = await startTestServer((req, res) => reply(res, req.headers["x-key"] === "never" ? 200 : 403, "expired token"));
    const p = sts(() => Date.now() - 60 * MIN, 15);
    const signing = new SigningCredentials(providedCredentialSource(p.provide, SHAPE));
    const client = new HttpClient({
      service: "test",
      retry: { maxRetries: 0 },
      sign: async (r) => {
        r.headers["x-key"] = (await signing.for(r)).id;
      },
      renewCredentials: (_e, r) => signing.renew(r, () => true),
    });
    const e = await failure(client.sendBuffered(request(server.port)));
    expect(e).toMatchObject({ code: ErrorCode.PermissionDenied, retryable: true });
    expect(e.message).toContain("judged by the local time");
    expect(server.seen).toHaveLength(1);
    expect(p.calls()).toBe(2);
    // From now on the clock is checked: one provider call, nothing sent.
    await failure(client.sendBuffered(request(server.port)));
    expect(server.seen).toHaveLength(1);
    expect(p.calls()).toBe(3);
  });
});
