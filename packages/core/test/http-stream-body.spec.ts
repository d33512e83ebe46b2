import { afterEach, describe, expect, it } from "@jest/globals";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { storageError } from "../src/errors/storage-error.js";
import { closeIdleConnections } from "../src/http/agents.js";
import { HttpClient } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { failure, reply, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;
let raw: Server | undefined;

afterEach(async () => {
  closeIdleConnections();
  await server?.close();
  server = undefined;
  if (raw !== undefined) {
    raw.closeAllConnections();
    await new Promise((resolve) => raw!.close(resolve));
    raw = undefined;
  }
});

function put(port: number, body: Readable, length: number): HttpRequest {
  return { method: "PUT", protocol: "http", host: "127.0.0.1", port, path: "/k", headers: { "content-length": String(length) }, body, operation: "put_thing" };
}

/**
 * A client whose `sign` hook counts attempts (and tells `onSign` each attempt's number); its idle
 * timeout is long enough that waiting on one would show.
 */
function counted(onSign?: (attempt: number) => void): { client: HttpClient; attempts: () => number } {
  let n = 0;
  const client = new HttpClient({
    service: "test",
    timeoutMs: 5000,
    retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    random: () => 0,
    sign: () => {
      n++;
      onSign?.(n);
    },
  });
  return { client, attempts: () => n };
}


describe("HttpClient: a one-shot stream body whose source fails", () => {
  it("surfaces the source's own error before its first byte, without retrying", async () => {
    server = await startTestServer((_req, res) => reply(res, 200));
    const { client, attempts } = counted();
    // e.g. the read stream of another storage whose first GET was throttled.
    const body = new Readable({
      read() {
        this.destroy(storageError("RequestThrottled", "upstream read throttled", { service: "source" }));
      },
    });
    const e = await failure(client.sendBuffered(put(server.port, body, 100)));
    expect(e.code).toBe("RequestThrottled");
    expect(e.detail).toBe("upstream read throttled");
    expect(e.service).toBe("source");
    expect(attempts()).toBe(1);
  }, 30_000);

  it("wraps a raw source error as a non-retryable Unexpected naming it", async () => {
    server = await startTestServer((_req, res) => reply(res, 200));
    const { client, attempts } = counted();
    const body = new Readable({
      read() {
        this.destroy(Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" }));
      },
    });
    const e = await failure(client.send(put(server.port, body, 100)));
    expect(e).toMatchObject({ code: "Unexpected", retryable: false, service: "test" });
    expect(e.detail).toContain("EIO: i/o error, read");
    expect(attempts()).toBe(1);
  }, 30_000);

  it("does not send a body stream that is already spent, and reports why", async () => {
    server = await startTestServer((_req, res) => reply(res, 200));
    const { client } = counted();
    const ended = Readable.from([Buffer.from("abc")]);
    for await (const _ of ended) void _;
    const e1 = await failure(client.send(put(server.port, ended, 3)));
    expect(e1.code).toBe("Unexpected");
    expect(e1.detail).toContain("already consumed or destroyed");
    const failed = new Readable({ read() {} });
    failed.on("error", () => undefined);
    failed.destroy(storageError("ObjectNotExist", "source object gone"));
    const e2 = await failure(client.send(put(server.port, failed, 3)));
    expect(e2.code).toBe("ObjectNotExist");
    expect(server.seen).toHaveLength(0);
  }, 30_000);
});

describe("HttpClient: a one-shot stream body sent again", () => {
  it("reports upload progress once per byte after a retry (no listeners of the failed attempt left)", async () => {
    const bodies: string[] = [];
    let connections = 0;
    raw = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        bodies.push(Buffer.concat(chunks).toString());
        res.writeHead(200, { "content-length": "0" });
        res.end();
      });
    });
    // The first connection is reset at once, before the body gave a byte: that attempt is retried.
    raw.on("connection", (socket) => {
      if (++connections === 1) socket.destroy();
    });
    await new Promise<void>((resolve) => raw!.listen(0, "127.0.0.1", resolve));
    const port = (raw.address() as AddressInfo).port;
    // The body's first part waits until the client signs its second attempt, that is, until the
    // client itself saw the first one fail (not a fixed time, which a busy event loop outruns).
    let secondAttempt!: () => void;
    const retried = new Promise<void>((resolve) => (secondAttempt = resolve));
    async function* parts(): AsyncGenerator<Buffer> {
      await retried;
      for (const p of ["hello ", "world ", "again"]) {
        await sleep(60);
        yield Buffer.from(p);
      }
    }
    const body = Readable.from(parts(), { objectMode: false });
    const progress: number[] = [];
    const { client, attempts } = counted((n) => {
      if (n === 2) secondAttempt();
    });
    const res = await client.sendBuffered(put(port, body, 17), { onUploadProgress: (n) => progress.push(n) });
    expect(res.status).toBe(200);
    expect(attempts()).toBe(2);
    expect(bodies).toEqual(["hello world again"]);
    expect(progress).toEqual([6, 12, 17]);
    expect(body.listenerCount("data")).toBe(0);
  }, 30_000);
});
