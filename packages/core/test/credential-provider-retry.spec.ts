/**
 * A signature that failed on a transient cause (the credential provider's network failure, or a
 * retryable StorageError it threw) is retried by the HTTP client like a network failure: within
 * `maxRetries`, after the backoff, nothing having been sent. A provider that timed out, an answer
 * judged unusable and a non-retryable failure still end the call at once.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { HttpClient } from "../src/http/http-client.js";
import { providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { SigningCredentials } from "../src/registry/signing-credentials.js";
import { failure, reply, startTestServer, type TestServer } from "./http-test-server.js";
import { request, SHAPE, type Keys } from "./provider-keys.js";

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const reset = (): Error => Object.assign(new Error("connect ECONNRESET"), { code: "ECONNRESET" });

/** A provider that throws `failures[i]` on call i while there is one, then hands out key-<n>; counting its calls. */
function flaky(failures: readonly unknown[], forever = false): { calls: () => number; provide: () => Promise<Keys> } {
  let n = 0;
  return {
    calls: () => n,
    provide: async () => {
      n++;
      const thrown = forever ? failures[0] : failures[n - 1];
      if (thrown !== undefined) throw thrown;
      return { id: `key-${n}`, secret: `secret-${n}`, expiration: Date.now() + 3600_000 };
    },
  };
}

/** A client signing with `signing` (the key in `x-key`), renewing refused credentials, with `maxRetries` retries of 1-2 ms. */
function client(signing: SigningCredentials<Keys>, maxRetries: number, draws: number[] = []): HttpClient {
  return new HttpClient({
    service: "test",
    retry: { maxRetries, baseDelayMs: 2, maxDelayMs: 2 },
    random: () => {
      draws.push(1);
      return 0.5;
    },
    sign: async (r) => {
      r.headers["x-key"] = (await signing.for(r)).id;
    },
    renewCredentials: (_e, r) => signing.renew(r, () => true),
  });
}

describe("HttpClient: a signature that failed on a transient cause", () => {
  it("is retried after the backoff: the provider's ECONNRESET once, then the request is signed and sent", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    const p = flaky([reset()]);
    const draws: number[] = [];
    const res = await client(new SigningCredentials(providedCredentialSource(p.provide, SHAPE)), 3, draws).sendBuffered(request(server.port));
    expect(res.body.toString()).toBe("ok");
    expect(p.calls()).toBe(2);
    expect(draws).toHaveLength(1);
    expect(server.seen.map((r) => r.headers["x-key"])).toEqual(["key-2"]);
  });

  it("right after the service refused the credentials (none cached to fall back on), one blip costs one retry", async () => {
    // key-1 is refused (revoked); the renewal's provider call resets once; key-3 is accepted.
    server = await startTestServer((req, res) => reply(res, req.headers["x-key"] === "key-1" ? 403 : 200, "ok"));
    const p = flaky([undefined, reset()]);
    const res = await client(new SigningCredentials(providedCredentialSource(p.provide, SHAPE)), 3).sendBuffered(request(server.port));
    expect(res.status).toBe(200);
    expect(p.calls()).toBe(3);
    expect(server.seen.map((r) => r.headers["x-key"])).toEqual(["key-1", "key-3"]);
  });

  it.each([
    ["ECONNRESET", reset()],
    ["a retryable StorageError (its STS answered 503)", storageError(ErrorCode.ServiceInternal, "STS answered 503", { statusCode: 503 })],
  ])("a provider that always fails with %s is called maxRetries + 1 times, and the error stays a retryable PermissionDenied", async (_label, thrown) => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    const p = flaky([thrown], true);
    const e = await failure(client(new SigningCredentials(providedCredentialSource(p.provide, SHAPE)), 3).sendBuffered(request(server.port)));
    expect(e).toMatchObject({ code: ErrorCode.PermissionDenied, retryable: true, service: "test" });
    expect(e.message).toContain("the credential provider failed");
    expect(p.calls()).toBe(4);
    expect(server.seen).toHaveLength(0);
  });

  it("many calls retrying together share each provider call: the next one waits out the gap after a failure", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    const p = flaky([reset()], true);
    const signing = new SigningCredentials(providedCredentialSource(p.provide, SHAPE));
    // Without the gap, each call's retry would ask the provider on its own (20 × 3 more calls).
    const c = new HttpClient({
      service: "test",
      retry: { maxRetries: 3, baseDelayMs: 2, maxDelayMs: 8 },
      random: () => 0.5,
      sign: async (r) => {
        r.headers["x-key"] = (await signing.for(r)).id;
      },
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => failure(c.sendBuffered(request(server!.port)))));
    for (const e of results) expect(e).toMatchObject({ code: ErrorCode.PermissionDenied, retryable: true });
    expect(p.calls()).toBe(4);
    expect(server.seen).toHaveLength(0);
  });

  it.each([
    ["a plain Error", new Error("no such role")],
    ["a non-retryable StorageError", storageError(ErrorCode.PermissionDenied, "STS refused the role")],
  ])("a provider that fails with %s is called once: not retried", async (_label, thrown) => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    const p = flaky([thrown], true);
    const e = await failure(client(new SigningCredentials(providedCredentialSource(p.provide, SHAPE)), 3).sendBuffered(request(server.port)));
    expect(e).toMatchObject({ code: ErrorCode.PermissionDenied, retryable: false });
    expect(p.calls()).toBe(1);
    expect(server.seen).toHaveLength(0);
  });

  it("a provider answer judged unusable (already expired by a checked clock) is not retried, though retryable", async () => {
    // key-1 is refused; the answer's Date checks the clock; the renewal returns credentials already expired.
    server = await startTestServer((_req, res) => reply(res, 403, "revoked"));
    let calls = 0;
    const provide = async (): Promise<Keys> => {
      calls++;
      return { id: `key-${calls}`, secret: "s", expiration: Date.now() + (calls === 1 ? 3600_000 : -60_000) };
    };
    const e = await failure(client(new SigningCredentials(providedCredentialSource(provide, SHAPE)), 3).sendBuffered(request(server.port)));
    expect(e).toMatchObject({ code: ErrorCode.PermissionDenied, retryable: true });
    expect(e.message).toContain("expired at");
    expect(calls).toBe(2);
    expect(server.seen).toHaveLength(1);
  });

  it("a hook's own retryable error without a transient cause is not retried", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    let signs = 0;
    const c = new HttpClient({
      service: "test",
      retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 1 },
      sign: () => {
        signs++;
        throw storageError(ErrorCode.ServiceInternal, "key service busy", { retryable: true });
      },
    });
    expect(await failure(c.sendBuffered(request(server.port)))).toMatchObject({ code: "ServiceInternal" });
    expect(signs).toBe(1);
  });

  it("an abort during the wait before the retry ends the call with Aborted and asks the provider nothing more", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    const p = flaky([reset()], true);
    const signing = new SigningCredentials(providedCredentialSource(p.provide, SHAPE));
    const c = new HttpClient({
      service: "test",
      retry: { maxRetries: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      random: () => 0.99,
      sign: async (r) => {
        r.headers["x-key"] = (await signing.for(r)).id;
      },
    });
    const controller = new AbortController();
    const sent = failure(c.sendBuffered(request(server.port), { signal: controller.signal }));
    while (p.calls() === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    controller.abort();
    expect((await sent).code).toBe(ErrorCode.Aborted);
    expect(p.calls()).toBe(1);
    expect(server.seen).toHaveLength(0);
  });
});
