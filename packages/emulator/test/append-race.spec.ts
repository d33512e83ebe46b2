import { afterEach, describe, expect, it } from "@jest/globals";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { crc64 } from "@stowage/core";
import { startEmulator, type Emulator } from "../src/index.js";
import { MemoryBlobStore, type BlobRef, type BlobStore } from "../src/store/blob-store.js";
import { DirBlobStore } from "../src/store/dir-blob-store.js";
import { NoMetadataSink } from "../src/store/metadata-sink.js";
import { ObjectStore } from "../src/store/object-store.js";
import type { ReceivedBody } from "../src/store/types.js";
import { cosRequest, errorCode, ossRequest, qsRequest, type RawRequest, type RawResponse } from "./raw-client.js";

// Appends to one key run one at a time in the store: with blobs on disk (dataDir), two first
// appends at position 0 used to both pass their check while the first one's bytes were written,
// and a later append used to publish the object's new size before its bytes were stored.

/** A body of `size` bytes of `fill`, in `pieces` chunks (more chunks: more writes to interleave). */
function body(fill: number, size: number, pieces = 1): ReceivedBody {
  const data = Buffer.alloc(size, fill);
  const step = Math.ceil(size / pieces);
  const chunks: Buffer[] = [];
  for (let at = 0; at < size; at += step) chunks.push(data.subarray(at, at + step));
  return { chunks, size, md5: createHash("md5").update(data).digest(), crc64: crc64(data) };
}

const attrs = { contentType: "application/octet-stream", metadata: {}, storageClass: "STANDARD" };

async function bytesOf(store: ObjectStore, key: string, o = store.object("b", key)): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of store.read(o) as Readable) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** A blob store whose appends wait for `release()`, so a test can look at the store meanwhile. */
class GatedBlobStore implements BlobStore {
  private readonly inner = new MemoryBlobStore();
  waiting = 0;
  private release: (() => void) | undefined;
  private readonly gate = new Promise<void>((r) => (this.release = r));
  open(): void {
    this.release!();
  }
  put(id: string, chunks: readonly Buffer[]): Promise<void> {
    return this.inner.put(id, chunks);
  }
  concat(id: string, sources: readonly BlobRef[]): Promise<void> {
    return this.inner.concat(id, sources);
  }
  async append(id: string, chunks: readonly Buffer[], at?: number): Promise<void> {
    this.waiting++;
    await this.gate;
    return this.inner.append(id, chunks, at);
  }
  read(id: string, start: number, end: number): Readable {
    return this.inner.read(id, start, end);
  }
  remove(id: string): Promise<void> {
    return this.inner.remove(id);
  }
}

describe("object store appends, blobs on disk", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function diskStore(): Promise<ObjectStore> {
    dir = await mkdtemp(join(tmpdir(), "emu-append-"));
    const store = new ObjectStore({ blobs: new DirBlobStore(dir), meta: new NoMetadataSink(), discard: false, clock: Date.now });
    await store.createBucket("b", "r");
    return store;
  }

  it("of two first appends at position 0 onto a missing key, exactly one is stored; the other is PositionMismatch", async () => {
    const store = await diskStore();
    const results = await Promise.allSettled([store.appendObject("b", "log", 0, body(0x41, 100_000), attrs), store.appendObject("b", "log", 0, body(0x42, 100_000), attrs)]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toMatchObject({ kind: "PositionMismatch", extra: { NextAppendPosition: "100000" } });
    const winner = results[0]!.status === "fulfilled" ? 0x41 : 0x42;
    expect((await bytesOf(store, "log")).equals(Buffer.alloc(100_000, winner))).toBe(true);
  });

  it("an append issued while the previous one is writing goes after it, its bytes not mixed with the earlier ones", async () => {
    const store = await diskStore();
    await store.appendObject("b", "log", 0, body(0x30, 10), attrs);
    const first = store.appendObject("b", "log", 10, body(0x41, 64_000, 64), attrs);
    const second = store.appendObject("b", "log", 64_010, body(0x42, 64_000, 64), attrs);
    await first;
    const o = await second;
    expect(o.size).toBe(128_010);
    const expected = Buffer.concat([Buffer.alloc(10, 0x30), Buffer.alloc(64_000, 0x41), Buffer.alloc(64_000, 0x42)]);
    expect((await bytesOf(store, "log")).equals(expected)).toBe(true);
    expect(o.crc64).toBe(crc64(expected).toString());
  });
});

/** A directory blob store whose next append writes its first chunk, then fails (a disk that fills up). */
class FailingOnceBlobStore extends DirBlobStore {
  failNext = false;
  override async append(id: string, chunks: readonly Buffer[], at?: number): Promise<void> {
    if (!this.failNext) return super.append(id, chunks, at);
    this.failNext = false;
    await super.append(id, chunks.slice(0, 1), at);
    throw new Error("ENOSPC: no space left on device");
  }
}

