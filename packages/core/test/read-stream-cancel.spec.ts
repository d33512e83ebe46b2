import { afterEach, describe, expect, it } from "@jest/globals";
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { DriverCallOptions, DriverReadResult, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { defineFeatures } from "../src/features.js";
import { keepAliveAgents } from "../src/http/agents.js";
import { HttpClient } from "../src/http/http-client.js";
import { httpPairs } from "../src/http/http-pairs.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";
import { startTestServer, type TestServer } from "./http-test-server.js";

// Pool settings no other client in this file's process uses: the agents are this file's own.
const AGENT = { maxSockets: 7, maxFreeSockets: 3 };
const SIZE = 64 * 1024;

/** A one-object HTTP driver over core's HttpClient: stat is a HEAD, read a GET (with Range), as a service driver does. */
class HttpDriver implements StorageDriver {
  readonly service = "http";
  readonly name = "bucket";
  readonly features = defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, readRange: true });
  constructor(
    private readonly client: HttpClient,
    private readonly port: number,
  ) {}

  private request(method: string, key: string, headers: Record<string, string> = {}): HttpRequest {
    return { method, protocol: "http", host: "127.0.0.1", port: this.port, path: `/${key}`, headers };
  }

  async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
    const res = await this.client.sendBuffered(this.request("HEAD", key), { signal: options.signal });
    return { key, mode: key.endsWith("/") ? "dir" : "file", size: Number(res.headers["content-length"] ?? 0) };
  }

  async read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
    const offset = range.offset ?? 0;
    const headers: Record<string, string> = offset > 0 || range.size !== undefined ? { range: `bytes=${offset}-${range.size === undefined ? "" : offset + range.size - 1}` } : {};
    const res = await this.client.send(this.request("GET", key, headers), { signal: options.signal });
    return { stream: res.stream(), object: { key, mode: "file", size: SIZE, etag: '"e1"' } };
  }

  async write(): Promise<object> {
    return {};
  }
  async delete(): Promise<void> {}
  async listPage(): Promise<{ items: RawObject[] }> {
    return { items: [] };
  }
}

let server: TestServer | undefined;
/** Responses the server holds (never answered unless a test does). */
let held: ServerResponse[] = [];
/** Connections the server saw close. */
let closed = 0;

afterEach(async () => {
  for (const res of held) res.destroy();
  held = [];
  closed = 0;
  await server?.close();
  server = undefined;
});

/** A server that holds every request for which `answer` returns false (its connection's close is counted). */
async function holdingServer(answer: (res: ServerResponse, n: number) => boolean = () => false): Promise<TestServer> {
  server = await startTestServer((req, res, n) => {
    req.socket.once("close", () => closed++);
    if (!answer(res, n)) held.push(res);
  });
  return server;
}

/** A storager over an {@link HttpDriver}: `timeoutMs` per attempt, `maxRetries` retries 1 ms apart. */
function openHttp(port: number, timeoutMs: number, maxRetries: number): Storager {
  const client = new HttpClient({ service: "http", timeoutMs, retry: { maxRetries, baseDelayMs: 1, maxDelayMs: 1 }, agent: AGENT });
  const driver = new HttpDriver(client, port);
  const definition: ServiceDefinition = { type: "http", packageName: "http", description: "test", pairs: { ...httpPairs }, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, "http://bucket/?retry_base_delay=0", "storager");
  return createStorager(driver, { ...resolved, definition });
}

/** Sockets of this file's agents (streamed reads' pool and the other one) that carry a request. */
function busySockets(): number {
  const agents = keepAliveAgents(AGENT);
  return [agents.http, agents.streamed.http].reduce((n, agent) => n + Object.values(agent.sockets).reduce((m, list) => m + (list?.length ?? 0), 0), 0);
}

/** Polls `done` every 10 ms, at most `tries` times; true once it held. */
async function eventually(done: () => boolean, tries = 200): Promise<boolean> {
  for (let i = 0; i < tries && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return done();
}

/** Opens `stream`, waits until the server holds `requests` requests, destroys it and waits for its close. */
async function destroyWhileHeld(stream: Readable, requests: number): Promise<void> {
  const errors: unknown[] = [];
  stream.on("error", (e) => errors.push(e));
  stream.resume();
  expect(await eventually(() => held.length === requests)).toBe(true);
  await new Promise<void>((resolve) => {
    stream.once("close", resolve);
    stream.destroy();
  });
  expect(errors).toEqual([]);
}

describe("a read stream destroyed before the service answered cancels its request", () => {
  // A request timeout longer than the test waits: only a cancelled request gives its socket back.
  it("the first GET: its connection closes and no socket stays busy", async () => {
    const { port } = await holdingServer();
    await destroyWhileHeld(openHttp(port, 60_000, 3).createReadStream("obj"), 1);
    expect(await eventually(() => busySockets() === 0 && closed === 1)).toBe(true);
    expect(server!.seen.map((r) => r.method)).toEqual(["GET"]);
  });

  it("the first GET is not retried once the stream is gone (short request timeout, retries left)", async () => {
    const { port } = await holdingServer();
    await destroyWhileHeld(openHttp(port, 150, 3).createReadStream("obj"), 1);
    // Four attempts would have been sent by now (150 ms apart) had the GET lived on.
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(server!.seen.length).toBe(1);
    expect(busySockets()).toBe(0);
  });

  it("the stat of a 0-byte read", async () => {
    const { port } = await holdingServer();
    await destroyWhileHeld(openHttp(port, 60_000, 3).createReadStream("obj", { size: 0 }), 1);
    expect(await eventually(() => busySockets() === 0 && closed === 1)).toBe(true);
    expect(server!.seen.map((r) => r.method)).toEqual(["HEAD"]);
  });

  it("the stat of a dir/ read", async () => {
    const { port } = await holdingServer();
    await destroyWhileHeld(openHttp(port, 60_000, 3).createReadStream("dir/"), 1);
    expect(await eventually(() => busySockets() === 0 && closed === 1)).toBe(true);
    expect(server!.seen.map((r) => r.method)).toEqual(["HEAD"]);
  });

  it("the ranged GET that resumes a broken body", async () => {
    // The first GET announces the whole object, sends 1 KiB and breaks: the rest is asked for, and held.
    const { port } = await holdingServer((res, n) => {
      if (n > 0) return false;
      res.writeHead(200, { "content-length": String(SIZE), etag: '"e1"' });
      res.write(Buffer.alloc(1024, 1), () => setTimeout(() => res.destroy(), 20));
      return true;
    });
    await destroyWhileHeld(openHttp(port, 60_000, 3).createReadStream("obj"), 1);
    expect(await eventually(() => busySockets() === 0 && closed === 2)).toBe(true);
    expect(server!.seen.map((r) => [r.method, r.headers["range"]])).toEqual([
      ["GET", undefined],
      ["GET", `bytes=1024-${SIZE - 1}`],
    ]);
  });

  it("and a caller's abort still cancels it, with Aborted", async () => {
    const { port } = await holdingServer();
    const controller = new AbortController();
    const stream = openHttp(port, 60_000, 3).createReadStream("obj", { signal: controller.signal });
    const failed = new Promise<unknown>((resolve) => stream.once("error", resolve));
    stream.resume();
    expect(await eventually(() => held.length === 1)).toBe(true);
    controller.abort();
    expect(await failed).toMatchObject({ code: "Aborted" });
    expect(await eventually(() => busySockets() === 0 && closed === 1)).toBe(true);
    expect(server!.seen.length).toBe(1);
  });
});
