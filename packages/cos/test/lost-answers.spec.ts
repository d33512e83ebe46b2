import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newServicer, newStorager, type ObjectInfo } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { startProxy } from "@stowage/behavior-tests";
import { errorXml, QUICK_RETRIES, rawServer, type RawAnswer, type RawRequest } from "./raw-server.js";

const XML = { "content-type": "application/xml" };

/** Runs `body` against a scripted server; returns the methods (and query) of the requests it got. */
async function scripted(handler: (req: RawRequest, n: number) => RawAnswer, body: (port: number) => Promise<void>): Promise<string[]> {
  const server = await rawServer(handler);
  try {
    await body(server.port);
    return server.requests.map((r) => `${r.method} ${r.url.search}`);
  } finally {
    await server.stop();
  }
}

describe("cos servicer: bucket calls whose answer was lost", () => {
  const servicer = (port: number) => newServicer(`cos://?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${port}&location=ap-guangzhou${QUICK_RETRIES}`);

  it("a PUT Bucket whose retry gets BucketAlreadyOwnedByYou created the bucket", async () => {
    const seen = await scripted(
      (_req, n) => (n === 1 ? { destroy: true } : { status: 409, headers: XML, body: errorXml("BucketAlreadyOwnedByYou") }),
      async (port) => {
        await servicer(port).create("made-1250000000");
      },
    );
    expect(seen).toHaveLength(2);
  });

  it("BucketAlreadyOwnedByYou on the first attempt, and BucketAlreadyExists on a retry, stay Conflict", async () => {
    await scripted(
      () => ({ status: 409, headers: XML, body: errorXml("BucketAlreadyOwnedByYou") }),
      async (port) => {
        await expect(servicer(port).create("mine-1250000000")).rejects.toMatchObject({ code: "Conflict", statusCode: 409 });
      },
    );
    await scripted(
      (_req, n) => (n === 1 ? { destroy: true } : { status: 409, headers: XML, body: errorXml("BucketAlreadyExists") }),
      async (port) => {
        await expect(servicer(port).create("theirs-1250000000")).rejects.toMatchObject({ code: "Conflict", statusCode: 409 });
      },
    );
  });

  it("after a throttled first attempt (which did nothing), the retry's answer stands", async () => {
    const slowDown = { status: 503, headers: XML, body: errorXml("SlowDown") };
    await scripted(
      (_req, n) => (n === 1 ? slowDown : { status: 404, headers: XML, body: errorXml("NoSuchBucket") }),
      async (port) => {
        await expect(servicer(port).delete("never-1250000000")).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404 });
      },
    );
    await scripted(
      (_req, n) => (n === 1 ? slowDown : { status: 409, headers: XML, body: errorXml("BucketAlreadyOwnedByYou") }),
      async (port) => {
        await expect(servicer(port).create("had-1250000000")).rejects.toMatchObject({ code: "Conflict", statusCode: 409 });
      },
    );
  });

  it("a DELETE Bucket whose retry gets NoSuchBucket deleted the bucket; a first NoSuchBucket stays ObjectNotExist", async () => {
    const seen = await scripted(
      (_req, n) => (n === 1 ? { destroy: true } : { status: 404, headers: XML, body: errorXml("NoSuchBucket") }),
      async (port) => {
        await servicer(port).delete("gone-1250000000");
      },
    );
    expect(seen).toHaveLength(2);
    await scripted(
      () => ({ status: 404, headers: XML, body: errorXml("NoSuchBucket") }),
      async (port) => {
        await expect(servicer(port).delete("none-1250000000")).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404 });
      },
    );
  });
});

