import { describe, expect, it } from "@jest/globals";
import type { DriverCallOptions, StorageDriver } from "../src/driver/storage-driver.js";
import { isStorageError } from "../src/errors/storage-error.js";
import type { Progress } from "../src/options.js";
import { openRecording } from "./recording-driver.js";
import { rejection } from "./rejection.js";

/** What a driver reports while it copies: a retried range goes back, the last step repeats. */
const DRIVER_REPORTS: Progress[] = [
  { bytes: 0, total: 30 },
  { bytes: 10, total: 30 },
  { bytes: 5, total: 30 },
  { bytes: 20, total: 30 },
  { bytes: 30, total: 30 },
  { bytes: 30, total: 30 },
];

/** A recording storager whose copy, move and fetch report {@link DRIVER_REPORTS} through the options core gave them. */
function reportingStore() {
  const { driver: recording, store } = openRecording();
  const driver: StorageDriver = recording;
  const report = async (options: DriverCallOptions): Promise<void> => {
    for (const p of DRIVER_REPORTS) options.onProgress?.(p);
  };
  driver.copy = (_src: string, _dst: string, options: DriverCallOptions) => report(options);
  driver.move = (_src: string, _dst: string, options: DriverCallOptions) => report(options);
  driver.fetch = (_key: string, _url: string, options: DriverCallOptions) => report(options);
  return store;
}

const calls = {
  copy: (store: ReturnType<typeof reportingStore>, onProgress: (p: Progress) => void) => store.copy("a", "b", { onProgress }),
  move: (store: ReturnType<typeof reportingStore>, onProgress: (p: Progress) => void) => store.move("a", "b", { onProgress }),
  fetch: (store: ReturnType<typeof reportingStore>, onProgress: (p: Progress) => void) => store.fetch("b", "http://127.0.0.1:9/x", { onProgress }),
};

describe.each(Object.keys(calls) as Array<keyof typeof calls>)("%s: onProgress", (op) => {
  it("reaches the caller without reports that go backwards or repeat", async () => {
    const seen: Progress[] = [];
    await calls[op](reportingStore(), (p) => seen.push(p));
    expect(seen).toEqual([
      { bytes: 0, total: 30 },
      { bytes: 10, total: 30 },
      { bytes: 20, total: 30 },
      { bytes: 30, total: 30 },
    ]);
  });

  it("that throws fails the call with Unexpected (cause: what it threw) and is not called again", async () => {
    let called = 0;
    const thrown = new Error("stop here");
    const error = await rejection(
      calls[op](reportingStore(), () => {
        called++;
        if (called === 2) throw thrown;
      }),
    );
    expect(isStorageError(error, "Unexpected")).toBe(true);
    expect((error as Error).message).toContain("stop here");
    expect(((error as Error).cause as Error).message).toBe(thrown.message);
    expect(called).toBe(2);
  });
});

describe("copy without onProgress", () => {
  it("hands the driver no listener", async () => {
    const { driver, store } = openRecording();
    let given: unknown = "unset";
    (driver as StorageDriver).copy = async (_src: string, _dst: string, options: DriverCallOptions) => void (given = options.onProgress);
    await store.copy("a", "b");
    expect(given).toBeUndefined();
  });
});
