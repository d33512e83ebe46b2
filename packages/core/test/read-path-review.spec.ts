import { describe, expect, it } from "@jest/globals";
import { getEventListeners } from "node:events";
import { defineFeatures } from "../src/features.js";
import { isStorageError, storageError } from "../src/errors/storage-error.js";
import type { Storager } from "../src/storager.js";
import { openFake, ReadFakeDriver } from "./read-fake-driver.js";

const KiB = 1024;

/** Reads `path` through `read` and through `createReadStream`, and returns both errors (or both results). */
async function bothApis(store: Storager, options: object): Promise<unknown[]> {
  const viaRead = await store.read("obj", options).catch((e: unknown) => e);
  const viaStream = await (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of store.createReadStream("obj", options)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  })().catch((e: unknown) => e);
  return [viaRead, viaStream];
}

/** Lets streams finish closing. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe("an onProgress listener that throws", () => {
  // StorageError keeps a cause's name and (redacted) message, not the object itself.
  const bug = Object.assign(new Error("listener bug"), { name: "ListenerBug" });
  const throwing = (): void => {
    throw bug;
  };
  const cases: Array<[string, object]> = [
    ["one stream", {}],
    ["one stream, ranged", { offset: 10, size: 5 * KiB }],
    ["concurrent, in ranges", { readConcurrency: 2, readPartSize: 2 * KiB }],
    ["concurrent, fits one range", { readConcurrency: 2, readPartSize: 64 * KiB, size: 8 * KiB }],
  ];
  it.each(cases)("fails the read (%s) with Unexpected caused by the listener's error, and closes the body", async (_name, extra) => {
    const driver = new ReadFakeDriver(16 * KiB);
    const store = openFake(driver);
    for (const e of await bothApis(store, { ...extra, onProgress: throwing })) {
      expect(isStorageError(e, "Unexpected")).toBe(true);
      expect((e as Error).cause).toMatchObject({ name: "ListenerBug", message: "listener bug" });
      // The same message a write gives.
      expect((e as Error).message).toContain("the onProgress listener threw: listener bug");
      expect(e).toMatchObject({ op: "read", path: "obj" });
    }
    await settle();
    expect(driver.reads.length).toBeGreaterThan(0);
    expect(driver.open).toBe(0);
  });

  it("a StorageError the listener throws fails the read (and a write) as is", async () => {
    const driver = new ReadFakeDriver(16 * KiB);
    const store = openFake(driver);
    const denied = (): void => {
      throw storageError("PermissionDenied", "quota");
    };
    for (const extra of [{}, { readConcurrency: 2, readPartSize: 2 * KiB }]) {
      const e = await store.read("obj", { ...extra, onProgress: denied }).catch((err: unknown) => err);
      expect(isStorageError(e, "PermissionDenied")).toBe(true);
    }
    const w = await store.write("w", Buffer.alloc(10), { onProgress: denied }).catch((err: unknown) => err);
    expect(isStorageError(w, "PermissionDenied")).toBe(true);
  });

  it("fails a 0-byte read and an empty object's read the same way", async () => {
    const driver = new ReadFakeDriver(0);
    const store = openFake(driver);
    for (const options of [{ onProgress: throwing }, { size: 0, onProgress: throwing }]) {
      const e = await store.read("obj", options).catch((err: unknown) => err);
      expect(isStorageError(e, "Unexpected")).toBe(true);
      expect((e as Error).cause).toMatchObject({ name: "ListenerBug", message: "listener bug" });
    }
  });
});

describe("whole reads whose answer does not say the size (no Content-Length)", () => {
  it("are still checked against the announced CRC-64: a flipped byte or a cut body is IntegrityMismatch", async () => {
    const driver = new ReadFakeDriver(40 * KiB);
    driver.sizeless = true;
    const store = openFake(driver);
    expect((await store.read("obj")).equals(driver.data)).toBe(true);
    driver.flip = 5;
    for (const e of await bothApis(store, {})) {
      expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
      expect((e as Error).message).toContain("crc64 mismatch");
    }
    driver.flip = undefined;
    driver.cut = 30 * KiB;
    const cut = await store.read("obj").catch((e: unknown) => e);
    expect(isStorageError(cut, "IntegrityMismatch")).toBe(true);
  });

  it("leave ranged reads unchecked (the CRC-64 is the whole object's)", async () => {
    const driver = new ReadFakeDriver(40 * KiB);
    driver.sizeless = true;
    driver.flip = 20 * KiB;
    const got = await openFake(driver).read("obj", { offset: 10 * KiB, size: 20 * KiB });
    expect(got.length).toBe(20 * KiB);
  });
});

describe("read_concurrency: no stat for a read that cannot run in ranges", () => {
  it("a read whose size fits one range is one GET, no stat", async () => {
    const driver = new ReadFakeDriver(100 * KiB);
    const store = openFake(driver, "&read_concurrency=4&read_part_size=8KiB");
    expect((await store.read("obj", { size: 8 * KiB })).equals(driver.data.subarray(0, 8 * KiB))).toBe(true);
    expect((await store.read("obj", { offset: 50 * KiB, size: 100 })).equals(driver.data.subarray(50 * KiB, 50 * KiB + 100))).toBe(true);
    expect([driver.stats, driver.reads.length]).toEqual([0, 2]);
  });

  it("a whole read on a storage without CRC-64 is one GET, no stat; a larger ranged one still goes in ranges", async () => {
    const driver = new ReadFakeDriver(100 * KiB);
    driver.features = defineFeatures({ ...driver.features, crc64: false });
    const store = openFake(driver, "&read_concurrency=4&read_part_size=8KiB");
    expect((await store.read("obj")).equals(driver.data)).toBe(true);
    expect([driver.stats, driver.reads.length]).toEqual([0, 1]);
    expect((await store.read("obj", { offset: 1, size: 20 * KiB })).equals(driver.data.subarray(1, 1 + 20 * KiB))).toBe(true);
    expect([driver.stats, driver.reads.length]).toEqual([1, 4]);
  });

  it("a whole read where the size is unknown still stats (it may need ranges)", async () => {
    const driver = new ReadFakeDriver(100 * KiB);
    const store = openFake(driver, "&read_concurrency=4&read_part_size=8KiB");
    expect((await store.read("obj")).equals(driver.data)).toBe(true);
    expect(driver.stats).toBe(1);
    expect(driver.reads.length).toBe(13);
  });
});

describe("concurrent reads and the read's signal", () => {
  // Node prints MaxListenersExceededWarning once an EventTarget holds more than 10 listeners of one
  // event (jest's sandboxed process does not see that warning, so the test counts the listeners).
  it("add no more than a few abort listeners to any one signal at readConcurrency 16 (Node warns above 10)", async () => {
    const driver = new ReadFakeDriver(256 * KiB);
    const controller = new AbortController();
    const store = openFake(driver);
    for (const signal of [undefined, controller.signal]) {
      const got = await store.read("obj", { readConcurrency: 16, readPartSize: 4 * KiB, ...(signal ? { signal } : {}) });
      expect(got.equals(driver.data)).toBe(true);
    }
    expect(driver.reads.length).toBe(128);
    expect(driver.maxListeners).toBeGreaterThan(0);
    expect(driver.maxListeners).toBeLessThanOrEqual(3);
    await settle();
    expect(getEventListeners(controller.signal, "abort")).toEqual([]);
  });

  it("abort still stops every range in flight", async () => {
    const driver = new ReadFakeDriver(256 * KiB);
    const controller = new AbortController();
    const stream = openFake(driver).createReadStream("obj", { readConcurrency: 16, readPartSize: 4 * KiB, signal: controller.signal });
    const first = await new Promise<Buffer>((resolve) => stream.once("data", resolve));
    expect(first.equals(driver.data.subarray(0, first.length))).toBe(true); // the first range's first chunk
    const failed = new Promise<unknown>((resolve) => stream.once("error", resolve));
    controller.abort();
    expect(isStorageError(await failed, "Aborted")).toBe(true);
    await settle();
    expect(driver.open).toBe(0);
    expect(driver.reads.length).toBeLessThan(64);
  });
});

describe("reading a `dir/` path", () => {
  it("is ObjectModeInvalid for every size, offset and concurrency, without a GET", async () => {
    const driver = new ReadFakeDriver(10);
    const store = openFake(driver);
    for (const options of [{}, { size: 0 }, { offset: 1 }, { size: 5 }, { readConcurrency: 2, readPartSize: 1 }]) {
      const e = await store.read("dir/", options).catch((err: unknown) => err);
      expect(isStorageError(e, "ObjectModeInvalid")).toBe(true);
    }
    expect(driver.reads).toEqual([]);
  });
});
