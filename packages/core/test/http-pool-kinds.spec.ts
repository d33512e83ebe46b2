/**
 * The two connection pools of an HttpClient: GETs whose body goes to the caller as a stream (`send`)
 * take theirs from one, every other request (uploads, HEAD, buffered GETs such as listings) from
 * the other, each bounded by `maxSockets`. A body its reader leaves paused then never holds the
 * connection an upload waits for. The server is on 127.0.0.1; a hang guard (an abort) fails a call
 * that would wait for ever; nothing is timed.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { Readable } from "node:stream";
import { closeIdleConnections, keepAliveAgents } from "../src/http/agents.js";
import { HttpClient } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { startTestServer, type TestServer } from "./http-test-server.js";

const MiB = 1024 * 1024;
/** Far more than the socket buffers of both ends hold: a paused reader leaves the body on the wire. */
const BIG = Buffer.alloc(8 * MiB, 0x5a);
/** Ends a wait the pools make unnecessary; the call then fails with `Aborted`. */
const GUARD_MS = 10_000;
/** This file's pool options (its own pools: no other file's requests in them). */
const AGENT = { maxSockets: 1, maxFreeSockets: 4 };

let server: TestServer | undefined;
const held: Readable[] = [];

afterEach(async () => {
  for (const body of held.splice(0)) body.destroy();
  closeIdleConnections();
  await server?.close();
  server = undefined;
});

/** `/big` answers {@link BIG} in 256 KiB writes (honouring backpressure); anything else `ok`. */
async function start(): Promise<TestServer> {
  server = await startTestServer((req, res) => {
    if (req.url !== "/big") return void res.end("ok");
    res.writeHead(200, { "content-length": String(BIG.length) });
    let at = 0;
    const next = (): void => {
      while (at < BIG.length && !res.destroyed) {
        const chunk = BIG.subarray(at, (at += 256 * 1024));
        if (!res.write(chunk)) return void res.once("drain", next);
      }
      if (!res.destroyed) res.end();
    };
    next();
  });
  return server;
}

function client(): HttpClient {
  return new HttpClient({ service: "test", timeoutMs: 5_000, retry: { maxRetries: 0 }, agent: AGENT });
}

function call(port: number, method: string, path: string, body?: Buffer): HttpRequest {
  return { method, protocol: "http", host: "127.0.0.1", port, path, headers: {}, ...(body === undefined ? {} : { body }), operation: "test" };
}

/** Opens `/big` as a stream, takes one chunk and leaves the body paused: its connection stays busy. */
async function pausedRead(c: HttpClient, port: number): Promise<Readable> {
  const body = (await c.send(call(port, "GET", "/big"))).stream();
  held.push(body);
  body.on("error", () => undefined);
  await new Promise((resolve) => body.once("data", resolve));
  body.pause();
  return body;
}

/** Requests queued in the pool of streamed reads, waiting for a connection. */
function queuedReads(): number {
  return Object.values(keepAliveAgents(AGENT).streamed.http.requests).reduce((n, list) => n + (list?.length ?? 0), 0);
}

describe("HttpClient pools: streamed reads and everything else", () => {
  it("an upload, a HEAD and a buffered GET are not queued behind a streamed body left paused (max 1 connection)", async () => {
    const s = await start();
    const c = client();
    await pausedRead(c, s.port);
    const signal = AbortSignal.timeout(GUARD_MS);
    const put = await c.send(call(s.port, "PUT", "/a", Buffer.from("x")), { signal });
    await put.discard();
    const head = await c.sendBuffered(call(s.port, "HEAD", "/a"), { signal });
    const listing = await c.sendBuffered(call(s.port, "GET", "/list"), { signal });
    expect([put.status, head.status, listing.body.toString()]).toEqual([200, 200, "ok"]);
  });

  it("two clients with the same options share the pools: one's paused body does not hold the other's upload", async () => {
    const s = await start();
    await pausedRead(client(), s.port);
    const answer = await client().sendBuffered(call(s.port, "PUT", "/b", Buffer.from("y")), { signal: AbortSignal.timeout(GUARD_MS) });
    expect(answer.status).toBe(200);
    // The second client's streamed GET waits for the first client's body: one pool of streamed reads.
    const second = client().send(call(s.port, "GET", "/c"), { signal: AbortSignal.timeout(GUARD_MS) });
    let tries = 0;
    while (queuedReads() === 0 && tries++ < 200) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(queuedReads()).toBe(1);
    held[0]!.resume();
    expect((await (await second).buffer()).toString()).toBe("ok");
  });

  it("streamed GETs are bounded by max_connections of their own pool, and get the connection once a body is read to its end", async () => {
    const s = await start();
    const c = client();
    const first = await pausedRead(c, s.port);
    const second = c.send(call(s.port, "GET", "/d"), { signal: AbortSignal.timeout(GUARD_MS) });
    let tries = 0;
    while (queuedReads() === 0 && tries++ < 200) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(queuedReads()).toBe(1);
    let bytes = 0;
    first.on("data", (chunk: Buffer) => (bytes += chunk.length));
    first.resume();
    expect((await (await second).buffer()).toString()).toBe("ok");
    expect(bytes).toBeGreaterThan(0);
  });

  it("keep-alive: sequential calls of both kinds reuse one connection per pool", async () => {
    const ports: number[] = [];
    server = await startTestServer((req, res) => {
      ports.push(req.socket.remotePort ?? -1);
      // A length on every answer, HEAD's too (without one, Node's server closes after a HEAD).
      res.writeHead(200, { "content-length": "2" });
      res.end(req.method === "HEAD" ? undefined : "ok");
    });
    const c = client();
    for (let i = 0; i < 3; i++) {
      await (await c.send(call(server.port, "PUT", `/k${i}`, Buffer.from("z")))).discard();
      expect((await (await c.send(call(server.port, "GET", `/k${i}`))).buffer()).toString()).toBe("ok");
      await c.sendBuffered(call(server.port, "HEAD", `/k${i}`));
    }
    expect(ports).toHaveLength(9);
    expect(new Set(ports).size).toBeLessThanOrEqual(2);
  });
});
