/**
 * The connection pool under readers that stop reading: a body left paused holds its connection only
 * until the paused-body bound, so a call waiting for a pooled connection gets one; no timer fails a
 * call queued behind slow but healthy transfers, and a queued call does not read its stream body. Every server is on 127.0.0.1; the bounds are small
 * and the tests wait for the typed error, never measure time.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { createHash } from "node:crypto";
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { closeIdleConnections } from "../src/http/agents.js";
import { HttpClient, type HttpClientOptions } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { rangedHttpStore } from "./ranged-http-store.js";
import { failure, startTestServer, type TestServer } from "./http-test-server.js";

const MiB = 1024 * 1024;
/** Far more than the socket buffers of both ends hold, so a paused reader leaves the body on the wire. */
const SIZE = 8 * MiB;
const DATA = (() => {
  const b = Buffer.allocUnsafe(SIZE);
  for (let i = 0; i < SIZE; i++) b[i] = (i * 13 + (i >> 16)) & 0xff;
  return b;
})();
const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
/** Ends a wait that the fix makes unnecessary; an `Aborted` failure means the bound never came. */
const GUARD_MS = 10_000;

let server: TestServer | undefined;
/** Response bodies a test left paused: destroyed after it. */
const held: Readable[] = [];
/** Resolved as the server sees a connection close, one per connection in order. */
let closes: Array<Promise<void>> = [];

afterEach(async () => {
  for (const s of held.splice(0)) s.destroy();
  closeIdleConnections();
  await server?.close();
  server = undefined;
  closes = [];
});

