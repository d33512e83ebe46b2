import { randomUUID } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type ObjectInfo } from "@stowage/core";
import { runAppendLostAnswerSuite, startProxy, type Proxy } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { proxiedOss } from "./proxied-store.js";

const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
const BUCKET = "lost-append-oss";

describe("oss append whose answer was lost (emulator behind a proxy)", () => {
  let emulator: Emulator;
  let proxy: Proxy;
  /** Set to lose the answer to the next append (the append is performed); `meanwhile` runs before the connection is reset. */
  let drop: { meanwhile?: () => Promise<unknown> } | undefined;
  const isAppend = (req: IncomingMessage): boolean => req.method === "POST" && (req.url ?? "").includes("append");

  beforeAll(async () => {
    emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
    proxy = await startProxy(emulator.port, {
      drop: async (req) => {
        const lose = drop;
        if (lose === undefined || !isAppend(req)) return false;
        drop = undefined;
        await lose.meanwhile?.();
        return true;
      },
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await emulator.stop();
  });

  const stores = (): { store: ReturnType<typeof newStorager>; direct: ReturnType<typeof newStorager> } => {
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    return { store: newStorager(`${conn.replace(`127.0.0.1:${emulator.port}`, `127.0.0.1:${proxy.port}`)}${QUICK}`), direct: newStorager(conn) };
  };
  const appendPosts = (): number => proxy.seen.filter((s) => s.startsWith("POST") && s.includes("append")).length;

  it("an append that was performed is reported done (length and CRC-64 from a HEAD), without being sent again", async () => {
    const { store, direct } = stores();
    const obj = await store.createAppend("log");
    await store.writeAppend(obj, "hello ");
    const posts = appendPosts();
    drop = {};
    expect(await store.writeAppend(obj, "world")).toMatchObject({ size: 5, appendOffset: 11, crc64: crc64Decimal("hello world") });
    expect(drop).toBeUndefined();
    expect(appendPosts()).toBe(posts + 1);
    expect(obj).toMatchObject({ appendOffset: 11, size: 11, crc64: crc64Decimal("hello world") });
    expect((await direct.read("log")).toString()).toBe("hello world");
    // Through an object from stat (its CRC-64 is the one before the append).
    const stated = await store.stat("log");
    drop = {};
    expect(await store.writeAppend(stated, "!")).toMatchObject({ appendOffset: 12, crc64: crc64Decimal("hello world!") });
    expect(drop).toBeUndefined();
    expect((await direct.read("log")).toString()).toBe("hello world!");
  });

  it("the failure stands, not retryable, when the object is not what the append makes (someone appended after it)", async () => {
    const { store, direct } = stores();
    const obj = await store.createAppend("log");
    await store.writeAppend(obj, "hello ");
    drop = {
      meanwhile: async () => {
        const other = await direct.stat("log");
        await direct.writeAppend(other, "and more");
      },
    };
    await expect(store.writeAppend(obj, "world")).rejects.toMatchObject({
      name: "StorageError",
      code: "ServiceInternal",
      retryable: false,
      message: expect.stringContaining("the object is 19 bytes long, neither 6 nor 11: do not retry it blindly"),
    });
    expect(drop).toBeUndefined();
    expect(obj).toMatchObject({ appendOffset: 6 });
    expect((await direct.read("log")).toString()).toBe("hello worldand more");
  });
});

// The cases every cloud driver shares.
const SHARED_BUCKET = "append-lost-shared";
runAppendLostAnswerSuite(() => startEmulator({ provider: "oss", buckets: [SHARED_BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "oss",
  bucket: SHARED_BUCKET,
  open: proxiedOss(SHARED_BUCKET),
  more: (ctx) => {
    it("applied, through an object from a listing (OSS lists appendable objects, without CRC-64): done from the bytes read back", async () => {
      const { store, direct } = ctx.pair();
      await store.writeAppend(await store.createAppend("log"), "hello ");
      let listed: ObjectInfo | undefined;
      for await (const e of store.list("")) if (e.path === "log") listed = e;
      expect(listed).toMatchObject({ mode: "append", appendOffset: 6 });
      expect(listed!.crc64).toBeUndefined();
      ctx.proxy.hook = { match: (req) => req.method === "POST", run: async () => Promise.reject(new Error("lose the answer")) };
      expect(await store.writeAppend(listed!, "world")).toEqual({ size: 5, appendOffset: 11, crc64: crc64Decimal("hello world") });
      expect((await direct.read("log")).toString()).toBe("hello world");
    });
  },
});

describe("oss append whose retry is refused (scripted)", () => {
  const hello = Buffer.from("hello");
  const XML = { "content-type": "application/xml" };
  const errorXml = (code: string): string => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message><RequestId>r</RequestId></Error>`;
  type Answer = { status?: number; headers?: Record<string, string>; body?: string };

  /** Runs `body` against a server answering request n with `answer(method, n)`; returns the requests' methods. */
  async function scripted(answer: (method: string, n: number) => Answer, body: (conn: string) => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        seen.push(req.method ?? "");
        const a = answer(req.method ?? "", seen.length);
        res.writeHead(a.status ?? 200, { "x-oss-request-id": `rid-${seen.length}`, ...(a.headers ?? {}) });
        res.end(a.body ?? "");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await body(`oss://scripted-bucket/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${(server.address() as AddressInfo).port}&location=cn-hangzhou${QUICK}`);
      return seen;
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
  const object = (): ObjectInfo => ({ path: "log", mode: "append", appendOffset: 0, size: 0, crc64: "0" }) as ObjectInfo;
  const appended = { headers: { "x-oss-object-type": "Appendable", "x-oss-next-append-position": "5", "content-length": "5", "x-oss-hash-crc64ecma": crc64Decimal(hello), etag: '"E"' } };

  it("a retry (after a 500) refused with PositionNotEqualToLength succeeds when a HEAD shows the append", async () => {
    let outcome: unknown;
    const seen = await scripted(
      (method, n) => (n === 1 ? { status: 500, headers: XML, body: errorXml("InternalError") } : n === 2 ? { status: 409, headers: XML, body: errorXml("PositionNotEqualToLength") } : method === "HEAD" ? appended : { status: 400 }),
      async (conn) => {
        outcome = await newStorager(conn).writeAppend(object(), hello).catch((e: unknown) => e);
      },
    );
    expect(outcome).toMatchObject({ size: 5, appendOffset: 5, crc64: crc64Decimal(hello) });
    expect(seen).toEqual(["POST", "POST", "HEAD"]);
  });

  it("the retry's Conflict stands, not retryable, when the HEAD shows another CRC-64 and the bytes read back are not the chunk", async () => {
    let outcome: unknown;
    const seen = await scripted(
      (method, n) =>
        n === 1
          ? { status: 500, headers: XML, body: errorXml("InternalError") }
          : n === 2
            ? { status: 409, headers: XML, body: errorXml("PositionNotEqualToLength") }
            : method === "HEAD"
              ? { headers: { ...appended.headers, "x-oss-hash-crc64ecma": crc64Decimal("world") } }
              : { status: 206, headers: { ...appended.headers, "content-range": "bytes 0-4/5", "x-oss-hash-crc64ecma": crc64Decimal("world") }, body: "world" },
      async (conn) => {
        outcome = await newStorager(conn).writeAppend(object(), hello).catch((e: unknown) => e);
      },
    );
    expect(outcome).toMatchObject({ name: "StorageError", code: "Conflict", statusCode: 409, retryable: false, message: expect.stringContaining("the bytes at 0 are not the chunk: do not retry it blindly") });
    expect(seen).toEqual(["POST", "POST", "HEAD", "GET"]);
  });

  it("a retry refused after a 500 is done when the bytes read back are the chunk, though the HEAD's CRC-64 is another: core then finds the object is not the one described (IntegrityMismatch)", async () => {
    let outcome: unknown;
    await scripted(
      (method, n) =>
        n === 1
          ? { status: 500, headers: XML, body: errorXml("InternalError") }
          : n === 2
            ? { status: 409, headers: XML, body: errorXml("PositionNotEqualToLength") }
            : method === "HEAD"
              ? { headers: { ...appended.headers, "x-oss-hash-crc64ecma": crc64Decimal("other") } }
              : { status: 206, headers: { ...appended.headers, "content-range": "bytes 0-4/5", "x-oss-hash-crc64ecma": crc64Decimal("other") }, body: "hello" },
      async (conn) => {
        outcome = await newStorager(conn).writeAppend(object(), hello).catch((e: unknown) => e);
      },
    );
    expect(outcome).toMatchObject({ name: "StorageError", code: "IntegrityMismatch", retryable: false });
  });

  it("PositionNotEqualToLength on the first attempt stays Conflict, without a look at the object", async () => {
    let outcome: unknown;
    const seen = await scripted(
      () => ({ status: 409, headers: XML, body: errorXml("PositionNotEqualToLength") }),
      async (conn) => {
        outcome = await newStorager(conn).writeAppend(object(), hello).catch((e: unknown) => e);
      },
    );
    expect(outcome).toMatchObject({ name: "StorageError", code: "Conflict", statusCode: 409, retryable: false });
    expect(seen).toEqual(["POST"]);
  });
});