describe("object store appends: a failed append", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("leaves the object as it was, and the next append at its length stores exactly its bytes after it", async () => {
    dir = await mkdtemp(join(tmpdir(), "emu-append-fail-"));
    const blobs = new FailingOnceBlobStore(dir);
    const store = new ObjectStore({ blobs, meta: new NoMetadataSink(), discard: false, clock: Date.now });
    await store.createBucket("b", "r");
    const first = await store.appendObject("b", "log", 0, body(0x30, 10), attrs);
    blobs.failNext = true;
    await expect(store.appendObject("b", "log", 10, body(0x41, 1000, 10), attrs)).rejects.toThrow("ENOSPC");
    expect(store.object("b", "log")).toEqual(first);
    const o = await store.appendObject("b", "log", 10, body(0x42, 5), attrs);
    const expected = Buffer.concat([Buffer.alloc(10, 0x30), Buffer.alloc(5, 0x42)]);
    expect(o.size).toBe(15);
    expect((await bytesOf(store, "log")).equals(expected)).toBe(true);
    expect(o.crc64).toBe(crc64(expected).toString());
  });
});

describe("object store appends: the new size appears with the bytes", () => {
  it("while an append's bytes are being stored, the object keeps its old size, and a delete waits for the append", async () => {
    const blobs = new GatedBlobStore();
    const store = new ObjectStore({ blobs, meta: new NoMetadataSink(), discard: false, clock: Date.now });
    await store.createBucket("b", "r");
    await store.appendObject("b", "log", 0, body(0x30, 10), attrs);
    const pending = store.appendObject("b", "log", 10, body(0x41, 5), attrs);
    while (blobs.waiting === 0) await new Promise((r) => setImmediate(r));
    const o = store.object("b", "log");
    expect(o.size).toBe(10);
    expect((await bytesOf(store, "log")).equals(Buffer.alloc(10, 0x30))).toBe(true);
    // Queued behind the pending append: checked against the length that one leaves.
    const stale = store.appendObject("b", "log", 10, body(0x42, 1), attrs);
    const deleted = store.deleteObject("b", "log");
    blobs.open();
    expect((await pending).size).toBe(15);
    await expect(stale).rejects.toMatchObject({ kind: "PositionMismatch", extra: { NextAppendPosition: "15" } });
    expect(await deleted).toBe(true);
    expect(() => store.object("b", "log")).toThrow(expect.objectContaining({ kind: "NoSuchKey" }));
  });
});

/** Resolves when `ready()` holds, checking it once per macrotask (at most 5,000 times). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 5000 && !ready(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!ready()) throw new Error("the emulator never received the requests");
}

interface Flavour {
  provider: "cos" | "oss" | "qingstor";
  bucket: string;
  send: (emu: Emulator, r: RawRequest) => Promise<RawResponse>;
  mismatch: string;
}

const FLAVOURS: Flavour[] = [
  { provider: "cos", bucket: "race-1250000000", send: cosRequest, mismatch: "AppendPositionErr" },
  { provider: "oss", bucket: "race-oss", send: ossRequest, mismatch: "PositionNotEqualToLength" },
  { provider: "qingstor", bucket: "race-qs", send: qsRequest, mismatch: "invalid_argument" },
];

describe.each(FLAVOURS)("$provider with dataDir: two first appends at position 0", (f) => {
  let emu: Emulator | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  it("exactly one is stored; the other gets the provider's position mismatch", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "emu-append-race-"));
    emu = await startEmulator({ provider: f.provider, buckets: [f.bucket], dataDir });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const append = (fill: number): Promise<RawResponse> =>
      f.send(emu!, { method: "POST", bucket: f.bucket, key: "log", query: [["append", undefined], ["position", "0"]], body: Buffer.alloc(100_000, fill), hold: { bytes: 1, release: released } });
    const answers = Promise.all([append(0x41), append(0x42)]);
    // Both requests are routed (their headers in, the handlers' own position check made) before either body completes.
    await until(() => (emu!.stats().byOperation["AppendObject"] ?? 0) >= 2);
    release();
    const [a, b] = await answers;
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect(statuses[1]).not.toBe(200);
    const refused = a.status === 200 ? b : a;
    expect(errorCode(refused)).toBe(f.mismatch);
    const read = await f.send(emu, { method: "GET", bucket: f.bucket, key: "log" });
    expect(read.body).toBe(String.fromCharCode(a.status === 200 ? 0x41 : 0x42).repeat(100_000));
  });
});
