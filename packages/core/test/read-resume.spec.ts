import { describe, expect, it } from "@jest/globals";
import { createHash, randomFillSync } from "node:crypto";
import { Readable } from "node:stream";
import type { DriverCallOptions, DriverReadResult, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { isStorageError, storageError, type StorageError } from "../src/errors/storage-error.js";
import { defineFeatures, type StorageFeatures } from "../src/features.js";
import { httpPairs } from "../src/http/http-pairs.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { networkError, pausedTimeoutError } from "../src/http/network-error.js";
import { identityChange, isPausedTimeout, isResumableFailure, ResumeBudget, waitBeforeResume } from "../src/storager/read-resume.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";
import { drainKeeping } from "./drain.js";

const KiB = 1024;
const CHUNK = 16 * KiB;

/** How one driver read misbehaves: its body stops after `after` bytes and then fails, closes or ends. */
interface Fault {
  after?: number;
  /** `close`: destroyed without an error (premature close); `end`: ends cleanly, short. */
  how?: Error | "close" | "end";
  /** The open itself throws this. */
  openError?: Error;
  /** Flip the first byte this read sends. */
  corrupt?: boolean;
  /** Runs when this read is opened (before its answer is built), e.g. to replace the object. */
  before?: () => void;
  /** Runs a turn after the body failed (the reader is then waiting to resume). */
  failed?: () => void;
}

interface Stored {
  data: Buffer;
  etag?: string;
  lastModified?: Date;
}

/** A ranged-read driver whose reads follow a script of {@link Fault}s (one per read, in order). */
class FlakyDriver implements StorageDriver {
  readonly service = "flaky";
  readonly name = "bucket";
  readonly objects = new Map<string, Stored>();
  readonly reads: Array<{ offset: number | undefined; size: number | undefined }> = [];
  readonly faults: Array<Fault | undefined> = [];
  /** Whether answers carry the whole-object CRC-64 (or, for services without one, its MD5) and the object's size. */
  announce = { crc64: true, object: true, md5: false };
  /** Applied to every read after the first (a fault on every try). */
  every: Fault | undefined;

  constructor(readonly features: Readonly<StorageFeatures>) {}

  async stat(key: string): Promise<RawObject> {
    const o = this.objects.get(key);
    if (!o) throw storageError("ObjectNotExist", key);
    return { key, mode: "file", size: o.data.length };
  }

  async read(key: string, range: { offset?: number; size?: number }, _options: DriverCallOptions): Promise<DriverReadResult> {
    this.reads.push({ offset: range.offset, size: range.size });
    const fault = this.faults.length > 0 ? this.faults.shift() : this.reads.length > 1 ? this.every : undefined;
    fault?.before?.();
    if (fault?.openError) throw fault.openError;
    const o = this.objects.get(key);
    if (!o) throw storageError("ObjectNotExist", key);
    const start = Math.min(range.offset ?? 0, o.data.length);
    const end = range.size === undefined ? o.data.length : Math.min(o.data.length, start + range.size);
    let body = Buffer.from(o.data.subarray(start, end));
    if (fault?.corrupt && body.length > 0) body[0] = body[0]! ^ 0xff;
    if (fault?.after !== undefined) body = body.subarray(0, fault.after);
    const object: RawObject = { key, mode: "file", size: o.data.length };
    if (o.etag !== undefined) object.etag = o.etag;
    if (o.lastModified !== undefined) object.lastModified = o.lastModified;
    return {
      stream: pieceStream(body, fault?.after === undefined ? undefined : (fault.how ?? reset()), fault?.failed),
      ...(this.announce.object ? { object } : {}),
      ...(this.announce.crc64 ? { crc64: crc64Decimal(o.data) } : {}),
      ...(this.announce.md5 ? { md5: createHash("md5").update(o.data).digest("hex") } : {}),
    };
  }

  async write(): Promise<object> {
    return {};
  }
  async delete(): Promise<void> {}
  async listPage(): Promise<{ items: RawObject[] }> {
    return { items: [] };
  }
}

/** A socket reset as the HTTP layer reports a broken body: a retryable ServiceInternal. */
function reset(): StorageError {
  return storageError("ServiceInternal", "network failure during response body (ECONNRESET)", { retryable: true });
}

/** `body` in 16 KiB chunks, then `end` (undefined: a normal end); `failed` runs a turn after a failure. */
function pieceStream(body: Buffer, end: Error | "close" | "end" | undefined, failed?: () => void): Readable {
  let at = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (at < body.length) {
        this.push(body.subarray(at, at + CHUNK));
        at += CHUNK;
      } else if (end === undefined || end === "end") {
        this.push(null);
      } else {
        setImmediate(() => {
          if (end === "close") this.destroy();
          else this.destroy(end);
          if (failed) setImmediate(failed);
        });
      }
    },
  });
}

