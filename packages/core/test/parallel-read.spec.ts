import { describe, expect, it } from "@jest/globals";
import { randomFillSync } from "node:crypto";
import { getEventListeners } from "node:events";
import { Readable } from "node:stream";
import type { DriverCallOptions, DriverReadResult, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { isStorageError, storageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { httpPairs } from "../src/http/http-pairs.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";

/** A ranged-read driver that counts reads in flight and can fail, corrupt or replace the object on a given read. */
class RangeDriver implements StorageDriver {
  readonly service = "ranges";
  readonly name = "bucket";
  features = defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, readRange: true, crc64: true });
  data: Buffer;
  etag = '"v1"';
  stats = 0;
  readonly reads: Array<{ offset: number; size: number }> = [];
  inFlight = 0;
  maxInFlight = 0;
  /** What read number `n` (0-based) does wrong. */
  readonly faults = new Map<number, "fail" | "corrupt" | "replace" | "short" | "stall">();
  readonly statOptions: DriverCallOptions[] = [];
  /** Bodies still open (a stalled body stays open until destroyed). */
  open = 0;
  /** How stat writes the CRC-64 (a service may pad the decimal with zeros). */
  crcNotation = (crc: string): string => crc;

  constructor(size: number) {
    this.data = randomFillSync(Buffer.alloc(size));
  }

  async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
    this.stats++;
    this.statOptions.push(options);
    return { key, mode: "file", size: this.data.length, etag: this.etag, crc64: this.crcNotation(crc64Decimal(this.data)) };
  }

  async read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
    const n = this.reads.length;
    const offset = range.offset ?? 0;
    const size = range.size ?? this.data.length - offset;
    this.reads.push({ offset, size });
    const fault = this.faults.get(n);
    if (fault === "replace") {
      this.data = randomFillSync(Buffer.alloc(this.data.length));
      this.etag = '"v2"';
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.inFlight--;
    if (options.signal instanceof AbortSignal && options.signal.aborted) throw storageError("Aborted", "aborted");
    if (fault === "fail") throw storageError("ServiceInternal", "connection reset", { retryable: true });
    let body = Buffer.from(this.data.subarray(offset, offset + size));
    if (fault === "corrupt") body[0] = body[0]! ^ 0xff;
    if (fault === "short") body = body.subarray(0, body.length - 1);
    this.open++;
    const stream = fault === "stall" ? new Readable({ read() {} }) : Readable.from([body]);
    stream.once("close", () => this.open--);
    return { stream, object: { key, mode: "file", size: this.data.length, etag: this.etag } };
  }

  async write(): Promise<object> {
    return {};
  }
  async delete(): Promise<void> {}
  async listPage(): Promise<{ items: RawObject[] }> {
    return { items: [] };
  }
}

function open(driver: RangeDriver, query = ""): Storager {
  const definition: ServiceDefinition = { type: "ranges", packageName: "ranges", description: "test", pairs: { ...httpPairs }, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, `ranges://bucket/?retry_base_delay=0${query}`, "storager");
  return createStorager(driver, { ...resolved, definition });
}

const KiB = 1024;

