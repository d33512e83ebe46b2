/**
 * A request sent with a grace signal (io/abort.ts graceSignal: a multipart Initiate or Complete
 * whose caller aborted may still answer) is never retried once its caller aborted: the attempt in
 * flight may answer, but a new one would be a request made after the abort.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { HttpClient } from "../src/http/http-client.js";
import { graceSignal } from "../src/io/abort.js";
import { reply, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const GRACE_MS = 10_000;

function client(baseDelayMs: number): HttpClient {
  return new HttpClient({ service: "test", requestIdHeader: "x-request-id", retry: { maxRetries: 3, baseDelayMs, maxDelayMs: baseDelayMs }, random: () => 1 });
}

describe("HttpClient: no retry within a grace after the caller aborted", () => {
  it("an attempt that fails after the caller's abort is not retried: Aborted, one request", async () => {
    const caller = new AbortController();
    // The first attempt's answer is lost (connection reset) just after the caller aborted.
    server = await startTestServer((_req, res, n) => {
      if (n === 0) {
        caller.abort();
        setImmediate(() => res.destroy());
      } else reply(res, 200, "<id/>");
    });
    const grace = graceSignal(caller.signal, GRACE_MS);
    try {
      const sent = client(1).sendBuffered({ method: "POST", protocol: "http", host: "127.0.0.1", port: server.port, path: "/k?uploads", headers: {}, body: Buffer.alloc(0), operation: "initiate_multipart_upload" }, { signal: grace.signal });
      await expect(sent).rejects.toMatchObject({ code: "Aborted" });
    } finally {
      grace.release();
    }
    expect(server.seen).toHaveLength(1);
  });

  it("the wait before a retry ends at the caller's abort: Aborted, no second request", async () => {
    const caller = new AbortController();
    server = await startTestServer((_req, res, n) => reply(res, n === 0 ? 503 : 200, n === 0 ? "busy" : "ok"));
    const grace = graceSignal(caller.signal, GRACE_MS);
    try {
      // A retry delay longer than the grace: before the fix the retry went out when it ended.
      const sent = client(GRACE_MS / 2).sendBuffered({ method: "GET", protocol: "http", host: "127.0.0.1", port: server.port, path: "/x", headers: {}, operation: "get_object" }, { signal: grace.signal });
      const first = server.seen.length;
      while (server.seen.length === first) await new Promise((r) => setTimeout(r, 5));
      caller.abort();
      await expect(sent).rejects.toMatchObject({ code: "Aborted" });
    } finally {
      grace.release();
    }
    expect(server.seen).toHaveLength(1);
  });

  it("without an abort the same request is retried as before", async () => {
    server = await startTestServer((_req, res, n) => reply(res, n === 0 ? 503 : 200, n === 0 ? "busy" : "ok"));
    const caller = new AbortController();
    const grace = graceSignal(caller.signal, GRACE_MS);
    try {
      const res = await client(1).sendBuffered({ method: "GET", protocol: "http", host: "127.0.0.1", port: server.port, path: "/x", headers: {}, operation: "get_object" }, { signal: grace.signal });
      expect(res.body.toString()).toBe("ok");
    } finally {
      grace.release();
    }
    expect(server.seen).toHaveLength(2);
  });
});
