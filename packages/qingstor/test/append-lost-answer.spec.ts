import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { startProxy, type Proxy } from "@stowage/behavior-tests";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import "../src/index.js";
import { QingStorStorageDriver } from "../src/storager.js";

// An append QingStor performed but whose answer was lost is recognised (the object is as long as
// the append makes it and holds the chunk at the old length), instead of failing for stored bytes.

const BUCKET = "append-lost";
const TUNING = "&max_retries=3&retry_base_delay=1ms&retry_max_delay=2ms";
let emulator: Emulator;
let proxy: Proxy;
let store: Storager;
let lossy: Storager;
/** Decides whether the proxy loses the answer of a request; runs after QingStor answered it. */
let lose: ((req: IncomingMessage) => Promise<boolean>) | undefined;

const isAppend = (req: IncomingMessage): boolean => req.method === "POST" && /[?&]append\b/.test(req.url ?? "");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  proxy = await startProxy(emulator.port, {
    drop: async (req) => {
      const hook = lose;
      if (hook === undefined || !(await hook(req))) return false;
      lose = undefined;
      return true;
    },
  });
  const workDir = `/${randomUUID()}/`;
  store = newStorager(`${emulator.connectionString(BUCKET, workDir)}${TUNING}`);
  lossy = newStorager(`${emulator.connectionString(BUCKET, workDir).replace(`:${emulator.port}`, `:${proxy.port}`)}${TUNING}`);
});
afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});
afterEach(() => {
  lose = undefined;
  emulator.setFaults([]);
});

describe("qingstor: an append whose answer is lost", () => {
  it("succeeds when the append was performed: obj moves on and the next append goes on after it", async () => {
    const a = await lossy.createAppend("ap1");
    await lossy.writeAppend(a, Buffer.from("hello "));
    lose = async (req) => isAppend(req);
    const r = await lossy.writeAppend(a, Buffer.from("world"));
    expect(lose).toBeUndefined();
    expect(r.appendOffset).toBe(11);
    expect(a.appendOffset).toBe(11);
    await lossy.writeAppend(a, Buffer.from("!"));
    expect((await store.read("ap1")).toString()).toBe("hello world!");
  });

  it("the first, empty append of createAppend is recognised too", async () => {
    lose = async (req) => isAppend(req);
    const a = await lossy.createAppend("ap2");
    expect(lose).toBeUndefined();
    expect(a.appendOffset).toBe(0);
    await lossy.writeAppend(a, Buffer.from("x"));
    expect((await store.read("ap2")).toString()).toBe("x");
  });

  it("fails, not retryable, when the object holds something else than the chunk at that position", async () => {
    const a = await lossy.createAppend("ap3");
    await lossy.writeAppend(a, Buffer.from("hello "));
    // Performed, then (before the client looks) replaced by another appendable object of the same length.
    lose = async (req) => {
      if (!isAppend(req)) return false;
      const other = await store.createAppend("ap3");
      await store.writeAppend(other, Buffer.from("HELLO WORLD"));
      return true;
    };
    await expect(lossy.writeAppend(a, Buffer.from("world"))).rejects.toMatchObject({ code: "ServiceInternal", retryable: false });
    expect(a.appendOffset).toBe(6);
  });

  it("a reset while the body is sent (nothing stored) keeps the retryable network failure; the retry appends once", async () => {
    const a = await store.createAppend("ap4");
    await store.writeAppend(a, Buffer.from("hello "));
    emulator.setFaults([{ kind: "reset", operation: "AppendObject", count: 1 }]);
    await expect(store.writeAppend(a, Buffer.alloc(64 * 1024, 7))).rejects.toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(a.appendOffset).toBe(6);
    await store.writeAppend(a, Buffer.alloc(64 * 1024, 7));
    expect((await store.stat("ap4")).size).toBe(6 + 64 * 1024);
  });
});

/**
 * A scripted QingStor for one appendable object: the first append at a position is applied but
 * answered 500; its retry is refused (400 invalid_argument) as the position moved.
 */
function scriptedServer(): Promise<{ server: Server; port: number; object: () => Buffer }> {
  let object = Buffer.from("hello ");
  const answered = new Set<number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const head = { "x-qs-object-type": "appendable", "x-qs-next-append-position": String(object.length), etag: '"e"' };
      if (req.method === "POST" && url.searchParams.has("append")) {
        const position = Number(url.searchParams.get("position"));
        if (position !== object.length) {
          res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: "invalid_argument", message: "position", request_id: "r" }));
          return;
        }
        object = Buffer.concat([object, ...chunks]);
        const first = !answered.has(position);
        answered.add(position);
        if (first) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ code: "internal_server_error", message: "oops", request_id: "r" }));
        else res.writeHead(200, { "x-qs-next-append-position": String(object.length) }).end();
        return;
      }
      if (req.method === "HEAD") {
        res.writeHead(200, { ...head, "content-length": String(object.length) }).end();
        return;
      }
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers["range"] ?? "");
      if (req.method === "GET" && m) {
        const first = Number(m[1]);
        const last = Math.min(Number(m[2]), object.length - 1);
        res.writeHead(206, { ...head, "content-range": `bytes ${first}-${last}/${object.length}`, "content-length": String(last - first + 1) }).end(object.subarray(first, last + 1));
        return;
      }
      res.writeHead(404).end();
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port, object: () => object })));
}

describe("qingstor: an append answered 5xx, then refused on retry", () => {
  it("is recognised as applied when the object holds the chunk at the old length", async () => {
    const { server, port, object } = await scriptedServer();
    try {
      const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${port}`)), BUCKET, { accessKeyId: "ak", secretAccessKey: "sk" }, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
      const driver = new QingStorStorageDriver(client, BUCKET, "pek3a");
      const chunk = Buffer.from("world");
      const r = await driver.writeAppend("ap", 6, { data: chunk, size: chunk.length, crc64: crc64Decimal(chunk) }, {});
      expect(r).toEqual({ appendOffset: 11 });
      expect(object().toString()).toBe("hello world");
      // A position that really moved (nothing of this append there) is still a Conflict.
      await expect(driver.writeAppend("ap", 6, { data: chunk, size: chunk.length, crc64: crc64Decimal(chunk) }, {})).rejects.toMatchObject({ code: "Conflict" });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