describe("concurrent ranged reads (readConcurrency)", () => {
  it("reads in ranges of readPartSize, readConcurrency at once, in order", async () => {
    const driver = new RangeDriver(100 * KiB + 3);
    const store = open(driver);
    const got = await store.read("obj", { readConcurrency: 3, readPartSize: 10 * KiB });
    expect(got.equals(driver.data)).toBe(true);
    expect(driver.stats).toBe(1);
    expect(driver.reads.length).toBe(11);
    expect(driver.reads.map((r) => r.offset)).toEqual(Array.from({ length: 11 }, (_, i) => i * 10 * KiB));
    expect(driver.reads.at(-1)!.size).toBe(3);
    expect(driver.maxInFlight).toBe(3);
  });

  it("takes readConcurrency from the storager's open-time pairs too; one range or less is one plain read", async () => {
    const driver = new RangeDriver(50 * KiB);
    const store = open(driver, "&read_concurrency=4&read_part_size=8KiB");
    expect((await store.read("obj")).equals(driver.data)).toBe(true);
    expect([driver.reads.length, driver.maxInFlight]).toEqual([7, 4]);
    const small = new RangeDriver(8 * KiB);
    const smallStore = open(small, "&read_concurrency=4&read_part_size=8KiB");
    expect((await smallStore.read("obj")).equals(small.data)).toBe(true);
    expect([small.reads.length, small.stats]).toEqual([1, 1]);
  });

  it("reads a failed range again from its start, within the retry budget", async () => {
    const driver = new RangeDriver(40 * KiB);
    driver.faults.set(1, "fail");
    driver.faults.set(2, "short");
    const got = await open(driver).read("obj", { readConcurrency: 2, readPartSize: 10 * KiB });
    expect(got.equals(driver.data)).toBe(true);
    expect(driver.reads.length).toBe(6);
  });

  it("fails with IntegrityMismatch when the object changes during the read, or a range comes back corrupted", async () => {
    const replaced = new RangeDriver(40 * KiB);
    replaced.faults.set(2, "replace");
    const e1 = await open(replaced).read("obj", { readConcurrency: 2, readPartSize: 10 * KiB }).catch((e: unknown) => e);
    expect(isStorageError(e1, "IntegrityMismatch")).toBe(true);
    expect((e1 as Error).message).toContain("changed during the read");

    const corrupt = new RangeDriver(40 * KiB);
    corrupt.faults.set(1, "corrupt");
    const e2 = await open(corrupt).read("obj", { readConcurrency: 2, readPartSize: 10 * KiB }).catch((e: unknown) => e);
    expect(isStorageError(e2, "IntegrityMismatch")).toBe(true);
    expect((e2 as Error).message).toContain("crc64 mismatch");
  });

  it("fails a corrupted whole read before its last bytes: a consumer that stops at the size it expects never gets them all", async () => {
    const corrupt = new RangeDriver(40 * KiB);
    corrupt.faults.set(1, "corrupt");
    let received = 0;
    const error = await (async () => {
      for await (const chunk of open(corrupt).createReadStream("obj", { readConcurrency: 2, readPartSize: 10 * KiB })) {
        received += (chunk as Buffer).length;
        if (received === corrupt.data.length) return undefined; // a write that has its size stops reading here
      }
      return undefined;
    })().catch((e: unknown) => e);
    expect(isStorageError(error, "IntegrityMismatch")).toBe(true);
    expect(received).toBe(30 * KiB);
  });

  it("compares the stat's CRC-64 by value, not by notation (leading zeros)", async () => {
    const driver = new RangeDriver(40 * KiB);
    driver.crcNotation = (crc) => `000${crc}`;
    const got = await open(driver).read("obj", { readConcurrency: 2, readPartSize: 10 * KiB });
    expect(got.equals(driver.data)).toBe(true);
    expect(driver.reads.length).toBe(4);
  });

  it("stops promptly on abort and leaves no range unhandled", async () => {
    const driver = new RangeDriver(200 * KiB);
    const controller = new AbortController();
    const stream = open(driver).createReadStream("obj", { readConcurrency: 4, readPartSize: 10 * KiB, signal: controller.signal });
    let bytes = 0;
    const e = await (async () => {
      for await (const chunk of stream) {
        bytes += (chunk as Buffer).length;
        controller.abort();
      }
    })().catch((err: unknown) => err);
    expect(isStorageError(e, "Aborted")).toBe(true);
    expect(bytes).toBe(10 * KiB);
    expect(driver.reads.length).toBeLessThan(20);
  });
  it("destroying the stream cancels the ranges in flight at once, even a stalled one", async () => {
    const driver = new RangeDriver(100 * KiB);
    driver.faults.set(1, "stall");
    const stream = open(driver).createReadStream("obj", { readConcurrency: 3, readPartSize: 10 * KiB });
    const first = await new Promise<Buffer>((resolve) => stream.once("data", resolve));
    expect(first.length).toBe(10 * KiB);
    stream.pause();
    // Let the stalled range's body open: core, not the driver, must close it.
    for (let i = 0; i < 100 && driver.open === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(driver.open).toBeGreaterThan(0);
    stream.destroy();
    const closed = await Promise.race([
      new Promise<boolean>((resolve) => stream.once("close", () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
    ]);
    expect(closed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(driver.open).toBe(0);
    expect(driver.reads.length).toBeLessThanOrEqual(4);
  });

  it("a caller's destroy(err) errors the stream with that very error, as every Node stream does; the read's own failures carry its context", async () => {
    const driver = new RangeDriver(100 * KiB);
    const store = open(driver);
    const stream = store.createReadStream("obj", { readConcurrency: 3, readPartSize: 10 * KiB });
    await new Promise((resolve) => stream.once("readable", resolve));
    const mine = new Error("mine");
    const failed = new Promise<unknown>((resolve) => stream.once("error", resolve));
    stream.destroy(mine);
    expect(await failed).toBe(mine);
    // Leaving a for-await early is no failure of the read.
    for await (const chunk of store.createReadStream("obj", { readConcurrency: 3, readPartSize: 10 * KiB })) {
      expect((chunk as Buffer).length).toBe(10 * KiB);
      break;
    }
    driver.faults.set(driver.reads.length + 1, "corrupt");
    const bad = store.createReadStream("obj", { readConcurrency: 3, readPartSize: 10 * KiB });
    const error = await new Promise<unknown>((resolve) => bad.on("error", resolve).resume());
    expect(error).toMatchObject({ code: "IntegrityMismatch", op: "read", path: "obj" });
  });

  it("subscribes to the signal on the first read: streams created and never read hold nothing on it", async () => {
    const driver = new RangeDriver(100 * KiB);
    const controller = new AbortController();
    const store = open(driver);
    const options = { readConcurrency: 3, readPartSize: 10 * KiB, signal: controller.signal };
    const unread = Array.from({ length: 5 }, () => store.createReadStream("obj", options));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    for (const stream of unread) stream.destroy();
    const chunks: Buffer[] = [];
    for await (const chunk of store.createReadStream("obj", options)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(driver.data)).toBe(true);
    expect(driver.stats).toBe(1);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("an unread stream whose signal already aborted errors with Aborted once read", async () => {
    const driver = new RangeDriver(100 * KiB);
    const controller = new AbortController();
    controller.abort();
    const stream = open(driver).createReadStream("obj", { readConcurrency: 3, readPartSize: 10 * KiB, signal: controller.signal });
    const failed = new Promise<unknown>((resolve) => stream.once("error", resolve));
    stream.resume();
    expect(isStorageError(await failed, "Aborted")).toBe(true);
    expect(driver.stats).toBe(0);
  });

  it("errors a paused stream with Aborted as soon as the signal aborts", async () => {
    const driver = new RangeDriver(100 * KiB);
    const controller = new AbortController();
    const stream = open(driver).createReadStream("obj", { readConcurrency: 3, readPartSize: 10 * KiB, signal: controller.signal });
    await new Promise((resolve) => stream.once("readable", resolve));
    const failed = new Promise<unknown>((resolve) => stream.once("error", resolve));
    controller.abort();
    expect(isStorageError(await failed, "Aborted")).toBe(true);
  });

  it("sizes the object without the read's conditions; every ranged read carries them", async () => {
    const driver = new RangeDriver(30 * KiB);
    driver.features = defineFeatures({ ...driver.features, conditionalRead: true });
    const readOptions: DriverCallOptions[] = [];
    const read = driver.read.bind(driver);
    driver.read = (key, range, options) => (readOptions.push(options), read(key, range, options));
    const store = open(driver);
    await store.read("obj", { readConcurrency: 2, readPartSize: 10 * KiB, ifMatch: '"v1"' });
    expect(driver.statOptions[0]?.["ifMatch"]).toBeUndefined();
    expect(readOptions.map((o) => o["ifMatch"])).toEqual(['"v1"', '"v1"', '"v1"']);
  });

  it("keeps a whole read on one stream where the service has no CRC-64 to check the ranges against", async () => {
    const driver = new RangeDriver(100 * KiB);
    driver.features = defineFeatures({ ...driver.features, crc64: false });
    expect((await open(driver).read("obj", { readConcurrency: 4, readPartSize: 10 * KiB })).equals(driver.data)).toBe(true);
    expect(driver.reads.length).toBe(1);
    const part = await open(driver).read("obj", { readConcurrency: 4, readPartSize: 10 * KiB, offset: 5, size: 50 * KiB });
    expect(part.equals(driver.data.subarray(5, 5 + 50 * KiB))).toBe(true);
    expect(driver.reads.length).toBe(1 + 5);
  });
});
