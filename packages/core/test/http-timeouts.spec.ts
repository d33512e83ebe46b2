import { afterEach, describe, expect, it } from "@jest/globals";
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { closeIdleConnections } from "../src/http/agents.js";
import { HttpClient } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { rangedHttpStore } from "./ranged-http-store.js";
import { startTestServer, type TestServer } from "./http-test-server.js";

const MiB = 1024 * 1024;
/** Large enough to fill the socket buffers on both sides of a loopback connection many times over. */
const SIZE = 32 * MiB;
/** The client's request_timeout in these tests, and how long the slow reader pauses (well above it). */
const TIMEOUT_MS = 500;
const PAUSE_MS = 1200;

/** The object every server here serves: byte i is (i * 7 + (i >> 20)) mod 256 (not periodic within a MiB). */
const DATA = (() => {
  const b = Buffer.allocUnsafe(SIZE);
  for (let i = 0; i < SIZE; i++) b[i] = (i * 7 + (i >> 20)) & 0xff;
  return b;
})();
const DATA_SHA = sha(DATA);

function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

let server: TestServer | undefined;

afterEach(async () => {
  closeIdleConnections();
  await server?.close();
  server = undefined;
});

/** Sends `body` in 1 MiB writes, honouring backpressure. */
function pump(res: ServerResponse, body: Buffer): void {
  let at = 0;
  const next = (): void => {
    while (at < body.length) {
      const end = Math.min(body.length, at + MiB);
      const ok = res.write(body.subarray(at, end));
      at = end;
      if (!ok) {
        res.once("drain", next);
        return;
      }
    }
    res.end();
  };
  next();
}

/** A server for DATA that honours `Range: bytes=a-b`, healthy throughout. */
async function dataServer(): Promise<TestServer> {
  server = await startTestServer((req, res) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    const from = m ? Number(m[1]) : 0;
    const to = m ? Number(m[2]) + 1 : SIZE;
    res.writeHead(m ? 206 : 200, { "content-length": String(to - from), etag: '"v1"' });
    pump(res, DATA.subarray(from, to));
  });
  return server;
}

function client(): HttpClient {
  return new HttpClient({ service: "test", timeoutMs: TIMEOUT_MS, retry: { maxRetries: 0 } });
}

function get(port: number, headers: Record<string, string> = {}): HttpRequest {
  return { method: "GET", protocol: "http", host: "127.0.0.1", port, path: "/obj", headers, operation: "get_object" };
}

/** Reads `stream` whole, pausing `PAUSE_MS` `pauses` times (after the first chunk and then every 8 MiB). */
async function slowRead(stream: AsyncIterable<Buffer>, pauses: number): Promise<{ bytes: Buffer; error: unknown; paused: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let paused = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      size += chunk.length;
      if (paused < pauses && size >= paused * 8 * MiB) {
        paused++;
        await sleep(PAUSE_MS);
      }
    }
    return { bytes: Buffer.concat(chunks), error: undefined, paused };
  } catch (e) {
    return { bytes: Buffer.concat(chunks), error: e, paused };
  }
}

describe("request_timeout and a reader that pauses (backpressure)", () => {
  it("a response body read by a slow consumer arrives whole: its pauses are not idle time", async () => {
    const s = await dataServer();
    const res = await client().send(get(s.port));
    const { bytes, error, paused } = await slowRead(res.stream() as AsyncIterable<Buffer>, 2);
    expect(error).toBeUndefined();
    expect(paused).toBe(2);
    expect(bytes.length).toBe(SIZE);
    expect(sha(bytes)).toBe(DATA_SHA);
    expect(s.seen).toHaveLength(1);
  }, 60_000);

  it("a storager read by a slow consumer needs no resume", async () => {
    const s = await dataServer();
    const http = client();
    const { store, reads } = rangedHttpStore("slow", http, (headers) => get(s.port, headers), SIZE);
    const { bytes, error, paused } = await slowRead(store.createReadStream("obj") as AsyncIterable<Buffer>, 2);
    expect(error).toBeUndefined();
    expect(paused).toBe(2);
    expect(sha(bytes)).toBe(DATA_SHA);
    expect(reads).toHaveLength(1); // zero resumes
    expect(s.seen).toHaveLength(1);
  }, 60_000);

  it("a server that stops sending while the reader wants data still times out", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { "content-length": String(MiB) });
      res.write(DATA.subarray(0, 1000)); // then nothing more
    });
    const res = await client().send(get(server.port));
    const { bytes, error } = await slowRead(res.stream() as AsyncIterable<Buffer>, 0);
    expect(bytes.length).toBe(1000);
    expect(isStorageError(error)).toBe(true);
    expect((error as StorageError).code).toBe("ServiceInternal");
    expect((error as StorageError).retryable).toBe(true);
  }, 60_000);
});

