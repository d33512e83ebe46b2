import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, parseEndpoint, type Part, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import "../src/index.js";
import { QingStorStorageDriver } from "../src/storager.js";
import { completeWhileUploadGoes, startProxy, type Proxy } from "@stowage/behavior-tests";

const BUCKET = "lost-answers";
const MiB = 1024 * 1024;
const TUNING = "&multipart_threshold=5MiB&part_size=4MiB&concurrency=2&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3";
let emulator: Emulator;
let proxy: Proxy;
/** Talks to the emulator directly. */
let store: Storager;
/** Talks to the emulator through {@link proxy}, which loses the answer of the first matching request. */
let lossy: Storager;
let lose: ((req: IncomingMessage) => boolean | Promise<boolean>) | undefined;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const isComplete = (req: IncomingMessage): boolean => req.method === "POST" && /[?&]upload_id=/.test(req.url ?? "");
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

/** Two parts (4 MiB and the rest of `data`) of an upload at `path`, not completed. */
async function twoParts(path: string, data: Buffer): Promise<{ obj: Awaited<ReturnType<Storager["createMultipart"]>>; parts: Part[] }> {
  const obj = await store.createMultipart(path);
  const parts = [await store.writeMultipart(obj, data.subarray(0, 4 * MiB), { index: 0 }), await store.writeMultipart(obj, data.subarray(4 * MiB), { index: 1 })];
  return { obj, parts };
}

describe("qingstor: CompleteMultipartUpload whose answer is lost", () => {
  it("a write whose Complete was performed but whose answer was lost succeeds (the retry's upload_not_exists is checked against the object)", async () => {
    lose = isComplete;
    const data = randomBytes(9 * MiB + 5);
    const path = `w/${randomUUID()}`;
    const before = proxy.seen.length;
    const result = await lossy.write(path, data);
    expect(lose).toBeUndefined();
    expect(proxy.seen.slice(before).filter((line) => line.startsWith("POST") && line.includes("upload_id="))).toHaveLength(2);
    expect(result.parts).toBe(3);
    expect(result.etag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect((await store.stat(path)).etag).toBe(result.etag);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("a retried Complete whose upload is gone keeps ObjectNotExist when there is no object, or another object", async () => {
    const data = randomBytes(5 * MiB);
    const path = `g/${randomUUID()}`;
    for (const before of [undefined, randomBytes(1000)]) {
      if (before !== undefined) await store.write(path, before);
      const { obj, parts } = await twoParts(path, data);
      await completeWhileUploadGoes(emulator, store, obj, parts);
      if (before === undefined) await expect(store.stat(path)).rejects.toMatchObject({ code: "ObjectNotExist" });
      else expect(sha(await store.read(path))).toBe(sha(before));
    }
    await store.delete(path);
  });

  it("an upload_not_exists on the first attempt is not reinterpreted, even when the object is the parts'", async () => {
    const data = randomBytes(5 * MiB);
    const path = `f/${randomUUID()}`;
    const { obj, parts } = await twoParts(path, data);
    await store.completeMultipart(obj, parts);
    await expect(store.completeMultipart(obj, parts)).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404 });
    await store.delete(path);
  });
});

describe("qingstor: a move whose answer is lost", () => {
  it("succeeds when the retry finds no source and the destination is the source", async () => {
    const src = `m/${randomUUID()}`;
    const dst = `m/${randomUUID()}`;
    await store.write(src, "moved once");
    // reset: the emulator performs the move (it has no request body), then resets the connection.
    emulator.setFaults([{ kind: "reset", operation: "MoveObject", count: 1 }]);
    emulator.resetStats();
    await store.move(src, dst);
    expect(emulator.faults().map((f) => f.fired)).toEqual([1]);
    expect(emulator.stats().byOperation["MoveObject"]).toBe(2);
    emulator.setFaults([]);
    await expect(store.stat(src)).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await store.read(dst)).toString()).toBe("moved once");
    await store.delete(dst);
  });

  it("through a proxy that loses the answer too", async () => {
    const src = `p/${randomUUID()}`;
    const dst = `p/${randomUUID()}`;
    await store.write(src, "moved");
    lose = (req) => req.method === "PUT" && req.headers["x-qs-move-source"] !== undefined;
    await lossy.move(src, dst);
    expect(lose).toBeUndefined();
    expect((await store.read(dst)).toString()).toBe("moved");
    await store.delete(dst);
  });

  it("a retried move keeps ObjectNotExist when the destination is not the source", async () => {
    const src = `n/${randomUUID()}`;
    const dst = `n/${randomUUID()}`;
    await store.write(src, "source bytes");
    // The move is performed and its answer lost; before the retry, the destination is replaced.
    lose = async (req) => {
      if (req.method !== "PUT" || req.headers["x-qs-move-source"] === undefined) return false;
      await store.write(dst, "something else");
      return true;
    };
    await expect(lossy.move(src, dst)).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404 });
    expect(lose).toBeUndefined();
    expect((await store.read(dst)).toString()).toBe("something else");
    await store.delete(dst);
  });

  it("a move of a missing source is ObjectNotExist", async () => {
    await expect(store.move(`x/${randomUUID()}`, `x/${randomUUID()}`)).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});

// An append QingStor performed but whose answer was lost is recognised (the object is as long as
// the append makes it and holds the chunk at the old length), instead of failing for stored bytes.

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