function open(driver: FlakyDriver, query = ""): Storager {
  const definition: ServiceDefinition = { type: "flaky", packageName: "flaky", description: "test", pairs: { ...httpPairs }, newStorageDriver: () => driver };
  // The no-wait default, unless the case sets its own delay (a pair may be given only once).
  const delay = query.includes("retry_base_delay=") ? "" : "&retry_base_delay=0";
  const resolved = resolveOpenConfig(definition, `flaky://bucket/?${`${query}${delay}`.slice(1)}`, "storager");
  return createStorager(driver, { ...resolved, definition });
}

function setup(size = 300 * KiB, flags: Partial<StorageFeatures> = {}, query = "") {
  const driver = new FlakyDriver(defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, readRange: true, crc64: true, ...flags }));
  const data = randomFillSync(Buffer.alloc(size));
  driver.objects.set("obj", { data, etag: '"v1"' });
  return { driver, data, store: open(driver, query) };
}

describe("read: resuming a broken body", () => {
  it("resumes after a mid-body reset at the byte it stopped, with identical bytes and the CRC64 verified", async () => {
    const { driver, data, store } = setup();
    driver.faults.push({ after: 100 * KiB });
    const got = await store.read("obj");
    expect(got.equals(data)).toBe(true);
    expect(driver.reads).toEqual([
      { offset: undefined, size: undefined },
      { offset: 100 * KiB, size: 200 * KiB },
    ]);
  });

  it("the whole-object CRC64 covers every piece: a byte flipped in the resumed piece is an IntegrityMismatch", async () => {
    const { driver, store } = setup();
    driver.faults.push({ after: 100 * KiB }, { corrupt: true });
    const e = await store.read("obj").catch((x: unknown) => x);
    expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
    expect((e as Error).message).toMatch(/crc64 mismatch/);
    expect(driver.reads).toHaveLength(2);
  });

  it.each<[string, Error | "close" | "end"]>([
    ["a raw socket reset", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["a premature close", "close"],
    ["a body that ends short", "end"],
  ])("resumes after %s", async (_name, how) => {
    const { driver, data, store } = setup();
    driver.faults.push({ after: 64 * KiB, how });
    expect((await store.read("obj")).equals(data)).toBe(true);
    expect(driver.reads[1]).toEqual({ offset: 64 * KiB, size: data.length - 64 * KiB });
  });

  it("resumes a ranged read within its range, several times, with progress that never goes back", async () => {
    const { driver, data, store } = setup(400 * KiB);
    driver.faults.push({ after: 32 * KiB }, { after: 48 * KiB }, { after: 16 * KiB });
    const seen: Array<{ bytes: number; total?: number }> = [];
    const stream = store.createReadStream("obj", { offset: 1000, size: 200 * KiB, onProgress: (p: { bytes: number; total?: number }) => seen.push(p) });
    const { bytes, error } = await drainKeeping(stream);
    expect(error).toBeUndefined();
    expect(bytes.equals(data.subarray(1000, 1000 + 200 * KiB))).toBe(true);
    expect(driver.reads.map((r) => r.offset)).toEqual([1000, 1000 + 32 * KiB, 1000 + 80 * KiB, 1000 + 96 * KiB]);
    expect(driver.reads.map((r) => (r.offset ?? 0) + (r.size ?? 0))).toEqual(Array(4).fill(1000 + 200 * KiB));
    expect(seen.length).toBeGreaterThan(4);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes);
    expect(new Set(seen.map((p) => p.total))).toEqual(new Set([200 * KiB]));
    expect(seen.at(-1)!.bytes).toBe(200 * KiB);
  });

  it("an object replaced between pieces fails with IntegrityMismatch and none of the new object's bytes", async () => {
    const { driver, data, store } = setup();
    const other = randomFillSync(Buffer.alloc(data.length));
    driver.faults.push({ after: 100 * KiB }, { before: () => driver.objects.set("obj", { data: other, etag: '"v2"' }) });
    const { bytes, error } = await drainKeeping(store.createReadStream("obj"));
    expect(isStorageError(error, "IntegrityMismatch")).toBe(true);
    expect((error as Error).message).toMatch(/object changed during the read/);
    expect(bytes.length).toBeLessThanOrEqual(100 * KiB);
    expect(bytes.equals(data.subarray(0, bytes.length))).toBe(true);
    expect(driver.reads).toHaveLength(2);
  });

  it("without an ETag (the announced CRC-64 pins the version) the modification time is checked too; without a size the read is not resumed", async () => {
    const { driver, data, store } = setup(200 * KiB, { crc64: false });
    driver.objects.set("obj", { data, lastModified: new Date(1_000_000) });
    driver.faults.push({ after: 50 * KiB }, { before: () => driver.objects.set("obj", { data, lastModified: new Date(2_000_000) }) });
    const changed = await store.read("obj").catch((x: unknown) => x);
    expect(isStorageError(changed, "IntegrityMismatch")).toBe(true);
    expect((changed as Error).message).toMatch(/last-modified/);

    driver.announce.object = false;
    driver.reads.length = 0;
    driver.faults.push({ after: 50 * KiB });
    expect(await store.read("obj").catch((x: unknown) => (x as StorageError).code)).toBe("ServiceInternal");
    expect(driver.reads).toHaveLength(1);
  });

  it("a driver's whole-object MD5 (services without CRC-64) is checked across the pieces of a resumed read", async () => {
    const { driver, data, store } = setup(200 * KiB, { crc64: false });
    driver.announce = { crc64: false, object: true, md5: true };
    driver.faults.push({ after: 50 * KiB });
    expect((await store.read("obj")).equals(data)).toBe(true);
    expect(driver.reads).toHaveLength(2);
    // A byte flipped in the resumed piece: only the MD5 over all pieces can see it.
    driver.reads.length = 0;
    driver.faults.push({ after: 50 * KiB }, { corrupt: true });
    const error = await store.read("obj").catch((x: unknown) => x);
    expect(isStorageError(error, "IntegrityMismatch")).toBe(true);
    expect((error as Error).message).toMatch(/md5 mismatch/);
    expect(driver.reads).toHaveLength(2);
    // Ranged reads are not whole-object reads: no MD5 to check.
    driver.faults.push({ corrupt: true });
    const part = await store.read("obj", { offset: 10, size: 1000 });
    expect(part.equals(data.subarray(10, 1010))).toBe(false);
    expect(part.length).toBe(1000);
  });

  it("asks for the rest only once the reader wants data again, not while it is paused", async () => {
    const { driver, data, store } = setup(200 * KiB);
    // The body breaks right after filling the stream's buffer (64 KiB): the reader is not reading then.
    let broke!: () => void;
    const broken = new Promise<void>((resolve) => (broke = resolve));
    driver.faults.push({ after: 64 * KiB, failed: () => broke() });
    const stream = store.createReadStream("obj");
    stream.on("readable", () => undefined); // starts the read, consumes nothing
    await broken;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(driver.reads).toHaveLength(1);
    stream.removeAllListeners("readable");
    const { bytes, error } = await drainKeeping(stream);
    expect(error).toBeUndefined();
    expect(bytes.equals(data)).toBe(true);
    expect(driver.reads).toEqual([
      { offset: undefined, size: undefined },
      { offset: 64 * KiB, size: 136 * KiB },
    ]);
  });

  it("an abort while waiting to resume ends the read with Aborted at once", async () => {
    const { driver, store } = setup(200 * KiB, {}, "&retry_base_delay=1h&retry_max_delay=1h");
    const controller = new AbortController();
    driver.faults.push({ after: 50 * KiB, failed: () => controller.abort() });
    const stream = store.createReadStream("obj", { signal: controller.signal });
    stream.resume();
    const error = await new Promise((resolve) => stream.once("error", resolve));
    expect(isStorageError(error, "Aborted")).toBe(true);
    expect(driver.reads).toHaveLength(1);
  });

  it("destroying the stream while it waits to resume stops everything", async () => {
    const { driver, store } = setup(200 * KiB, {}, "&retry_base_delay=1h&retry_max_delay=1h");
    const stream = store.createReadStream("obj");
    driver.faults.push({ after: 50 * KiB, how: "close", failed: () => stream.destroy() });
    const errors: unknown[] = [];
    stream.on("error", (e) => errors.push(e));
    const closed = new Promise((resolve) => stream.once("close", resolve));
    stream.resume();
    await closed;
    expect(errors).toEqual([]);
    expect(driver.reads).toHaveLength(1);
  });

  it.each([
    ["", 4],
    ["&max_retries=1", 2],
    ["&max_retries=0", 1],
  ])("gives up after the bounded number of resumes (%s: %i reads) with the last error", async (query, reads) => {
    const { driver, store } = setup(300 * KiB, {}, query);
    driver.faults.push({ after: 10 * KiB });
    driver.every = { after: 10 * KiB };
    const e = await store.read("obj").catch((x: unknown) => x);
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    expect((e as StorageError).op).toBe("read");
    expect(driver.reads).toHaveLength(reads);
  });

  it("resumes after paused-body timeouts (a reader holding back) use none of max_retries, yet stay bounded", async () => {
    // As the HTTP client reports it: the reader left the body paused past the paused-body bound.
    const paused = (): StorageError => networkError(pausedTimeoutError(600_000), "response body");
    // Five paused timeouts, each after 50 KiB more, with max_retries=1: the read still succeeds.
    const { driver, data, store } = setup(300 * KiB, {}, "&max_retries=1");
    for (let i = 0; i < 5; i++) driver.faults.push({ after: 50 * KiB, how: paused() });
    expect((await store.read("obj")).equals(data)).toBe(true);
    expect(driver.reads).toHaveLength(6);
    // A real failure after them still has the whole budget (1): resumed once more, then it fails.
    driver.reads.length = 0;
    for (let i = 0; i < 3; i++) driver.faults.push({ after: 50 * KiB, how: paused() });
    driver.faults.push({ after: 10 * KiB }, { after: 10 * KiB });
    expect(isStorageError(await store.read("obj").catch((x: unknown) => x), "ServiceInternal")).toBe(true);
    expect(driver.reads).toHaveLength(5);
    // No bytes between two paused timeouts: the second counts against the budget (no loop).
    driver.reads.length = 0;
    driver.faults.push({ after: 10 * KiB, how: paused() });
    driver.every = { after: 0, how: paused() };
    const e = await store.read("obj").catch((x: unknown) => x);
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    expect(isPausedTimeout(e)).toBe(true);
    expect(driver.reads).toHaveLength(3); // the first, one free resume, one counted (max_retries=1)
    // max_retries=0 still turns resuming off.
    const off = setup(300 * KiB, {}, "&max_retries=0");
    off.driver.faults.push({ after: 50 * KiB, how: paused() });
    expect(isStorageError(await off.store.read("obj").catch((x: unknown) => x), "ServiceInternal")).toBe(true);
    expect(off.driver.reads).toHaveLength(1);
  });

  it("a body that keeps ending short after the resumes is a retryable ServiceInternal (too few bytes, none wrong), as a reset is", async () => {
    const { driver, store } = setup(100 * KiB, {}, "&max_retries=2");
    driver.faults.push({ after: 1 * KiB, how: "end" });
    driver.every = { after: 1 * KiB, how: "end" };
    const e = await store.read("obj").catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect((e as Error).message).toContain("the body ended after 3072 of 102400 bytes, and its 2 resumes are used up (max_retries)");
    expect(driver.reads).toHaveLength(3);
    // Without resuming (max_retries=0) the first short end is the same error.
    const off = setup(100 * KiB, {}, "&max_retries=0");
    off.driver.faults.push({ after: 1 * KiB, how: "end" });
    expect(await off.store.read("obj").catch((x: unknown) => x)).toMatchObject({ code: "ServiceInternal", retryable: true, message: expect.stringContaining("resuming is off (max_retries=0)") });
    expect(off.driver.reads).toHaveLength(1);
  });

  it("a failed re-open is tried again within the budget; a missing object stops it", async () => {
    const { driver, data, store } = setup();
    driver.faults.push({ after: 100 * KiB }, { openError: reset() });
    expect((await store.read("obj")).equals(data)).toBe(true);
    expect(driver.reads).toHaveLength(3);

    driver.reads.length = 0;
    driver.faults.push({ after: 100 * KiB }, { before: () => driver.objects.delete("obj") });
    expect(await store.read("obj").catch((x: unknown) => (x as StorageError).code)).toBe("ObjectNotExist");
    expect(driver.reads).toHaveLength(2);
  });

  it.each<[string, Error]>([
    ["a non-retryable StorageError", storageError("PermissionDenied", "denied")],
    ["a ServiceInternal marked not retryable", storageError("ServiceInternal", "TLS failure", { retryable: false })],
    ["an IntegrityMismatch from the driver", storageError("IntegrityMismatch", "md5 mismatch")],
    ["a raw disk error", Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" })],
  ])("does not resume after %s", async (_name, how) => {
    const { driver, store } = setup();
    driver.faults.push({ after: 100 * KiB, how });
    const e = await store.read("obj").catch((x: unknown) => x);
    expect(isStorageError(e)).toBe(true);
    expect((e as StorageError).code).toBe(isStorageError(how) ? how.code : "Unexpected");
    expect(driver.reads).toHaveLength(1);
  });

  it("does not resume when the storage cannot read ranges", async () => {
    const { driver, store } = setup(300 * KiB, { readRange: false });
    driver.faults.push({ after: 100 * KiB });
    expect(await store.read("obj").catch((x: unknown) => (x as StorageError).code)).toBe("ServiceInternal");
    expect(driver.reads).toHaveLength(1);
  });
});

describe("read-resume helpers", () => {
  const base = { size: 10, etag: '"a"', lastModified: 5, crc64: "1", md5: undefined };

  it("identityChange: same object, or the reason it differs", () => {
    expect(identityChange(base, { ...base })).toBeUndefined();
    expect(identityChange(base, { ...base, lastModified: 6 })).toBeUndefined(); // the ETag decides when there is one
    expect(identityChange(base, { ...base, size: 11 })).toMatch(/size/);
    expect(identityChange(base, { ...base, etag: '"b"' })).toMatch(/etag/);
    expect(identityChange(base, { ...base, etag: undefined })).toMatch(/etag/);
    expect(identityChange(base, { ...base, crc64: "2" })).toMatch(/crc64/);
    expect(identityChange(base, { ...base, crc64: undefined })).toBeUndefined();
    expect(identityChange({ ...base, md5: "aa" }, { ...base, md5: "bb" })).toMatch(/md5/);
    expect(identityChange({ ...base, md5: "aa" }, { ...base, md5: "aa" })).toBeUndefined();
    expect(identityChange({ ...base, etag: undefined }, { ...base, etag: undefined, lastModified: 6 })).toMatch(/last-modified/);
  });

  it("isResumableFailure: retryable and network failures, never aborts", () => {
    expect(isResumableFailure(reset(), undefined)).toBe(true);
    expect(isResumableFailure(storageError("RequestThrottled", "slow"), undefined)).toBe(true);
    expect(isResumableFailure(storageError("Aborted", "stop", { retryable: true }), undefined)).toBe(false);
    expect(isResumableFailure(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }), undefined)).toBe(true);
    expect(isResumableFailure(Object.assign(new Error("aborted"), { name: "AbortError" }), undefined)).toBe(false);
    const aborted = AbortSignal.abort();
    expect(isResumableFailure(reset(), aborted)).toBe(false);
  });

  it("waitBeforeResume ends early when stopped; ResumeBudget honours max_retries and its delays", async () => {
    const stop = new AbortController();
    const waiting = waitBeforeResume(3_600_000, stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(await waitBeforeResume(0, new AbortController().signal)).toBe(true);

    const budget = new ResumeBudget({ workDir: "/", maxRetries: 2, retryBaseDelay: 100, retryMaxDelay: 150 }, () => 0.999);
    expect([budget.left, budget.take(), budget.left, budget.take(), budget.left, budget.resumes]).toEqual([true, 99, true, 149, false, 2]);
    const fallback = new ResumeBudget({ workDir: "/" }, () => 0);
    for (let i = 0; i < 3; i++) expect(fallback.take()).toBe(0);
    expect(fallback.left).toBe(false);
  });
});
