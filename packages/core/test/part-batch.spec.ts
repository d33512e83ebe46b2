import { describe, expect, it } from "@jest/globals";
import { setTimeout as sleep } from "node:timers/promises";
import { isStorageError } from "../src/errors/storage-error.js";
import { MAX_PART_BATCH, readPartBatch } from "../src/multipart/part-batch.js";

const MiB = 1024 * 1024;

/** A reader of `count` parts of `size` bytes (made up front), each delivered after `delayMs`. */
function parts(count: number, size: number, delayMs = 0): AsyncIterator<Buffer> {
  const made = Array.from({ length: count }, (_, i) => Buffer.alloc(size, i));
  let i = 0;
  return {
    async next() {
      if (delayMs > 0) await sleep(delayMs);
      return i < count ? { done: false, value: made[i++]! } : { done: true, value: undefined };
    },
  };
}

const never = new AbortController().signal;

describe("readPartBatch", () => {
  it("reads up to the batch size from a fast source, then the rest, then reports the end", async () => {
    // "Fast" is judged by the clock (a part later than ~13 ms ends a batch): on a loaded machine a
    // pause of the process can split a batch, so up to three rounds; code that never batches fails all.
    let batched = false;
    for (let round = 0; round < 3 && !batched; round++) {
      const reader = parts(6, 8 * MiB);
      const first = await readPartBatch(reader, MAX_PART_BATCH, never, () => {});
      if (first.parts.length < MAX_PART_BATCH) continue;
      expect(first.parts.map((p) => p[0])).toEqual([0, 1, 2, 3]);
      expect(first.done).toBe(false);
      // The rest (in one batch unless a pause splits it), then the end.
      const rest: number[] = [];
      let done = false;
      for (let reads = 0; !done && reads < 4; reads++) {
        const next = await readPartBatch(reader, MAX_PART_BATCH, never, () => {});
        rest.push(...next.parts.map((p) => p[0]!));
        done = next.done;
      }
      expect([rest, done]).toEqual([[4, 5], true]);
      batched = true;
    }
    expect(batched).toBe(true);
  });

  it("hands over each part of a slow source at once (nothing gained by holding it)", async () => {
    // 1 MiB every 30 ms: far slower than one MD5 of it would run.
    const reader = parts(3, MiB, 30);
    const read = await readPartBatch(reader, MAX_PART_BATCH, never, () => {});
    expect(read.parts).toHaveLength(1);
  });

  it("reads one part at least for a batch size below 1, and says while a read is pending", async () => {
    const states: boolean[] = [];
    const read = await readPartBatch(parts(3, 10), 0, never, (pending) => states.push(pending));
    expect(read.parts).toHaveLength(1);
    expect(states).toEqual([true, false]);
  });

  it("rejects with Aborted when the signal aborts during a read", async () => {
    const controller = new AbortController();
    const pending = readPartBatch(parts(3, 10, 1_000), 2, controller.signal, () => {});
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(isStorageError(error, "Aborted")).toBe(true);
  });
});
