import { afterEach, describe, expect, it } from "@jest/globals";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { HttpClient } from "../src/http/http-client.js";
import { providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { SigningCredentials } from "../src/registry/signing-credentials.js";
import { request, SHAPE, type Keys } from "./provider-keys.js";
import { reply, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What `p` settled to, or "still pending" when a guard of `ms` fired first (so a hang fails the test instead of stalling it). */
async function outcome(p: Promise<unknown>, ms: number): Promise<StorageError | "ok" | "still pending"> {
  let guard: NodeJS.Timeout | undefined;
  const pending = new Promise<"still pending">((resolve) => (guard = setTimeout(() => resolve("still pending"), ms)));
  try {
    return await Promise.race([p.then(() => "ok" as const), pending]);
  } catch (e) {
    if (isStorageError(e)) return e;
    throw e;
  } finally {
    clearTimeout(guard);
  }
}

/** A client signing with credentials from `signing` (the key goes into `x-key`). */
function signingClient(signing: SigningCredentials<Keys>, maxRetries: number): HttpClient {
  return new HttpClient({
    service: "test",
    retry: { maxRetries, baseDelayMs: 1, maxDelayMs: 2 },
    random: () => 0,
    timeoutMs: 2000,
    sign: async (r) => {
      r.headers["x-key"] = (await signing.for(r)).id;
    },
  });
}

describe("a credential provider that never answers", () => {
  it("does not outlive the call's signal: the request ends with Aborted and sends nothing", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    let calls = 0;
    const never = (): Promise<Keys> => {
      calls++;
      return new Promise<Keys>(() => undefined);
    };
    const client = signingClient(new SigningCredentials(providedCredentialSource(never, SHAPE)), 3);
    const first = outcome(client.sendBuffered(request(server.port), { signal: AbortSignal.timeout(100) }), 5000);
    // A second call joins the same stalled refresh: its own signal still ends it.
    const second = outcome(client.sendBuffered(request(server.port), { signal: AbortSignal.timeout(150) }), 5000);
    for (const result of [await first, await second]) {
      expect(result).not.toBe("still pending");
      expect((result as StorageError).code).toBe("Aborted");
    }
    expect(calls).toBe(1);
    expect(server.seen).toHaveLength(0);
  }, 20_000);

  it("times out the provider call with a retryable PermissionDenied (not retried by the client), and the next call asks the provider again", async () => {
    server = await startTestServer((req, res) => reply(res, req.headers["x-key"] === "fresh" ? 200 : 403, "ok"));
    let calls = 0;
    const stallOnce = (): Promise<Keys> | Keys => {
      calls++;
      return calls === 1 ? new Promise<Keys>(() => undefined) : { id: "fresh", secret: "s" };
    };
    const signing = new SigningCredentials(providedCredentialSource(stallOnce, SHAPE, Date.now, { timeoutMs: 100 }));
    const client = signingClient(signing, 1);
    expect(await outcome(client.sendBuffered(request(server.port)), 5000)).toMatchObject({ code: "PermissionDenied", retryable: true });
    expect(calls).toBe(1);
    expect(await outcome(client.sendBuffered(request(server.port)), 5000)).toBe("ok");
    expect(calls).toBe(2);
    expect(server.seen.map((r) => r.headers["x-key"])).toEqual(["fresh"]);
  }, 20_000);

  it("fails the call with that error at once, with retries left (one timeout, one provider call)", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    let calls = 0;
    const never = (): Promise<Keys> => {
      calls++;
      return new Promise<Keys>(() => undefined);
    };
    const signing = new SigningCredentials(providedCredentialSource(never, SHAPE, Date.now, { timeoutMs: 50 }));
    const result = await outcome(signingClient(signing, 1).sendBuffered(request(server.port)), 5000);
    expect(result).not.toBe("still pending");
    expect(result).toMatchObject({ code: "PermissionDenied", retryable: true, service: "test" });
    expect((result as StorageError).message).toContain("did not answer within 50 ms");
    expect(calls).toBe(1);
    expect(server.seen).toHaveLength(0);
  }, 20_000);
});
