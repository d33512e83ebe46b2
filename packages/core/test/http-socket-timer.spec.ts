/**
 * A request's idle timer is set once per request now (issue 4): the `timeout` option node puts on
 * every socket it assigns, no second `req.setTimeout`. Except where the timeout equals the agents'
 * own idle timeout (30 s): node then leaves a pooled socket's timer as it is, and that may be the
 * shorter one a server's `Keep-Alive: timeout=N` hint gave it (N − 1 s) when the socket went back to
 * the pool; the request sets its timer itself there. These specs hold a pooled socket that carries
 * such a hint to the request's own timeout, whatever it is.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { setTimeout as sleep } from "node:timers/promises";
import { isStorageError } from "../src/errors/storage-error.js";
import { closeIdleConnections } from "../src/http/agents.js";
import { HttpClient } from "../src/http/http-client.js";
import { startTestServer, type TestServer } from "./http-test-server.js";

/** The agents' idle timeout for pooled sockets (agents.ts `IDLE_SOCKET_MS`). */
const AGENT_IDLE_MS = 30_000;

let server: TestServer | undefined;
/** The client port of each request the server answered: one port, one connection. */
let ports: Array<number | undefined> = [];

afterEach(async () => {
  closeIdleConnections();
  await server?.close();
  server = undefined;
  ports = [];
});

/**
 * Answers at once with `Keep-Alive: timeout=2` (node's agent then gives the socket it pools a
 * 1-second timer), and every later request only after `delayMs` of silence.
 */
async function hintingServer(delayMs: number): Promise<TestServer> {
  return startTestServer(async (req, res, n) => {
    ports.push(req.socket.remotePort);
    if (n > 0) await sleep(delayMs, undefined, { ref: false });
    res.setHeader("keep-alive", "timeout=2");
    res.end("ok");
  });
}

/** Two GETs in a row on one client: the second goes over the socket the first left in the pool. */
async function twoGets(timeoutMs: number): Promise<{ first: string; second: unknown }> {
  const client = new HttpClient({ service: "test", timeoutMs, retry: { maxRetries: 0 } });
  const request = { method: "GET", protocol: "http" as const, host: "127.0.0.1", port: server!.port, path: "/", headers: {} };
  const first = await client.sendBuffered(request);
  expect(first.header("keep-alive")).toBe("timeout=2");
  const second = await client.sendBuffered(request).then(
    (r) => r.body.toString(),
    (e: unknown) => e,
  );
  return { first: first.body.toString(), second };
}

describe("the idle timer of a request on a pooled socket", () => {
  it("is the request's own timeout when that equals the agents' (not a server's shorter keep-alive hint)", async () => {
    server = await hintingServer(1600);
    const { first, second } = await twoGets(AGENT_IDLE_MS);
    expect(first).toBe("ok");
    expect(second).toBe("ok");
    // One connection: the second request did go over the pooled socket.
    expect(ports).toHaveLength(2);
    expect(ports[1]).toBe(ports[0]);
  });

  it("is the request's own timeout when that differs from the agents'", async () => {
    server = await hintingServer(1600);
    const { second } = await twoGets(5_000);
    expect(second).toBe("ok");
  });

  it("still ends a silent answer after the request's timeout, on a pooled socket", async () => {
    server = await hintingServer(1600);
    const { second } = await twoGets(400);
    expect(isStorageError(second)).toBe(true);
    expect((second as { cause?: { code?: string } }).cause?.code).toBe("ESTOWAGE_TIMEOUT");
  });
});
