/**
 * Core's end-to-end checks, exercised with a driver that lies: the memory
 * driver wrapped so that one primitive corrupts what it reports. Whatever the
 * driver says, a wrong CRC64, a flipped byte or a short body must end in
 * IntegrityMismatch, never in success, and must leave no corrupt object.
 */
import { describe, expect, it } from "@jest/globals";
import { Readable } from "node:stream";
import { randomBytes, randomUUID } from "node:crypto";
import {
  createStorager,
  isStorageError,
  resolveOpenConfig,
  type StorageDriver,
  type Storager,
  type StorageError,
} from "@stowage/core";
import { memoryService } from "@stowage/memory";

type Lies = Partial<StorageDriver>;

/** A storager over a fresh memory store whose driver methods in `lies` are replaced. */
function lyingStore(lies: (real: StorageDriver) => Lies): { store: Storager; honest: Storager } {
  const conn = `memory://lies-${randomUUID()}/wd/?multipart_threshold=64KiB&part_size=16KiB&concurrency=2`;
  const resolved = resolveOpenConfig(memoryService, conn, "storager");
  const real = memoryService.newStorageDriver(resolved.config);
  const overrides = lies(real);
  const driver = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop in overrides) return overrides[prop as keyof Lies];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const ctx = { ...resolved, definition: memoryService };
  return { store: createStorager(driver, ctx), honest: createStorager(real, ctx) };
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  try {
    await promise;
  } catch (e) {
    if (isStorageError(e)) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

async function uploadsLeft(store: Storager): Promise<number> {
  let n = 0;
  for await (const _ of store.list("", { mode: "part" })) n++;
  return n;
}

describe("core integrity over a lying driver", () => {
  it("write: a CRC64 the service contradicts fails and leaves no object", async () => {
    const { store, honest } = lyingStore((real) => ({
      write: async (key, body, options) => ({ ...(await real.write(key, body, options)), crc64: "12345" }),
    }));
    const e = await rejection(store.write("a.bin", randomBytes(1000)));
    expect(e.code).toBe("IntegrityMismatch");
    expect(e.op).toBe("write");
    expect(e.path).toBe("a.bin");
    expect((await rejection(honest.stat("a.bin"))).code).toBe("ObjectNotExist");
  });

  it("write: a caller's wrong Content-MD5 fails before anything is stored", async () => {
    const { store } = lyingStore(() => ({}));
    const e = await rejection(store.write("m.txt", "hello", { contentMd5: "AAAAAAAAAAAAAAAAAAAAAA==" }));
    expect(e.code).toBe("IntegrityMismatch");
    expect((await rejection(store.stat("m.txt"))).code).toBe("ObjectNotExist");
  });

  it("read: a flipped byte under a correct CRC64 errors the read and the stream", async () => {
    const data = randomBytes(50_000);
    const { store, honest } = lyingStore((real) => ({
      read: async (key, range, options) => {
        const opened = await real.read(key, range, options);
        const bytes = Buffer.concat(await opened.stream.toArray());
        bytes[123] ^= 0x01;
        return { ...opened, stream: Readable.from([bytes]) };
      },
    }));
    await honest.write("r.bin", data);
    expect((await rejection(store.read("r.bin"))).code).toBe("IntegrityMismatch");
    const streamed = await rejection(store.createReadStream("r.bin").toArray());
    expect(streamed.code).toBe("IntegrityMismatch");
    // A ranged read can't be CRC-checked as a whole, but it still gets its bytes.
    expect((await store.read("r.bin", { offset: 1000, size: 10 })).equals(data.subarray(1000, 1010))).toBe(true);
  });

  it("read: a body shorter than announced errors instead of ending", async () => {
    const { store, honest } = lyingStore((real) => ({
      read: async (key, range, options) => {
        const opened = await real.read(key, range, options);
        const bytes = Buffer.concat(await opened.stream.toArray());
        return { object: opened.object!, stream: Readable.from([bytes.subarray(0, bytes.length - 7)]) };
      },
    }));
    await honest.write("t.bin", randomBytes(4096));
    const e = await rejection(store.read("t.bin"));
    // Too few bytes, none wrong: a failed transfer (retryable), once the resumes brought no more.
    expect(e.code).toBe("ServiceInternal");
    expect(e.retryable).toBe(true);
    expect(e.message).toContain("4089 of 4096");
  });

  it("multipart: a part stored with a different CRC64 aborts the upload and stores nothing", async () => {
    const { store, honest } = lyingStore((real) => ({
      writePart: async (key, id, index, body, options) => {
        const part = await real.writePart!(key, id, index, body, options);
        return index === 2 ? { ...part, crc64: "1" } : part;
      },
    }));
    const e = await rejection(store.write("mp.bin", randomBytes(200_000)));
    expect(e.code).toBe("IntegrityMismatch");
    expect((await rejection(honest.stat("mp.bin"))).code).toBe("ObjectNotExist");
    expect(await uploadsLeft(honest)).toBe(0);
  });

  it("multipart: a completed object whose CRC64 disagrees is removed and reported", async () => {
    const { store, honest } = lyingStore((real) => ({
      completeMultipart: async (key, id, parts, options) => ({ ...(await real.completeMultipart!(key, id, parts, options)), crc64: "99" }),
    }));
    const e = await rejection(store.write("c.bin", Readable.from([randomBytes(100_000), randomBytes(100_000)])));
    expect(e.code).toBe("IntegrityMismatch");
    expect((await rejection(honest.stat("c.bin"))).code).toBe("ObjectNotExist");
  });

  it("append: a whole-object CRC64 that does not follow from the appends fails", async () => {
    const { store } = lyingStore((real) => ({
      writeAppend: async (key, offset, body, options) => ({ ...(await real.writeAppend!(key, offset, body, options)), crc64: "7" }),
    }));
    const obj = await store.createAppend("log.txt");
    expect((await rejection(store.writeAppend(obj, "line 1\n"))).code).toBe("IntegrityMismatch");
  });

  it("abort: a signal fired mid-multipart rejects with Aborted and leaves neither object nor upload", async () => {
    const { store, honest } = lyingStore(() => ({}));
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 40; i++) {
        if (i === 8) controller.abort();
        yield randomBytes(16 * 1024);
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    const e = await rejection(store.write("ab.bin", slow(), { signal: controller.signal }));
    expect(e.code).toBe("Aborted");
    expect((await rejection(honest.stat("ab.bin"))).code).toBe("ObjectNotExist");
    expect(await uploadsLeft(honest)).toBe(0);
  });

  it("createWriteStream: 'finish' fires only once the object is stored", async () => {
    const { store } = lyingStore(() => ({}));
    const data = randomBytes(150_000);
    const stream = store.createWriteStream("ws.bin");
    const finished = new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", reject);
    });
    for (let i = 0; i < data.length; i += 10_000) stream.write(data.subarray(i, i + 10_000));
    stream.end();
    await finished;
    const info = await store.stat("ws.bin");
    expect(info.size).toBe(data.length);
    expect((await store.read("ws.bin")).equals(data)).toBe(true);
  });

  it("createWriteStream: a failing write errors the stream", async () => {
    const { store } = lyingStore((real) => ({
      write: async (key, body, options) => ({ ...(await real.write(key, body, options)), crc64: "5" }),
    }));
    const stream = store.createWriteStream("bad.bin");
    const failed = new Promise<unknown>((resolve) => stream.on("error", resolve));
    stream.end(Buffer.from("short body"));
    const e = await failed;
    expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
  });
});
