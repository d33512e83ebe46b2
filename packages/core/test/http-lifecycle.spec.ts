import { afterEach, describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { HttpClient } from "../src/http/http-client.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { reply, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request = (port: number, path = "/x"): HttpRequest => ({ method: "GET", protocol: "http", host: "127.0.0.1", port, path, headers: {} });
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("http: sockets are never held by a reader that stopped", () => {
  it("a body paused by its reader after it all arrived, then destroyed, frees its socket for the next request", async () => {
    const body = Buffer.alloc(330 * 1024, 7); // small enough to arrive whole while the reader is paused
    server = await startTestServer((_req, res) => reply(res, 200, body));
    const client = new HttpClient({ service: "t", timeoutMs: 1000, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }, agent: { maxSockets: 1 } });
    const res = await client.send(request(server.port));
    const stream = res.stream();
    await new Promise<void>((resolve) => stream.once("data", () => (stream.pause(), resolve())));
    await wait(200); // the rest arrives and waits, paused
    stream.destroy();
    // With one socket per host, the next request needs that socket back (or a new one).
    const next = await client.sendBuffered(request(server.port, "/y"), { signal: AbortSignal.timeout(5000) });
    expect(next.body.length).toBe(body.length);
  });

  it("a small body that arrived whole and is destroyed unread gives its socket back to the pool", async () => {
    const ports = new Set<number>();
    server = await startTestServer((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      reply(res, 200, "x");
    });
    const client = new HttpClient({ service: "t", retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }, agent: { maxSockets: 1 } });
    for (let i = 0; i < 50; i++) {
      const res = await client.send(request(server.port, `/${i}`));
      await wait(1); // the one byte arrives
      res.stream().destroy();
    }
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it("fromHead: a head that cannot be read frees the unread body's socket; one that can leaves the body to read", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, Buffer.alloc(1024 * 1024, 1)));
    const client = new HttpClient({ service: "t", timeoutMs: 60_000, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }, agent: { maxSockets: 1 } });
    const refused = await client.send(request(server.port));
    const bad = storageError(ErrorCode.Unexpected, "no size");
    expect(() =>
      refused.fromHead(() => {
        throw bad;
      }),
    ).toThrow(bad);
    // With one socket per host and a 1 MiB body never read, the next request gets a socket only because fromHead let it go.
    const next = await client.send(request(server.port, "/y"), { signal: AbortSignal.timeout(5000) });
    expect(next.fromHead(() => next.status)).toBe(200);
    let read = 0;
    for await (const piece of next.stream()) read += (piece as Buffer).length;
    expect(read).toBe(1024 * 1024);
  });

  it("a request waiting for a free socket ends when its signal aborts, or at once when it already had", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, Buffer.alloc(1024 * 1024, 1)));
    const client = new HttpClient({ service: "t", timeoutMs: 60_000, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }, agent: { maxSockets: 1 } });
    const held = await client.send(request(server.port)); // its body is never read: the only socket stays busy
    const queued = client.send(request(server.port, "/y"), { signal: AbortSignal.timeout(300) });
    await expect(queued).rejects.toMatchObject({ code: "Aborted" });
    const controller = new AbortController();
    controller.abort();
    await expect(client.send(request(server.port, "/z"), { signal: controller.signal })).rejects.toMatchObject({ code: "Aborted" });
    held.stream().destroy();
  });
});

describe("http: what counts as an attempt that may have acted", () => {
  it("a 200 that validate refuses (an error document) may have acted; the retry's answer says so", async () => {
    server = await startTestServer((_req, res, n) => reply(res, 200, n === 0 ? "<Error>InternalError</Error>" : "<Ok/>"));
    const client = new HttpClient({ service: "t", retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const res = await client.sendBuffered(
      { ...request(server.port), method: "POST", body: Buffer.from("<Complete/>") },
      { validate: (r) => (r.body.toString().startsWith("<Error>") ? storageError(ErrorCode.ServiceInternal, "an error document in a 200", { retryable: true }) : undefined) },
    );
    expect([res.attempts, res.earlierAttemptMayHaveApplied]).toEqual([2, true]);
  });
});

describe("credentials due for renewal but still valid", () => {
  it("are served at once while a provider that has not answered yet is asked in the background", async () => {
    let now = 0;
    let calls = 0;
    let release: (creds: { id: string; secret: string; expiration?: number }) => void = () => undefined;
    const source = providedCredentialSource<{ id: string; secret: string; expiration?: number }>(
      () => {
        calls++;
        return calls === 1 ? { id: "a", secret: "s", expiration: 10 * 60 * 1000 } : new Promise((resolve) => (release = resolve));
      },
      { keys: ["id", "secret"] },
      () => now,
    );
    expect((await source.get()).id).toBe("a");
    now = 6 * 60 * 1000; // inside the 5-minute renewal margin
    // Were these calls to wait for the provider, they would never resolve (and the test would time out).
    expect((await source.get()).id).toBe("a");
    expect((await source.get()).id).toBe("a");
    expect(calls).toBe(2); // one renewal, shared
    release({ id: "b", secret: "s", expiration: 20 * 60 * 1000 });
    await wait(0);
    expect((await source.get()).id).toBe("b");
  });
});
