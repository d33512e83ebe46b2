import { afterEach, describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { HttpClient } from "../src/http/http-client.js";
import { credentialTimeoutPair } from "../src/registry/credential-timeout-pair.js";
import { providedCredentialSource } from "../src/registry/credential-source.js";
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
  it("never keeps the process alive: a caller that gave up must not hold it open for the rest of the wait", async () => {
    const source = providedCredentialSource<Keys>(() => new Promise<Keys>(() => undefined), SHAPE, Date.now, { timeoutMs: 50 });
    // Counted synchronously around the call: other timers of the process cannot come or go meanwhile.
    const before = refTimers();
    const waiting = source.get();
    expect(refTimers()).toBe(before);
    await expect(waiting).rejects.toMatchObject({ code: "PermissionDenied", retryable: true });
  });
});

describe("the credential_timeout pair", () => {
  it("is a duration of at least 1 ms, accepted at open time", () => {
    expect(credentialTimeoutPair).toMatchObject({ name: "credential_timeout", type: "duration", operations: ["new"] });
    expect(credentialTimeoutPair.validate(0)).toBeDefined();
    expect(credentialTimeoutPair.validate(1)).toBeUndefined();
  });
});
