/**
 * Statuses with no error document: a 408 (Request Timeout, a proxy's usual answer) or 425 (Too
 * Early) is a retryable `ServiceInternal`, tried again within the retry policy and no further;
 * 402, 406, 415, 422 and 451 stay `Unexpected` and are not retried. A body-less 401 says to check
 * the credential, as a 403 does.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { bareStatusHint } from "../src/http/bare-status.js";
import { HttpClient } from "../src/http/http-client.js";
import { errorCodeForStatus } from "../src/http/status-error.js";
import { request } from "./provider-keys.js";
import { failure, reply, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("errorCodeForStatus", () => {
  it.each([408, 425])("%i is ServiceInternal", (status) => {
    expect(errorCodeForStatus(status)).toBe("ServiceInternal");
  });
  it.each([402, 406, 415, 422, 451])("%i stays Unexpected", (status) => {
    expect(errorCodeForStatus(status)).toBe("Unexpected");
  });
});

describe("bareStatusHint", () => {
  it("a 401 says to check the credential, never naming an SSE-C key", () => {
    expect(bareStatusHint(401)).toBe(" (not authenticated; the answer has no body to say why: check the credential)");
  });
  it.each([408, 425])("%i says what it means", (status) => {
    expect(bareStatusHint(status)).toMatch(/^ \((request timeout|too early)/);
  });
});

describe("the HTTP client and a bare status", () => {
  const client = (): HttpClient => new HttpClient({ service: "test", retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 }, random: () => 0 });

  it.each([408, 425])("retries a bare %i within max_retries, then fails with a retryable ServiceInternal", async (status) => {
    server = await startTestServer((_req, res) => reply(res, status));
    const e = await failure(client().sendBuffered(request(server.port)));
    expect(e).toMatchObject({ code: "ServiceInternal", retryable: true, statusCode: status });
    expect(server.seen).toHaveLength(3);
  });

  it("a bare 408 then a 200 succeeds", async () => {
    server = await startTestServer((_req, res, n) => (n === 0 ? reply(res, 408) : reply(res, 200, "ok")));
    const res = await client().sendBuffered(request(server.port));
    expect(res.body.toString()).toBe("ok");
    expect(server.seen).toHaveLength(2);
  });

  it("a bare 422 is not retried", async () => {
    server = await startTestServer((_req, res) => reply(res, 422));
    const e = await failure(client().sendBuffered(request(server.port)));
    expect(e).toMatchObject({ code: "Unexpected", retryable: false, statusCode: 422 });
    expect(server.seen).toHaveLength(1);
  });
});
