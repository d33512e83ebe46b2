import { describe, expect, it } from "@jest/globals";
import { Readable } from "node:stream";
import type { DriverCallOptions, DriverReadResult, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { isStorageError, storageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { httpPairs } from "../src/http/http-pairs.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { checkEtagConditions } from "../src/object/etag-conditions.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { createStorager } from "../src/storager/create-storager.js";
import { identityChange, versionPinned, type ObjectIdentity } from "../src/storager/read-resume.js";
import type { Storager } from "../src/storager.js";
import { drainKeeping } from "./drain.js";

// Objects whose version nothing pins: no ETag and no CRC-64 (a QingStor multipart object another
// tool completed without an ETag). Last-Modified (one-second steps) cannot tell two versions of the
// same size apart, so such a read must neither be resumed nor split into ranges.

const KiB = 1024;
const SAME_SECOND = new Date(1_700_000_000_000);

interface Version {
  data: Buffer;
  etag?: string;
  /** Announce the whole object's CRC-64 on every answer. */
  crc64?: boolean;
}

/** A ranged-read driver of one key whose object can be replaced between reads; every version has the same Last-Modified. */
class VersionDriver implements StorageDriver {
  readonly service = "versions";
  readonly name = "bucket";
  readonly features = defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, readRange: true, crc64: false, conditionalRead: true });
  readonly reads: Array<{ offset: number; size: number | undefined }> = [];
  /** Read number (0-based) → the version that is there from that read on. */
  readonly replaceAt = new Map<number, Version>();
  /** Read number → its body ends cleanly after this many bytes (`end`) or breaks with a reset. */
  readonly cutAt = new Map<number, { after: number; how: "reset" | "end" }>();

  constructor(public version: Version) {}

  async stat(key: string): Promise<RawObject> {
    return this.describe(key);
  }

  async read(key: string, range: { offset?: number; size?: number }, _options: DriverCallOptions): Promise<DriverReadResult> {
    const n = this.reads.length;
    const offset = range.offset ?? 0;
    this.reads.push({ offset, size: range.size });
    const next = this.replaceAt.get(n);
    if (next !== undefined) this.version = next;
    const { data } = this.version;
    let body = Buffer.from(data.subarray(offset, range.size === undefined ? data.length : offset + range.size));
    const cut = this.cutAt.get(n);
    if (cut !== undefined) body = body.subarray(0, cut.after);
    let sent = false;
    const stream = new Readable({
      read() {
        if (!sent) {
          sent = true;
          this.push(body);
        } else if (cut?.how === "reset") {
          setImmediate(() => this.destroy(storageError("ServiceInternal", "network failure during response body (ECONNRESET)", { retryable: true })));
        } else {
          this.push(null);
        }
      },
    });
    return { stream, object: this.describe(key), ...(this.version.crc64 ? { crc64: crc64Decimal(data) } : {}) };
  }

  private describe(key: string): RawObject {
    const o: RawObject = { key, mode: "file", size: this.version.data.length, lastModified: SAME_SECOND };
    if (this.version.etag !== undefined) o.etag = this.version.etag;
    return o;
  }

  async write(): Promise<object> {
    return {};
  }
  async delete(): Promise<void> {}
  async listPage(): Promise<{ items: RawObject[] }> {
    return { items: [] };
  }
}

function open(driver: VersionDriver): Storager {
  const definition: ServiceDefinition = { type: "versions", packageName: "versions", description: "test", pairs: { ...httpPairs }, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, "versions://bucket/?retry_base_delay=0", "storager");
  return createStorager(driver, { ...resolved, definition });
}

const A = Buffer.alloc(64 * KiB, 0x41);
const B = Buffer.alloc(64 * KiB, 0x42);

