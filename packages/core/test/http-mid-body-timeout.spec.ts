/**
 * A body that stops arriving half way (the server goes silent) fails after `timeoutMs` without a
 * byte with a message that says so (`ESTOWAGE_TIMEOUT`, "no activity"), not as a closed
 * connection; the code and the retry are those of any broken body (retryable `ServiceInternal`).
 * The server is on 127.0.0.1 and never finishes the body; the test waits for the typed error.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { HttpClient } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { failure, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that sends the head and 3 of 10 body bytes, then nothing more. */
async function stalling(): Promise<TestServer> {
  server = await startTestServer((_req, res) => {
    res.writeHead(200, { "content-length": "10" });
    res.write("abc");
  });
  return server;
}

const get = (port: number): HttpRequest => ({ method: "GET", protocol: "http", host: "127.0.0.1", port, path: "/obj", headers: {}, operation: "get_object" });

describe("an idle timeout in the middle of a response body", () => {
  it("says it timed out when the whole body is read (sendBuffered), and is retried like a broken body", async () => {
    const s = await stalling();
    const e = await failure(new HttpClient({ service: "test", timeoutMs: 200, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 } }).sendBuffered(get(s.port)));
    expect([e.code, e.retryable, s.seen.length]).toEqual(["ServiceInternal", true, 2]);
    expect(e.message).toContain("ESTOWAGE_TIMEOUT");
    expect(e.message).toContain("no activity on the connection for 200 ms");
    expect(e.message).not.toContain("ECONNRESET");
  });

  it("says it timed out on a streamed body", async () => {
    const s = await stalling();
    const res = await new HttpClient({ service: "test", timeoutMs: 200, retry: { maxRetries: 0 } }).send(get(s.port));
    const e = await failure(
      (async () => {
        for await (const _chunk of res.stream()) void _chunk;
      })(),
    );
    expect([e.code, e.retryable]).toEqual(["ServiceInternal", true]);
    expect(e.message).toContain("ESTOWAGE_TIMEOUT");
    expect(e.message).not.toContain("the connection closed before the whole body arrived");
  });
});
