import { afterEach, describe, expect, it } from "@jest/globals";
import { randomFillSync } from "node:crypto";
import { Readable } from "node:stream";
import { closeIdleConnections } from "../src/http/agents.js";
import { HttpClient } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { progressListenerError } from "../src/storager/progress-reporter.js";
import { failure, reply, startTestServer, type TestServer } from "./http-test-server.js";

const MiB = 1024 * 1024;
let server: TestServer | undefined;

afterEach(async () => {
  closeIdleConnections();
  await server?.close();
  server = undefined;
});

function put(port: number, body: Buffer | Readable, length: number): HttpRequest {
  return { method: "PUT", protocol: "http", host: "127.0.0.1", port, path: "/k", headers: { "content-length": String(length) }, body, operation: "put_thing" };
}

function counted(): { client: HttpClient; attempts: () => number } {
  let n = 0;
  const client = new HttpClient({ service: "test", timeoutMs: 5000, retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 }, random: () => 0, sign: () => void n++ });
  return { client, attempts: () => n };
}

describe("HttpClient: an upload progress listener that throws", () => {
  it("fails a large Buffer upload with the listener's error, tears the request down and does not retry", async () => {
    server = await startTestServer((_req, res) => reply(res, 200));
    const { client, attempts } = counted();
    const bug = new Error("listener bug");
    const calls: number[] = [];
    const e = await failure(
      client.sendBuffered(put(server.port, randomFillSync(Buffer.alloc(8 * MiB)), 8 * MiB), {
        onUploadProgress: (n) => {
          calls.push(n);
          throw bug;
        },
      }),
    );
    expect(e.code).toBe("Unexpected");
    expect((e.cause as Error).message).toBe("listener bug");
    expect(attempts()).toBe(1);
    expect(calls).toHaveLength(1);
    expect(server.seen).toHaveLength(0); // the body never arrived whole
  }, 30_000);

  it("passes a StorageError it throws on as is (what core's progress reporter throws)", async () => {
    server = await startTestServer((_req, res) => reply(res, 200));
    const { client, attempts } = counted();
    const thrown = progressListenerError(new Error("listener bug"));
    const e = await failure(
      client.sendBuffered(put(server.port, Buffer.alloc(100), 100), {
        onUploadProgress: () => {
          throw thrown;
        },
      }),
    );
    expect(e.code).toBe("Unexpected");
    expect(e.detail).toContain("the onProgress listener threw: listener bug");
    expect(attempts()).toBe(1);
  }, 30_000);

  it("fails a stream upload the same way, the stream unpiped", async () => {
    server = await startTestServer((_req, res) => reply(res, 200));
    const { client, attempts } = counted();
    const data = randomFillSync(Buffer.alloc(2 * MiB));
    const body = Readable.from([data.subarray(0, MiB), data.subarray(MiB)], { objectMode: false });
    const bug = new Error("listener bug");
    const e = await failure(
      client.sendBuffered(put(server.port, body, data.length), {
        onUploadProgress: () => {
          throw bug;
        },
      }),
    );
    expect(e.code).toBe("Unexpected");
    expect((e.cause as Error).message).toBe("listener bug");
    expect(attempts()).toBe(1);
    // Once the torn-down request closed, nothing of it listens to the body any more.
    for (let i = 0; i < 100 && body.listenerCount("data") > 0; i++) await new Promise((r) => setImmediate(r));
    expect(body.listenerCount("data")).toBe(0);
    body.destroy();
  }, 30_000);
});