describe("a read of an object without an ETag or CRC-64", () => {
  it.each(["reset", "end"] as const)("is not resumed after a broken body (%s): ServiceInternal, never the bytes of the version that replaced it", async (how) => {
    const driver = new VersionDriver({ data: A });
    driver.cutAt.set(0, { after: 16 * KiB, how });
    driver.replaceAt.set(1, { data: B });
    const { bytes, error } = await drainKeeping(open(driver).createReadStream("obj"));
    expect(isStorageError(error, "ServiceInternal")).toBe(true);
    expect((error as { retryable?: boolean }).retryable).toBe(true);
    expect((error as Error).message).toMatch(/not resumed: the object has no ETag or CRC-64/);
    expect(bytes.equals(A.subarray(0, bytes.length))).toBe(true);
    expect(driver.reads).toHaveLength(1);
  });

  it("is not split into ranges: readConcurrency reads it as one stream, so one version", async () => {
    const driver = new VersionDriver({ data: A });
    driver.replaceAt.set(1, { data: B }); // a second GET would see B
    const got = await open(driver).read("obj", { offset: 1, readConcurrency: 2, readPartSize: 8 * KiB });
    expect(got.equals(A.subarray(1))).toBe(true);
    expect(driver.reads).toEqual([{ offset: 1, size: undefined }]);
  });

  it("with an ETag, is still resumed and read in ranges", async () => {
    const driver = new VersionDriver({ data: A, etag: '"a"' });
    driver.cutAt.set(0, { after: 16 * KiB, how: "reset" });
    const store = open(driver);
    expect((await store.read("obj")).equals(A)).toBe(true);
    expect(driver.reads).toHaveLength(2);
    driver.reads.length = 0;
    driver.cutAt.clear();
    expect((await store.read("obj", { offset: 1, readConcurrency: 2, readPartSize: 8 * KiB })).equals(A.subarray(1))).toBe(true);
    expect(driver.reads).toHaveLength(8);
  });

  it("pinned by an announced CRC-64 alone, is resumed; an ETag that appears on the resumed answer is a change", async () => {
    const driver = new VersionDriver({ data: A, crc64: true });
    driver.cutAt.set(0, { after: 16 * KiB, how: "reset" });
    const store = open(driver);
    expect((await store.read("obj")).equals(A)).toBe(true);
    expect(driver.reads).toHaveLength(2);
    // The same bytes, now with an ETag: another version as far as anyone can tell.
    driver.reads.length = 0;
    driver.cutAt.set(0, { after: 16 * KiB, how: "reset" });
    driver.replaceAt.set(1, { data: A, crc64: true, etag: '"new"' });
    const { bytes, error } = await drainKeeping(store.createReadStream("obj", { offset: 1 }));
    expect(isStorageError(error, "IntegrityMismatch")).toBe(true);
    expect((error as Error).message).toMatch(/etag \(none\) became "new"/);
    expect(bytes.length).toBe(16 * KiB);
  });

  it("a read of 0 bytes: `*` matches the object although it has no ETag, as the service's GET does", async () => {
    const store = open(new VersionDriver({ data: A }));
    expect((await store.read("obj", { size: 0, ifMatch: "*" })).length).toBe(0);
    const e = await store.read("obj", { size: 0, ifNoneMatch: "*" }).catch((x: unknown) => x);
    expect(isStorageError(e, "Conflict")).toBe(true);
    expect((e as { statusCode?: number }).statusCode).toBe(304);
    // A named ETag never matches an object without one.
    const named = await store.read("obj", { size: 0, ifMatch: '"a"' }).catch((x: unknown) => x);
    expect((named as { statusCode?: number }).statusCode).toBe(412);
    expect((await store.read("obj", { size: 0, ifNoneMatch: '"a"' })).length).toBe(0);
  });
});

describe("identity helpers", () => {
  const none: ObjectIdentity = { size: 10, etag: undefined, lastModified: 5, crc64: undefined, md5: undefined };

  it("versionPinned: an ETag or a CRC-64, never Last-Modified alone", () => {
    expect(versionPinned(none)).toBe(false);
    expect(versionPinned({ ...none, etag: '"a"' })).toBe(true);
    expect(versionPinned({ ...none, crc64: "1" })).toBe(true);
  });

  it("identityChange: an ETag that appears or disappears is a change; an unpinned first answer is never confirmed", () => {
    expect(identityChange({ ...none, crc64: "1" }, { ...none, crc64: "1", etag: '"b"' })).toMatch(/etag \(none\) became "b"/);
    expect(identityChange({ ...none, etag: '"a"' }, none)).toMatch(/etag "a" became \(none\)/);
    expect(identityChange(none, { ...none })).toMatch(/nothing identifies/);
    expect(identityChange({ ...none, crc64: "1" }, { ...none })).toMatch(/crc64 1 became \(none\)/);
    expect(identityChange({ ...none, crc64: "1" }, { ...none, crc64: "1" })).toBeUndefined();
    expect(identityChange({ ...none, crc64: "1" }, { ...none, crc64: "1", lastModified: 6 })).toMatch(/last-modified/);
  });

  it("checkEtagConditions: `*` follows whether the object exists, not whether it has an ETag", () => {
    expect(() => checkEtagConditions(undefined, { ifMatch: "*" }, true)).not.toThrow();
    expect(() => checkEtagConditions(undefined, { ifNoneMatch: "*" }, true)).toThrow(/not modified/);
    expect(() => checkEtagConditions(undefined, { ifMatch: "*" })).toThrow(/if_match/); // no object
    expect(() => checkEtagConditions(undefined, { ifMatch: '"x"' }, true)).toThrow(/if_match/);
  });
});
