/**
 * The "caller buffers" cases can fail: run against a driver that keeps the caller's memory (the
 * `DriverBody.data` of a write, a part or an append, served back by its reads), each one does.
 * With `crc64` on the read fails `IntegrityMismatch` (core's check: the object is lost); with it off
 * nothing in core notices, and the case's own comparison of the bytes fails.
 */
import { Readable } from "node:stream";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { createStorager, defineFeatures, isStorageError, resolveOpenConfig, type StorageDriver, type Storager } from "@stowage/core";
import { memoryService } from "@stowage/memory";
import { CALLER_BUFFER_CASES } from "../src/cases/caller-buffers.js";
import { CaseScope } from "../src/context.js";

/**
 * A memory store whose driver also holds on to every body it is handed, without copying it, and
 * serves reads from what it holds (the objects as the caller's buffers are now): the obvious
 * Map-store driver that forgets to copy. `crc64` says whether its features claim CRC-64 checks
 * (its reads then report the CRC-64 of the bytes as written).
 */
function keepingStore(crc64: boolean): Storager {
  const resolved = resolveOpenConfig(memoryService, `memory://kept-${randomUUID()}/wd/`, "storager");
  const real = memoryService.newStorageDriver(resolved.config);
  const held = new Map<string, Buffer[]>();
  const parts = new Map<string, Buffer>();
  const hold = (data: Buffer | Readable): Buffer => {
    if (!Buffer.isBuffer(data)) throw new Error("the caller-buffer cases write Buffer bodies");
    return data;
  };
  const keeping: Partial<StorageDriver> = {
    features: defineFeatures({ ...real.features, crc64 }),
    write: async (key, body, options) => {
      const result = await real.write(key, body, options);
      held.set(key, [hold(body.data)]);
      return result;
    },
    writePart: async (key, id, index, body, options) => {
      const part = await real.writePart!(key, id, index, body, options);
      parts.set(`${id}:${index}`, hold(body.data));
      return part;
    },
    completeMultipart: async (key, id, list, options) => {
      const result = await real.completeMultipart!(key, id, list, options);
      held.set(key, list.map((p) => parts.get(`${id}:${p.index}`)!));
      return result;
    },
    createAppend: async (key, options) => {
      const o = await real.createAppend!(key, options);
      held.set(key, []);
      return o;
    },
    writeAppend: async (key, offset, body, options) => {
      const result = await real.writeAppend!(key, offset, body, options);
      held.get(key)?.push(hold(body.data));
      return result;
    },
    read: async (key, range, options) => {
      const opened = await real.read(key, range, options);
      const buffers = held.get(key);
      if (buffers === undefined) return opened;
      opened.stream.destroy();
      const all = Buffer.concat(buffers);
      const start = Math.min(all.length, range.offset ?? 0);
      const end = range.size === undefined ? all.length : Math.min(all.length, start + range.size);
      const stream = Readable.from([all.subarray(start, end)]);
      return crc64 && opened.crc64 !== undefined ? { stream, object: opened.object!, crc64: opened.crc64 } : { stream, object: opened.object! };
    },
    delete: async (key, options) => {
      held.delete(key);
      await real.delete(key, options);
    },
  };
  const driver = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop in keeping) return keeping[prop as keyof StorageDriver];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return createStorager(driver, { ...resolved, definition: memoryService });
}

/** Runs one case's body on `store` (every flag it needs is on) and returns how it failed. */
async function failureOf(store: Storager, body: (t: CaseScope) => Promise<void>): Promise<unknown> {
  const scope = new CaseScope(store);
  try {
    await body(scope);
  } catch (e) {
    return e;
  } finally {
    await scope.cleanup();
  }
  throw new Error("the case passed on a driver that keeps the caller's buffer");
}

describe("caller-buffer cases against a driver that keeps the caller's buffer", () => {
  for (const c of CALLER_BUFFER_CASES) {
    it(`${c.name}: fails IntegrityMismatch where the driver claims crc64`, async () => {
      const e = await failureOf(keepingStore(true), c.body);
      expect(isStorageError(e) ? e.code : e).toBe("IntegrityMismatch");
    });

    it(`${c.name}: fails on the bytes read back where it claims none`, async () => {
      const e = await failureOf(keepingStore(false), c.body);
      // The case's own comparison (expectSameBytes: the length, then the SHA-256), not an error of the storage.
      expect(isStorageError(e)).toBe(false);
      expect(e instanceof Error ? e.message : String(e)).toContain("expect(received).toBe(expected)");
    });
  }

  it("two 2 MiB writes in turn: the first reads back as the second even though the caller changed nothing (core's copy, reused)", async () => {
    const store = keepingStore(false);
    const a = Buffer.alloc(2 * 1024 * 1024, 0xa1);
    const b = Buffer.alloc(2 * 1024 * 1024, 0xb2);
    await store.write("a", a);
    await store.write("b", b);
    const readA = await store.read("a");
    expect(readA.equals(a)).toBe(false);
    expect(readA.equals(b)).toBe(true);
  });

  it("the same cases pass on the memory driver as it is (so the failures above are the kept buffers')", async () => {
    const resolved = resolveOpenConfig(memoryService, `memory://honest-${randomUUID()}/wd/`, "storager");
    const store = createStorager(memoryService.newStorageDriver(resolved.config), { ...resolved, definition: memoryService });
    for (const c of CALLER_BUFFER_CASES) {
      const scope = new CaseScope(store);
      await c.body(scope);
      await scope.cleanup();
    }
  });
});
