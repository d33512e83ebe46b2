import { describe, expect, it } from "@jest/globals";
import { randomFillSync, randomUUID } from "node:crypto";
import fs, { appendFileSync, createReadStream } from "node:fs";
import { Readable } from "node:stream";
import "@stowage/memory";
import type { DriverBody, StorageDriver } from "../src/driver/storage-driver.js";
import { fillParts, PartBufferPool } from "../src/io/part-buffers.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { getService } from "../src/registry/registry.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";
import { changingStream } from "./changing-stream.js";
import { useTempFiles } from "./temp-files.js";

// A write of a file stream without `size` plans its parts from a stat of the file. Its part
// buffers used to be allocated at the part size whatever the file held: with part_size=2GiB, a
// 20 MB file took a 2 GiB buffer (review L1). They are now no larger than the bytes the write
// expects, and a part that outgrows its buffer (the file grew) moves to a larger one.

const MiB = 1024 * 1024;

const { fileOf } = useTempFiles("stowage-file-stream-buffers-");

/** A memory store opened from `connection`, and the size of the memory (the ArrayBuffer) under every part it was given. */
function recorded(connection: string): { store: Storager; parts: Array<{ size: number; buffer: number }> } {
  const definition = getService("memory")!;
  const resolved = resolveOpenConfig(definition, connection, "storager");
  const real = definition.newStorageDriver(resolved.config);
  const parts: Array<{ size: number; buffer: number }> = [];
  const driver = new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== "writePart" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return (key: string, id: string, index: number, body: DriverBody, options: unknown) => {
        const data = body.data as Buffer;
        parts.push({ size: data.length, buffer: data.buffer.byteLength });
        return (value as (...a: unknown[]) => unknown).call(target, key, id, index, body, options);
      };
    },
  }) as StorageDriver;
  return { store: createStorager(driver, { ...resolved, definition }), parts };
}

async function stored(store: Storager, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.createReadStream(path)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}


describe("part buffers of a file stream's write are no larger than the file", () => {
  it("part_size=2GiB, a 3 MiB file: one part in a buffer of 3 MiB, not 2 GiB", async () => {
    const { store, parts } = recorded(`memory://buffers-${randomUUID()}/wd/?part_size=2GiB&multipart_threshold=1MiB`);
    const { path, data } = fileOf(3 * MiB);
    const result = await store.write("o", createReadStream(path));
    expect([result.size, result.parts]).toEqual([3 * MiB, 1]);
    expect(parts).toEqual([{ size: 3 * MiB, buffer: 3 * MiB }]);
    expect((await stored(store, "o")).equals(data)).toBe(true);
  });

  it("with size given, or a stream's end: the buffer fits the bytes the write takes", async () => {
    const { store, parts } = recorded(`memory://buffers-${randomUUID()}/wd/?part_size=2GiB&multipart_threshold=1MiB`);
    const { path, data } = fileOf(3 * MiB);
    await store.write("sized", Readable.from([data]), { size: data.length });
    await store.write("end", createReadStream(path, { start: MiB }));
    expect(parts).toEqual([
      { size: 3 * MiB, buffer: 3 * MiB },
      { size: 2 * MiB, buffer: 2 * MiB },
    ]);
    expect((await stored(store, "end")).equals(data.subarray(MiB))).toBe(true);
  });

  it("a file that grows past its stat while read is still stored whole, in the parts the plan gave", async () => {
    const { store, parts } = recorded(`memory://buffers-${randomUUID()}/wd/?part_size=64MiB&multipart_threshold=1MiB`);
    const { path, data } = fileOf(3 * MiB);
    const more = randomFillSync(Buffer.alloc(5 * MiB + 123));
    const result = await store.write("o", changingStream(path, 3 * MiB, () => appendFileSync(path, more), 64 * 1024));
    expect([result.size, result.parts]).toEqual([data.length + more.length, 1]);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.size).toBe(data.length + more.length);
    expect(parts[0]!.buffer).toBeLessThan(64 * MiB);
    expect((await stored(store, "o")).equals(Buffer.concat([data, more]))).toBe(true);
  });

  it("a file that grows past the part size goes on in parts of that size", async () => {
    const { store, parts } = recorded(`memory://buffers-${randomUUID()}/wd/?part_size=4MiB&multipart_threshold=1MiB`);
    const { path, data } = fileOf(3 * MiB);
    const more = randomFillSync(Buffer.alloc(6 * MiB + 5));
    const result = await store.write("o", changingStream(path, 3 * MiB, () => appendFileSync(path, more), 64 * 1024));
    expect([result.size, result.parts]).toEqual([9 * MiB + 5, 3]);
    expect(parts.map((p) => p.size)).toEqual([4 * MiB, 4 * MiB, MiB + 5]);
    expect((await stored(store, "o")).equals(Buffer.concat([data, more]))).toBe(true);
  });
});

describe("fillParts with a pool of buffers smaller than the parts", () => {
  it("moves a part that outgrows its buffer to a larger one, and cuts the same parts", async () => {
    const pool = new PartBufferPool(1000, 2);
    const input = randomFillSync(Buffer.alloc(5000));
    const chunks = Array.from({ length: 50 }, (_, i) => input.subarray(i * 100, i * 100 + 100));
    const out: Buffer[] = [];
    for await (const part of fillParts(Readable.from(chunks), 2048, pool)) {
      out.push(Buffer.from(part));
      expect(part.buffer.byteLength).toBeLessThanOrEqual(2048);
      pool.release(part);
    }
    expect(out.map((p) => p.length)).toEqual([2048, 2048, 904]);
    expect(Buffer.concat(out).equals(input)).toBe(true);
    expect(pool.outstanding).toBe(0);
  });

  it("never allocates more than the part size, even for a buffer that must grow", async () => {
    const pool = new PartBufferPool(3 * MiB, 1);
    const sizes: number[] = [];
    for await (const part of fillParts(Readable.from([Buffer.alloc(5 * MiB)]), 4 * MiB, pool)) {
      sizes.push(part.buffer.byteLength);
      pool.release(part);
    }
    expect(sizes).toEqual([4 * MiB, 3 * MiB]);
  });
});