describe("cos append whose answer was lost (scripted)", () => {
  const hello = Buffer.from("hello");
  const head = (size: number, crc: string): RawAnswer => ({ headers: { "content-length": String(size), "x-cos-object-type": "appendable", "x-cos-hash-crc64ecma": crc, etag: '"e"' } });
  /** 1: createAppend's DELETE; 2: its empty append; 3: the append of "hello", answer lost; 4 on: `after`. */
  const script = (after: (req: RawRequest, n: number) => RawAnswer) => (req: RawRequest, n: number): RawAnswer => {
    if (n === 1) return { status: 204 };
    if (n === 2) return { headers: { "x-cos-next-append-position": "0", "x-cos-hash-crc64ecma": "0" } };
    if (n === 3) return { destroy: true };
    return after(req, n);
  };
  const appendOnce = (port: number) => async (): Promise<unknown> => {
    const store = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${port}${QUICK_RETRIES}`);
    const obj = await store.createAppend("log");
    return store.writeAppend(obj, hello).catch((e: unknown) => e);
  };

  it("succeeds when the object is then exactly the append's (length and CRC-64), without sending it again", async () => {
    let outcome: unknown;
    const seen = await scripted(script(() => head(5, crc64Decimal(hello))), async (port) => {
      outcome = await appendOnce(port)();
    });
    expect(outcome).toMatchObject({ size: 5, appendOffset: 5, crc64: crc64Decimal(hello) });
    expect(seen.slice(2)).toEqual(["POST ?append&position=0", "HEAD "]);
  });

  it("fails, not retryable, when the object has the length but another CRC-64", async () => {
    let outcome: unknown;
    await scripted(script(() => head(5, crc64Decimal("world"))), async (port) => {
      outcome = await appendOnce(port)();
    });
    expect(outcome).toMatchObject({ name: "StorageError", code: "ServiceInternal", retryable: false });
  });

  it("keeps the retryable network failure when the object is unchanged (nothing was appended)", async () => {
    let outcome: unknown;
    await scripted(script(() => head(0, "0")), async (port) => {
      outcome = await appendOnce(port)();
    });
    expect(outcome).toMatchObject({ name: "StorageError", code: "ServiceInternal", retryable: true });
  });

  it.each([
    ["AppendPositionErr", 409],
    ["AppendPositionErr", 400],
    ["PositionNotEqualToLength", 409],
  ])("a retry (after a 500) refused with %s (%i) succeeds when the object is the append's", async (code, status) => {
    let outcome: unknown;
    const seen = await scripted(
      (req, n) => {
        if (n === 1) return { status: 204 };
        if (n === 2) return { headers: { "x-cos-next-append-position": "0", "x-cos-hash-crc64ecma": "0" } };
        if (n === 3) return { status: 500, headers: XML, body: errorXml("InternalError") };
        if (n === 4) return { status, headers: XML, body: errorXml(code) };
        return req.method === "HEAD" ? head(5, crc64Decimal(hello)) : { status: 400 };
      },
      async (port) => {
        outcome = await appendOnce(port)();
      },
    );
    expect(outcome).toMatchObject({ appendOffset: 5, crc64: crc64Decimal(hello) });
    expect(seen.slice(2)).toEqual(["POST ?append&position=0", "POST ?append&position=0", "HEAD "]);
  });

  it("AppendPositionErr on the first attempt stays Conflict, without a look at the object", async () => {
    let outcome: unknown;
    const seen = await scripted(
      () => ({ status: 409, headers: XML, body: errorXml("AppendPositionErr") }),
      async (port) => {
        const store = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${port}${QUICK_RETRIES}`);
        const obj: ObjectInfo = { path: "log", mode: "append", appendOffset: 0, size: 0, crc64: "0" } as ObjectInfo;
        outcome = await store.writeAppend(obj, hello).catch((e: unknown) => e);
      },
    );
    expect(outcome).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(seen).toEqual(["POST ?append&position=0"]);
  });
});

describe("cos append whose answer was lost (emulator behind a proxy)", () => {
  const BUCKET = "lost-append-1250000000";
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("an append that was performed is reported done, by CRC-64 when known and by the bytes read back when not", async () => {
    let dropNext = false;
    const proxy = await startProxy(emulator.port, {
      drop: (req) => {
        if (!dropNext || req.method !== "POST" || !(req.url ?? "").includes("append")) return false;
        dropNext = false;
        return true;
      },
    });
    try {
      const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`).replace(`127.0.0.1:${emulator.port}`, `127.0.0.1:${proxy.port}`);
      const store = newStorager(`${conn}${QUICK_RETRIES}`);
      const obj = await store.createAppend("log");
      dropNext = true;
      expect(await store.writeAppend(obj, "hello ")).toMatchObject({ appendOffset: 6, crc64: crc64Decimal("hello ") });
      expect(dropNext).toBe(false);
      // Another storager knows nothing of the object's CRC-64 before: it reads the appended bytes back.
      const other = newStorager(`${conn}${QUICK_RETRIES}`);
      const stated = await other.stat("log");
      expect(stated.mode).toBe("append");
      dropNext = true;
      expect(await other.writeAppend(stated, "world")).toMatchObject({ appendOffset: 11, crc64: crc64Decimal("hello world") });
      expect(dropNext).toBe(false);
      expect((await store.read("log")).toString()).toBe("hello world");
      expect(proxy.seen.filter((s) => s.startsWith("POST")).length).toBe(3);
      await store.delete("log");
    } finally {
      await proxy.stop();
    }
  });
});

describe("appends judged with the caller's object, not a driver's memory", () => {
  it("an append through another storager's re-created object succeeds (COS sends no CRC-64 on append, nor does the emulator)", async () => {
    const emulator = await startEmulator({ provider: "cos", buckets: ["stale-1250000000"] });
    try {
      const conn = emulator.connectionString("stale-1250000000", `/${randomUUID()}/`);
      const a = newStorager(conn);
      const b = newStorager(conn);
      await a.writeAppend(await a.createAppend("log"), "A");
      await b.writeAppend(await b.createAppend("log"), "B");
      const fresh = await a.stat("log");
      expect(fresh.crc64).toBe(crc64Decimal("B"));
      const appended = await a.writeAppend(fresh, "C");
      // No CRC-64 in the answer: none is named for the object (core's own would be unchecked).
      expect(appended).toEqual({ size: 1, appendOffset: 2 });
      expect(fresh.crc64).toBeUndefined();
      expect((await a.read("log")).toString()).toBe("BC");
    } finally {
      await emulator.stop();
    }
  });
});
