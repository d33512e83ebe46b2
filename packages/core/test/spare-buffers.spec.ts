import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { fillParts, PartBufferPool } from "../src/io/part-buffers.js";
import { dropSpares, keepSpare, SPARE_BYTES_MAXIMUM, SPARE_IDLE_MS, spareBufferStats, takeSpare } from "../src/io/spare-buffers.js";

beforeEach(() => dropSpares());
afterEach(() => dropSpares());

describe("spare buffers", () => {
  it("hand a kept buffer back only for its exact size, once", () => {
    const sab = new SharedArrayBuffer(32);
    keepSpare(sab);
    expect(spareBufferStats()).toMatchObject({ buffers: 1, bytes: 32 });
    expect(takeSpare(16)).toBeUndefined();
    expect(takeSpare(64)).toBeUndefined();
    const before = spareBufferStats().reused;
    expect(takeSpare(32)).toBe(sab);
    expect(takeSpare(32)).toBeUndefined();
    expect(spareBufferStats()).toEqual({ buffers: 0, bytes: 0, reused: before + 1 });
  });

  it("keep at most SPARE_BYTES_MAXIMUM bytes, and nothing empty", () => {
    const quarter = SPARE_BYTES_MAXIMUM / 4;
    const kept = Array.from({ length: 5 }, () => new SharedArrayBuffer(quarter));
    for (const sab of kept) keepSpare(sab);
    keepSpare(new SharedArrayBuffer(0));
    expect(spareBufferStats()).toMatchObject({ buffers: 4, bytes: SPARE_BYTES_MAXIMUM });
    const back = new Set([takeSpare(quarter), takeSpare(quarter), takeSpare(quarter), takeSpare(quarter), takeSpare(quarter)]);
    expect(back.has(undefined)).toBe(true);
    expect(back.has(kept[4])).toBe(false);
  });

  it("are let go after SPARE_IDLE_MS without use; each use restarts the wait", () => {
    jest.useFakeTimers();
    try {
      keepSpare(new SharedArrayBuffer(8));
      keepSpare(new SharedArrayBuffer(8));
      jest.advanceTimersByTime(SPARE_IDLE_MS - 10);
      expect(takeSpare(8)).toBeDefined(); // a use: the wait starts again
      jest.advanceTimersByTime(SPARE_IDLE_MS - 10);
      expect(spareBufferStats().buffers).toBe(1);
      jest.advanceTimersByTime(20);
      expect(spareBufferStats()).toMatchObject({ buffers: 0, bytes: 0 });
      expect(takeSpare(8)).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe("PartBufferPool with spares", () => {
  it("hands its free buffers on at close, and a later pool of the same size reuses them", () => {
    const first = new PartBufferPool(64, 3);
    const a = first.acquire();
    const b = first.acquire();
    first.release(a);
    first.release(b);
    first.close();
    expect(spareBufferStats().buffers).toBe(2);

    const other = new PartBufferPool(128, 3); // another size: not these
    expect([a.buffer, b.buffer]).not.toContain(other.acquire().buffer);

    const second = new PartBufferPool(64, 3);
    const got = new Set([second.acquire().buffer, second.acquire().buffer, second.acquire().buffer]);
    expect(got.has(a.buffer)).toBe(true);
    expect(got.has(b.buffer)).toBe(true);
    expect(got.size).toBe(3);
    expect(spareBufferStats().buffers).toBe(0);
  });

  it("never makes a discarded buffer a spare; a buffer released after close becomes one", () => {
    const pool = new PartBufferPool(64, 4);
    const kept = pool.acquire();
    const failed = pool.acquire();
    const late = pool.acquire();
    pool.release(kept);
    pool.discard(failed);
    pool.close();
    pool.release(failed); // already discarded: ignored
    pool.release(late); // its request ended after the upload
    const spares = [takeSpare(64), takeSpare(64), takeSpare(64)];
    expect(spares).toContain(kept.buffer);
    expect(spares).toContain(late.buffer);
    expect(spares).not.toContain(failed.buffer);
    expect(spares).toContain(undefined);
  });

  it("a buffer released beyond the pool's `max` becomes a spare rather than garbage", () => {
    const pool = new PartBufferPool(64, 1);
    const a = pool.acquire();
    const b = pool.acquire();
    pool.release(a); // b is still out: the pool holds `max` already
    pool.release(b); // kept by the pool
    expect(takeSpare(64)).toBe(a.buffer);
    expect(takeSpare(64)).toBeUndefined();
    expect(pool.acquire().buffer).toBe(b.buffer);
  });

  it("parts cut into reused buffers carry the new bytes, not the old ones", async () => {
    async function* from(chunks: Buffer[]): AsyncGenerator<Buffer> {
      yield* chunks;
    }
    const first = new PartBufferPool(8, 2);
    for await (const part of fillParts(from([Buffer.from("XXXXXXXXXXXXXXXX")]), 8, first)) first.release(part);
    first.close();
    const second = new PartBufferPool(8, 2);
    const seen: string[] = [];
    for await (const part of fillParts(from([Buffer.from("abcdefghij")]), 8, second)) {
      seen.push(part.toString());
      second.release(part);
    }
    expect(seen).toEqual(["abcdefgh", "ij"]);
    expect(spareBufferStats().reused).toBeGreaterThanOrEqual(1);
  });
});
