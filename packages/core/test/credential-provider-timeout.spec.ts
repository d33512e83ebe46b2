import { afterEach, describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { callSignal } from "../src/http/call-signal.js";
import { HttpClient } from "../src/http/http-client.js";
import { credentialTimeoutPair } from "../src/registry/credential-timeout-pair.js";
import { CREDENTIAL_REFRESH_MARGIN_MS, providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { SigningCredentials } from "../src/registry/signing-credentials.js";
import { request, SHAPE, type Keys } from "./provider-keys.js";
import { failure, reply, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Timers that keep the process alive (unref'd ones are not listed). */
function refTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("a sign hook that fails is not retried by the HTTP client", () => {
  it("one credential provider timeout is one failure: one provider call, PermissionDenied, nothing sent, retries unused", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    let calls = 0;
    const never = (): Promise<Keys> => {
      calls++;
      return new Promise<Keys>(() => undefined);
    };
    const signing = new SigningCredentials(providedCredentialSource(never, SHAPE, Date.now, { timeoutMs: 30 }));
    const client = new HttpClient({
      service: "test",
      retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
      random: () => 0,
      sign: async (r) => {
        r.headers["x-key"] = (await signing.for(r)).id;
      },
    });
    const e = await failure(client.sendBuffered(request(server.port)));
    expect(e).toMatchObject({ code: "PermissionDenied", retryable: true, service: "test" });
    expect(e.message).toContain("did not answer within 30 ms");
    expect(calls).toBe(1);
    expect(server.seen).toHaveLength(0);
  });

  it("a retryable error thrown by the hook itself ends the call after one signature too", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    let signs = 0;
    const client = new HttpClient({
      service: "test",
      retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
      random: () => 0,
      sign: () => {
        signs++;
        throw storageError(ErrorCode.ServiceInternal, "key service busy", { retryable: true });
      },
    });
    const e = await failure(client.sendBuffered(request(server.port)));
    expect(e).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(signs).toBe(1);
    expect(server.seen).toHaveLength(0);
  });
});

describe("the provider timeout's timer", () => {
  it("keeps the process alive while a caller waits on the provider, so a hung provider ends in PermissionDenied, not a silent exit", async () => {
    const source = providedCredentialSource<Keys>(() => new Promise<Keys>(() => undefined), SHAPE, Date.now, { timeoutMs: 50 });
    // Counted synchronously around the call: other timers of the process cannot come or go meanwhile.
    const before = refTimers();
    const waiting = source.get();
    expect(refTimers()).toBe(before + 1);
    await expect(waiting).rejects.toMatchObject({ code: "PermissionDenied", retryable: true });
  });

  it("holds nothing once every caller waiting on the call aborted (each gets Aborted; a later caller holds it again)", async () => {
    const source = providedCredentialSource<Keys>(() => new Promise<Keys>(() => undefined), SHAPE, Date.now, { timeoutMs: 60_000 });
    const first = new AbortController();
    const second = new AbortController();
    // Counted around calls and aborts settled in microtasks only: no other timer can come or go meanwhile.
    const before = refTimers();
    const a = source.get({ signal: first.signal });
    const b = source.get({ signal: second.signal });
    expect(refTimers()).toBe(before + 1);
    first.abort();
    await expect(a).rejects.toMatchObject({ code: "Aborted" });
    expect(refTimers()).toBe(before + 1); // the second caller still waits
    second.abort();
    await expect(b).rejects.toMatchObject({ code: "Aborted" });
    expect(refTimers()).toBe(before);
    // Same provider call (still in flight): a caller already aborted never holds it.
    await expect(source.get({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "Aborted" });
    expect(refTimers()).toBe(before);
    const third = new AbortController();
    const c = source.get({ signal: third.signal });
    expect(refTimers()).toBe(before + 1);
    third.abort();
    await expect(c).rejects.toMatchObject({ code: "Aborted" });
    expect(refTimers()).toBe(before);
  });

  it("does not keep the process alive for a renewal nobody waits on, until a caller does wait on it", async () => {
    let now = Date.now();
    let calls = 0;
    let answer: ((k: Keys) => void) | undefined;
    const provider = (): Keys | Promise<Keys> => {
      calls++;
      if (calls === 1) return { id: "old", secret: "s", expiration: now + CREDENTIAL_REFRESH_MARGIN_MS + 60_000 };
      return new Promise<Keys>((resolve) => (answer = resolve));
    };
    const source = providedCredentialSource<Keys>(provider, SHAPE, () => now, { timeoutMs: 5_000 });
    expect((await source.get()).id).toBe("old");
    now += 61_000; // due for renewal, still valid
    // Counted around calls settled in microtasks only: no other timer can come or go meanwhile.
    const before = refTimers();
    const served = source.get(); // served at once; the renewal starts in the background
    expect(refTimers()).toBe(before);
    const fresh = source.get({ fresh: true }); // presigning waits for that renewal
    expect(refTimers()).toBe(before + 1);
    expect((await served).id).toBe("old");
    expect(calls).toBe(2);
    answer!({ id: "new", secret: "s", expiration: now + 3_600_000 });
    expect((await fresh).id).toBe("new");
    expect(refTimers()).toBe(before); // answered: the timer is gone
  });
});

describe("the call's signal reaches the credential source", () => {
  it("HttpClient records it for each attempt's request and SigningCredentials.for passes it to get (get takes one for presigning)", async () => {
    const asked: Array<AbortSignal | undefined> = [];
    const signing = new SigningCredentials<Keys>({ get: async (options) => (asked.push(options?.signal), { id: "i", secret: "s" }) });
    const controller = new AbortController();
    const client = new HttpClient({
      service: "test",
      sign: async (r) => {
        await signing.for(r);
        throw storageError(ErrorCode.PermissionDenied, "stop here"); // nothing is sent
      },
    });
    await expect(client.sendBuffered(request(9), { signal: controller.signal })).rejects.toMatchObject({ code: "PermissionDenied" });
    await expect(client.sendBuffered(request(9))).rejects.toMatchObject({ code: "PermissionDenied" });
    expect(asked).toEqual([controller.signal, undefined]);
    // Presigning: the caller's signal when given.
    await signing.get(controller.signal);
    await signing.get();
    expect(asked.slice(2)).toEqual([controller.signal, undefined]);
    expect(callSignal({})).toBeUndefined();
  });
});

describe("the credential_timeout pair", () => {
  it("is a duration of at least 1 ms, accepted at open time", () => {
    expect(credentialTimeoutPair).toMatchObject({ name: "credential_timeout", type: "duration", operations: ["new"] });
    expect(credentialTimeoutPair.validate(0)).toBeDefined();
    expect(credentialTimeoutPair.validate(1)).toBeUndefined();
  });
});