/** Sends `body` in 256 KiB writes, honouring backpressure (a write after the socket closed is dropped). */
function pump(res: ServerResponse, body: Buffer): void {
  let at = 0;
  const next = (): void => {
    while (at < body.length && !res.destroyed) {
      const end = Math.min(body.length, at + 256 * 1024);
      const ok = res.write(body.subarray(at, end));
      at = end;
      if (!ok) {
        res.once("drain", next);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  next();
}

/** A server for DATA (`Range: bytes=a-b` honoured) and for `/small` (two bytes). */
async function dataServer(): Promise<TestServer> {
  server = await startTestServer((req, res) => {
    closes.push(new Promise<void>((resolve) => req.socket.once("close", () => resolve())));
    if (req.url === "/small") {
      res.writeHead(200, { "content-length": "2" });
      res.end("ok");
      return;
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    const from = m ? Number(m[1]) : 0;
    const to = m ? Number(m[2]) + 1 : SIZE;
    res.writeHead(m ? 206 : 200, { "content-length": String(to - from), etag: '"v1"' });
    pump(res, DATA.subarray(from, to));
  });
  return server;
}

function client(options: Partial<HttpClientOptions>): HttpClient {
  return new HttpClient({ service: "test", retry: { maxRetries: 0 }, ...options });
}

function get(port: number, path = "/obj", headers: Record<string, string> = {}): HttpRequest {
  return { method: "GET", protocol: "http", host: "127.0.0.1", port, path, headers, operation: "get_object" };
}

/**
 * Opens the body of `/obj` (a GET: over the pool of streamed reads; another method: over the other
 * pool), takes its first chunk and leaves it paused (kept in {@link held}).
 */
async function readOnceAndPause(c: HttpClient, port: number, method = "GET"): Promise<Readable> {
  const body = (await c.send({ ...get(port), method })).stream();
  held.push(body);
  // A raw HttpClient body: its paused-bound error would be uncaught without a listener (a storager
  // read stream listens itself, and resumes).
  body.on("error", () => undefined);
  await once(body, "data");
  body.pause();
  return body;
}

describe("a call waiting for a pooled connection", () => {
  it("gets one once the paused-body bound frees the connections dropped, paused bodies hold", async () => {
    const s = await dataServer();
    const c = client({ timeoutMs: 5_000, pausedTimeoutMs: 200, agent: { maxSockets: 2 } });
    await readOnceAndPause(c, s.port);
    await readOnceAndPause(c, s.port);
    const answer = await c.sendBuffered(get(s.port, "/small"), { signal: AbortSignal.timeout(GUARD_MS) });
    expect(answer.body.toString()).toBe("ok"); // not Aborted by the guard
    await Promise.all(closes.slice(0, 2));
  });

  it("is not failed by request_timeout while the busy connections make progress (a slow transfer ahead of it)", async () => {
    server = await startTestServer((req, res) => {
      if (req.url !== "/slow") return void res.end("ok");
      // One byte every 50 ms for 1 s: never idle for request_timeout (300 ms), yet busy for longer.
      res.writeHead(200, { "content-length": "20" });
      let n = 0;
      const tick = setInterval(() => {
        res.write("x");
        if (++n === 20) {
          clearInterval(tick);
          res.end();
        }
      }, 50);
      res.once("close", () => clearInterval(tick));
    });
    const c = client({ timeoutMs: 300, agent: { maxSockets: 1 } });
    const [slow, queued] = await Promise.all([c.sendBuffered(get(server.port, "/slow")), c.sendBuffered(get(server.port, "/small"), { signal: AbortSignal.timeout(GUARD_MS) })]);
    expect([slow.body.length, queued.body.toString()]).toEqual([20, "ok"]);
  });

  it("does not read a stream body before it has a connection, so an abort while queued leaves the stream whole", async () => {
    const s = await dataServer();
    const c = client({ timeoutMs: 5_000, pausedTimeoutMs: 60_000, agent: { maxSockets: 1 } });
    // The POST's own pool is held (a streamed GET would hold the other one).
    await readOnceAndPause(c, s.port, "POST");
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(64 * 1024, 7));
    const controller = new AbortController();
    const sent = failure(c.sendBuffered({ ...get(s.port, "/small"), method: "POST", body: source }, { idempotent: false, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect((await sent).code).toBe("Aborted");
    expect(source.readableLength).toBe(64 * 1024);
    expect(source.listenerCount("data")).toBe(0);
    expect(s.seen).toHaveLength(1);
    source.destroy();
  });

  it("gets a connection freed while it waits (bodies read to their end)", async () => {
    const s = await dataServer();
    const c = client({ timeoutMs: 5_000, agent: { maxSockets: 1 } });
    const answers = await Promise.all([0, 1, 2].map(() => c.sendBuffered(get(s.port, "/small"))));
    expect(answers.map((a) => a.body.toString())).toEqual(["ok", "ok", "ok"]);
  });
});

describe("a response body its reader leaves paused", () => {
  it("fails with a retryable error once paused longer than the paused-body bound, and its connection is closed", async () => {
    const s = await dataServer();
    const c = client({ timeoutMs: 5_000, pausedTimeoutMs: 200, agent: { maxSockets: 4 } });
    const body = await readOnceAndPause(c, s.port);
    const guard = AbortSignal.timeout(GUARD_MS);
    const error = await Promise.race([once(body, "error").then(([e]) => e as unknown), once(guard, "abort").then(() => "still held")]);
    expect(isStorageError(error)).toBe(true);
    const e = error as StorageError;
    expect(e.code).toBe("ServiceInternal");
    expect(e.retryable).toBe(true);
    expect(e.message).toContain("ESTOWAGE_PAUSED_TIMEOUT");
    await closes[0];
    // The pool has the connection back: a call needs no more than the one free slot.
    expect((await c.sendBuffered(get(s.port, "/small"))).body.toString()).toBe("ok");
  });

  it("is resumed where it stopped by a storager read stream whose reader comes back", async () => {
    const s = await dataServer();
    const http = client({ timeoutMs: 5_000, pausedTimeoutMs: 200, agent: { maxSockets: 5 } });
    const { store, reads } = rangedHttpStore("paused", http, (headers) => get(s.port, "/obj", headers), SIZE);
    const chunks: Buffer[] = [];
    let waited = "";
    for await (const chunk of store.createReadStream("obj") as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      if (chunks.length === 1) {
        // Paused (not reading) until the client closed the first connection for it.
        waited = await Promise.race([closes[0]!.then(() => "closed"), once(AbortSignal.timeout(GUARD_MS), "abort").then(() => "still held")]);
      }
    }
    expect(waited).toBe("closed");
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBe(SIZE);
    expect(sha(bytes)).toBe(sha(DATA));
    expect(reads).toHaveLength(2);
    expect(reads[1]!.offset).toBeGreaterThan(0);
  });
});
