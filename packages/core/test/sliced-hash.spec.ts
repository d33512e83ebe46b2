import { describe, expect, it } from "@jest/globals";
import { randomFillSync } from "node:crypto";
import { isStorageError } from "../src/errors/storage-error.js";
import { crc64 } from "../src/integrity/crc64.js";
import { md5Base64 } from "../src/integrity/md5.js";
import { HASH_SLICE_BYTES, hashInSlices } from "../src/integrity/sliced-hash.js";
import { openRecording } from "./recording-driver.js";
import { rejection } from "./rejection.js";

const MiB = 1024 * 1024;

/** Counts turns of the event loop (setImmediate callbacks) until stopped; bounded by `max`. */
function turnCounter(max = 10_000): { turns: () => number; stop: () => void; onTurn?: (n: number) => void } {
  let n = 0;
  let stopped = false;
  const counter: { turns: () => number; stop: () => void; onTurn?: (n: number) => void } = {
    turns: () => n,
    stop: () => void (stopped = true),
  };
  const tick = (): void => {
    if (stopped || n >= max) return;
    n++;
    counter.onTurn?.(n);
    setImmediate(tick);
  };
  setImmediate(tick);
  return counter;
}

describe("hashInSlices", () => {
  it.each([0, 1, HASH_SLICE_BYTES - 1, HASH_SLICE_BYTES, HASH_SLICE_BYTES + 1, 2 * HASH_SLICE_BYTES + 17])("gives what inline hashing gives for %i bytes", async (size) => {
    const data = randomFillSync(Buffer.alloc(size));
    await expect(hashInSlices(data, true)).resolves.toEqual({ crc64: crc64(data), md5: md5Base64(data) });
    await expect(hashInSlices(data, false)).resolves.toEqual({ crc64: crc64(data) });
  });
});

describe("a single write too large for the hashing workers (above 64 MiB)", () => {
  const body = randomFillSync(Buffer.alloc(96 * MiB));

  it("lets the event loop turn while it is hashed", async () => {
    const { store } = openRecording();
    const counter = turnCounter();
    await store.write("big", body, { multipartThreshold: 128 * MiB });
    counter.stop();
    // One turn at least between every two slices (96 MiB: 12 slices); inline, the loop turned about once.
    expect(counter.turns()).toBeGreaterThanOrEqual(96 / 8 - 1);
  });

  it("stops at an abort during hashing: Aborted, nothing sent to the driver", async () => {
    const { driver, store } = openRecording();
    const controller = new AbortController();
    const counter = turnCounter();
    counter.onTurn = (n) => {
      if (n === 3) controller.abort();
    };
    const error = await rejection(store.write("big", body, { multipartThreshold: 128 * MiB, signal: controller.signal }));
    counter.stop();
    expect(isStorageError(error, "Aborted")).toBe(true);
    expect(driver.calls.filter((c) => c.method === "write")).toEqual([]);
  });
});
