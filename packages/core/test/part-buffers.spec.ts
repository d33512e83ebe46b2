import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isSharedArrayBuffer } from "node:util/types";
import { isStorageError } from "../src/errors/storage-error.js";
import { fillParts, PartBufferPool, recycleSharedCopy, sharedBuffer, sharedConcat } from "../src/io/part-buffers.js";
import { dropSpares, spareBufferStats } from "../src/io/spare-buffers.js";

async function* from(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

describe("sharedBuffer / sharedConcat", () => {
  it("allocate in shared memory and copy exactly the bytes asked for", () => {
    const b = sharedBuffer(10);
    expect(isSharedArrayBuffer(b.buffer)).toBe(true);
    expect(b.length).toBe(10);
    const joined = sharedConcat([Buffer.from("abc"), Buffer.from("defg"), Buffer.from("hi")], 8);
    expect(isSharedArrayBuffer(joined.buffer)).toBe(true);
    expect(joined.toString()).toBe("abcdefgh");
    expect(sharedConcat([Buffer.from("ab")], 5).toString()).toBe("ab");
  });
});

describe("recycleSharedCopy", () => {
  it("hands a copy's memory to the next copy of its size class, once; ignores other buffers", () => {
    dropSpares();
    const first = sharedConcat([Buffer.alloc(1024 * 1024 + 1, 1)], 1024 * 1024 + 1);
    expect(first.buffer.byteLength).toBe(2 * 1024 * 1024); // rounded up to whole MiB
    recycleSharedCopy(first);
    recycleSharedCopy(first); // twice: kept once
    recycleSharedCopy(Buffer.from(new SharedArrayBuffer(2 * 1024 * 1024))); // not a copy: ignored
    recycleSharedCopy(Buffer.alloc(16));
    expect(spareBufferStats().buffers).toBe(1);
    const second = sharedConcat([Buffer.from("xyz"), Buffer.alloc(2 * 1024 * 1024 - 3, 2)], 2 * 1024 * 1024);
    expect(second.buffer).toBe(first.buffer);
    expect(second.subarray(0, 4).toString("latin1")).toBe("xyz\u0002");
    expect(second.every((v, i) => v === (i < 3 ? "xyz".charCodeAt(i) : 2))).toBe(true);
    const small = sharedConcat([Buffer.from("ab")], 2);
    expect(small.buffer.byteLength).toBe(2); // below 1 MiB: exact
    dropSpares();
  });
});

describe("PartBufferPool", () => {
  it("reuses released buffers, never discarded ones, and keeps at most `max`", () => {
    const pool = new PartBufferPool(16, 2);
    const a = pool.acquire();
    const b = pool.acquire();
    expect(pool.outstanding).toBe(2);
    pool.release(a.subarray(3, 9));
    pool.discard(b);
    expect(pool.outstanding).toBe(0);
    const c = pool.acquire();
    const d = pool.acquire();
    expect(c.buffer).toBe(a.buffer);
    expect(d.buffer).not.toBe(b.buffer);
    pool.release(c);
    pool.release(d);
    pool.release(c); // twice: ignored
    pool.release(Buffer.alloc(16)); // not from the pool: ignored
    const seen = new Set([pool.acquire().buffer, pool.acquire().buffer, pool.acquire().buffer]);
    expect(seen.size).toBe(3);
  });

  it("a part that outgrows its buffer: the pool's own size is kept for reuse, grown sizes are left to the collector, never made spares", () => {
    dropSpares();
    const pool = new PartBufferPool(16, 2);
    const a = pool.acquire();
    a.fill(7);
    const grown = pool.grow(a, 16, 100);
    expect(grown.length).toBe(32);
    expect(grown.subarray(0, 16).every((x) => x === 7)).toBe(true);
    const larger = pool.grow(grown, 32, 40);
    expect(larger.length).toBe(40);
    pool.release(larger);
    pool.close();
    // The 16-byte buffer went back to the pool's free list (and became a spare at close); the 32- and 40-byte ones went nowhere.
    expect(spareBufferStats()).toMatchObject({ buffers: 1, bytes: 16 });
    dropSpares();
  });

  it("rejects bad sizes", () => {
    expect(() => new PartBufferPool(0, 1)).toThrow();
    expect(() => new PartBufferPool(8, 0)).toThrow();
  });
});

describe("fillParts", () => {
  it("cuts any source into exact parts copied into pooled shared buffers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 }), fc.integer({ min: 1, max: 17 }), async (arrays, partSize) => {
        const chunks = arrays.map((a) => Buffer.from(a));
        const whole = Buffer.concat(chunks);
        const pool = new PartBufferPool(partSize, 2);
        const parts: string[] = [];
        for await (const part of fillParts(from(chunks), partSize, pool)) {
          expect(isSharedArrayBuffer(part.buffer)).toBe(true);
          expect(pool.owns(part)).toBe(true);
          parts.push(part.toString("hex"));
          // The caller is done with it: the next part may reuse the buffer.
          pool.release(part);
        }
        expect(Buffer.from(parts.join(""), "hex")).toEqual(whole);
        const sizes = parts.map((p) => p.length / 2);
        expect(sizes.slice(0, -1).every((s) => s === partSize)).toBe(true);
        if (sizes.length > 0) expect(sizes.at(-1)!).toBeGreaterThan(0);
        expect(sizes.length).toBe(Math.ceil(whole.length / partSize));
        expect(pool.outstanding).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it("releases the part being filled when the source fails or the caller stops", async () => {
    const pool = new PartBufferPool(4, 2);
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.from("ab");
      throw new Error("read failed");
    }
    await expect(async () => {
      for await (const part of fillParts(broken(), 4, pool)) void part;
    }).rejects.toThrow("read failed");
    expect(pool.outstanding).toBe(0);

    const it2 = fillParts(from([Buffer.from("abcdef")]), 4, pool)[Symbol.asyncIterator]();
    const first = await it2.next();
    expect(first.value?.toString()).toBe("abcd");
    await it2.return?.(undefined);
    expect(pool.outstanding).toBe(1); // "abcd" is the caller's until released
  });

  it("cuts parts larger than the pool's buffers into larger buffers; refuses a part size that is no positive integer", async () => {
    const pool = new PartBufferPool(4, 1);
    const parts: string[] = [];
    for await (const part of fillParts(from([Buffer.from("abcdefgh")]), 8, pool)) parts.push(part.toString());
    expect(parts).toEqual(["abcdefgh"]);
    const run = async (): Promise<void> => {
      for await (const part of fillParts(from([Buffer.from("abcdefgh")]), 0, pool)) void part;
    };
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isStorageError(error, "InvalidArgument")).toBe(true);
  });
});