/**
 * A listener on 127.0.0.1 that never accepts: a worker thread listens with a backlog of 1 and then
 * blocks its own event loop, and a few connections fill the accept queue, so later SYNs go
 * unanswered (Linux drops them). `release()` lets the worker go and closes everything.
 */
async function deafListener(): Promise<{ port: number; fillers: Socket[]; release: () => Promise<void> }> {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const net = require("node:net");
     const s = net.createServer(() => undefined);
     s.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
       parentPort.postMessage(s.address().port);
       Atomics.wait(new Int32Array(workerData), 0, 0, 30000); // bounded
       s.close();
       process.exit(0);
     });`,
    { eval: true, workerData: flag },
  );
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const fillers: Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    fillers.push(socket);
  }
  // Let the handshakes that fit into the queue complete.
  await sleep(200);
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  return {
    port,
    fillers,
    release: async () => {
      for (const socket of fillers) socket.destroy();
      const view = new Int32Array(flag);
      Atomics.store(view, 0, 1);
      Atomics.notify(view, 0);
      await exited;
    },
  };
}

describe("request_timeout and opening the connection", () => {
  it("bounds the TCP connect by request_timeout and says so (not the agent's 30 s)", async () => {
    const deaf = await deafListener();
    try {
      // The queue is full: a probe connection stays in 'connecting' (else this platform cannot stage the test).
      expect(deaf.fillers.some((s) => s.connecting)).toBe(true);
      const guard = new AbortController();
      const timer = setTimeout(() => guard.abort(new Error("guard")), 10_000);
      const error = await client()
        .sendBuffered(get(deaf.port), { signal: guard.signal })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      clearTimeout(timer);
      expect(isStorageError(error)).toBe(true);
      const e = error as StorageError;
      expect(e.code).toBe("ServiceInternal"); // not Aborted by the 10 s guard
      expect(e.retryable).toBe(true);
      expect(e.message).toContain("ESTOWAGE_CONNECT_TIMEOUT");
      expect(e.message).toContain(`could not connect within ${TIMEOUT_MS} ms`);
      expect(e.message).not.toContain("no activity");
    } finally {
      await deaf.release();
    }
  }, 60_000);

  it("retries a connect timeout even for a non-idempotent request: nothing was sent", async () => {
    const deaf = await deafListener();
    try {
      let attempts = 0;
      let uploaded = 0;
      const c = new HttpClient({
        service: "test",
        timeoutMs: TIMEOUT_MS,
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
        random: () => 0,
        sign: () => void attempts++,
      });
      const guard = AbortSignal.timeout(10_000);
      const error = await c
        .sendBuffered({ ...get(deaf.port), method: "POST", body: Buffer.from("x") }, { idempotent: false, signal: guard, onUploadProgress: (n) => (uploaded += n) })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isStorageError(error, "ServiceInternal")).toBe(true);
      expect((error as StorageError).message).toContain("ESTOWAGE_CONNECT_TIMEOUT");
      expect(attempts).toBe(2);
      expect(uploaded).toBe(0);
    } finally {
      await deaf.release();
    }
  }, 60_000);
});
