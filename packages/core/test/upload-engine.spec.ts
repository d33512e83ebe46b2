import { describe, expect, it } from "@jest/globals";
import { isStorageError, storageError } from "../src/errors/storage-error.js";
import { crc64, crc64Decimal } from "../src/integrity/crc64.js";
import { hashPool } from "../src/integrity/hash-pool.js";
import { md5Base64, md5Hex } from "../src/integrity/md5.js";
import { uploadMultipart } from "../src/multipart/upload-engine.js";
import type { MultipartTarget, MultipartUploadOptions } from "../src/multipart/upload-types.js";
import type { Part } from "../src/object/object-info.js";

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Resolves after `n` event-loop turns, or rejects with Aborted when the signal fires. */
function turns(n: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(storageError("Aborted", "part cancelled"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    void (async () => {
      for (let i = 0; i < n && !signal.aborted; i++) await tick();
      signal.removeEventListener("abort", onAbort);
      if (!signal.aborted) resolve();
    })();
  });
}

interface Stored {
  data: Buffer;
  part: Part;
}

/** An in-memory multipart service with knobs for faults. */
class FakeTarget implements MultipartTarget {
  readonly uploads = new Map<string, Map<number, Stored>>();
  readonly calls = { create: 0, writePart: [] as number[], complete: 0, abort: 0, discard: 0, listParts: 0 };
  readonly checks: Array<{ crc64: string; contentMd5?: string }> = [];
  object: Buffer | undefined;
  completedParts: Part[] | undefined;
  inFlight = 0;
  maxInFlight = 0;
  finishedBytes = 0;
  cancelledParts = 0;
  /** Event-loop turns a part takes. */
  delay: (index: number) => number = (i) => ((i * 7) % 5) + 1;
  failOn: number | undefined;
  hangParts = false;
  wrongPartCrcOn: number | undefined;
  /** How many times part `wrongPartCrcOn` is stored wrong (default: every time). */
  wrongPartCrcTimes = Number.POSITIVE_INFINITY;
  wrongCompleteCrc = false;
  serviceHasCrc = true;
  private next = 0;

  async create(): Promise<string> {
    this.calls.create++;
    const id = `up-${++this.next}`;
    this.uploads.set(id, new Map());
    return id;
  }

  async writePart(id: string, index: number, data: Buffer, checks: { crc64: string; contentMd5?: string }, signal: AbortSignal): Promise<Part> {
    this.calls.writePart.push(index);
    this.checks.push(checks);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      try {
        await (this.hangParts ? turns(Number.MAX_SAFE_INTEGER, signal) : turns(this.delay(index), signal));
      } catch (e) {
        this.cancelledParts++;
        throw e;
      }
      if (index === this.failOn) throw storageError("ServiceInternal", `part ${index} failed`);
      const copy = Buffer.from(data);
      const part: Part = { index, size: copy.length, etag: `"${md5Hex(copy)}"` };
      const wrong = index === this.wrongPartCrcOn && this.wrongPartCrcTimes-- > 0;
      if (this.serviceHasCrc) part.crc64 = wrong ? "12345" : crc64Decimal(copy);
      this.uploads.get(id)!.set(index, { data: copy, part });
      this.finishedBytes += data.length;
      return part;
    } finally {
      this.inFlight--;
    }
  }

  async complete(id: string, parts: Part[]): Promise<{ etag?: string; crc64?: string }> {
    this.calls.complete++;
    const stored = this.uploads.get(id)!;
    this.object = Buffer.concat(parts.map((p) => stored.get(p.index)!.data));
    this.completedParts = parts;
    this.uploads.delete(id);
    const crc = this.wrongCompleteCrc ? "1" : crc64Decimal(this.object);
    return { etag: `"obj-${id}"`, ...(this.serviceHasCrc ? { crc64: crc } : {}) };
  }

  async abort(id: string): Promise<void> {
    this.calls.abort++;
    this.uploads.delete(id);
  }

  async *listParts(id: string): AsyncIterable<Part> {
    this.calls.listParts++;
    const stored = this.uploads.get(id);
    if (!stored) throw storageError("ObjectNotExist", "no such upload");
    for (const { part } of [...stored.values()].sort((a, b) => a.part.index - b.part.index)) yield part;
  }

  async discard(): Promise<void> {
    this.calls.discard++;
    this.object = undefined;
  }
}

function pattern(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 131 + seed * 17 + (i >> 8)) & 0xff;
  return buf;
}

/** Yields `data` in `chunk`-byte slices, counting what it has handed out. */
function source(data: Buffer, chunk: number, stats = { produced: 0, chunks: 0 }) {
  async function* gen(): AsyncGenerator<Buffer> {
    for (let at = 0; at < data.length; at += chunk) {
      const piece = Buffer.from(data.subarray(at, at + chunk));
      stats.produced += piece.length;
      stats.chunks++;
      yield piece;
    }
  }
  return { stats, iterable: gen() };
}

const base: MultipartUploadOptions = { partSize: 1000, concurrency: 3 };

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe.each([false, true])("uploadMultipart (pooledBuffers: %p)", (pooledBuffers) => {
  const base: MultipartUploadOptions = { partSize: 1000, concurrency: 3, pooledBuffers };

  it("uploads parts out of order and completes them in order", async () => {
    const t = new FakeTarget();
    const data = pattern(10_500);
    const progress: number[] = [];
    let created: string | undefined;
    const result = await uploadMultipart(t, source(data, 777).iterable, {
      ...base,
      onProgress: (n) => progress.push(n),
      onCreate: (id) => (created = id),
    });
    expect(t.object).toEqual(data);
    expect(result.size).toBe(data.length);
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(result.parts.map((p) => p.index)).toEqual([...Array(11).keys()]);
    expect(t.completedParts).toEqual(result.parts);
    expect(result.parts.at(-1)!.size).toBe(500);
    expect(result.uploadedParts).toBe(11);
    expect(result.skippedParts).toBe(0);
    expect(result.multipartId).toBe(created);
    expect(result.etag).toBe(`"obj-${created}"`);
    expect(progress.at(-1)).toBe(data.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(t.calls.abort).toBe(0);
    expect(t.checks.every((c) => c.contentMd5 === undefined)).toBe(true);
  });

  it("never has more than `concurrency` parts in flight", async () => {
    for (const concurrency of [1, 2, 4]) {
      const t = new FakeTarget();
      await uploadMultipart(t, source(pattern(20_000), 1000).iterable, { ...base, concurrency });
      expect(t.maxInFlight).toBe(concurrency);
    }
  });

  it("keeps memory within partSize × (concurrency + 1)", async () => {
    for (const chunk of [1000, 300, 2500]) {
      const t = new FakeTarget();
      t.delay = (i) => 3 + (i % 4);
      const { stats, iterable } = source(pattern(40_000), chunk);
      let maxLive = 0;
      async function* watched(): AsyncGenerator<Buffer> {
        for await (const c of iterable) {
          maxLive = Math.max(maxLive, stats.produced - t.finishedBytes);
          yield c;
        }
      }
      await uploadMultipart(t, watched(), { ...base, concurrency: 3 });
      // Bytes handed out by the source but not yet stored by the service: at most
      // partSize × (concurrency + 1), plus the rest of one source chunk larger than a part.
      expect(maxLive).toBeLessThanOrEqual(1000 * 4 + (chunk > 1000 ? chunk : 0));
      expect(maxLive).toBeGreaterThan(1000 * 2);
      expect(t.object?.length).toBe(40_000);
    }
  });

  it("sends Content-MD5 per part when asked", async () => {
    const t = new FakeTarget();
    const data = pattern(2500);
    await uploadMultipart(t, source(data, 2500).iterable, { ...base, contentMd5: true });
    const sorted = [...t.checks].sort((a, b) => a.crc64.localeCompare(b.crc64));
    const expected = [0, 1, 2].map((i) => {
      const part = data.subarray(i * 1000, (i + 1) * 1000);
      return { crc64: crc64Decimal(part), contentMd5: md5Base64(part) };
    });
    expect(sorted).toEqual(expected.sort((a, b) => a.crc64.localeCompare(b.crc64)));
  });

  it("uploads one empty part for an empty source", async () => {
    const t = new FakeTarget();
    const result = await uploadMultipart(t, source(Buffer.alloc(0), 10).iterable, base);
    expect(t.calls.writePart).toEqual([0]);
    expect(result.parts).toEqual([expect.objectContaining({ index: 0, size: 0 })]);
    expect(result).toMatchObject({ size: 0, crc64: "0", uploadedParts: 1 });
    expect(t.object?.length).toBe(0);
  });

  it("on a part failure: stops reading, cancels in-flight parts, aborts once, never completes", async () => {
    const t = new FakeTarget();
    t.failOn = 2;
    t.delay = (i) => (i === 2 ? 1 : 50);
    const { stats, iterable } = source(pattern(30_000), 1000);
    const e = await rejection(uploadMultipart(t, iterable, { ...base, concurrency: 3 }));
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    expect(t.calls.abort).toBe(1);
    expect(t.calls.complete).toBe(0);
    expect(t.cancelledParts).toBeGreaterThan(0);
    expect(t.inFlight).toBe(0);
    expect(stats.chunks).toBeLessThan(30);
    expect(t.uploads.size).toBe(0);
  });

  it("rejects with Aborted when the signal fires, and aborts the upload", async () => {
    const t = new FakeTarget();
    t.hangParts = true;
    const ac = new AbortController();
    const options = { ...base, signal: ac.signal, onCreate: () => void setImmediate(() => ac.abort()) };
    const e = await rejection(uploadMultipart(t, source(pattern(10_000), 1000).iterable, options));
    expect(isStorageError(e, "Aborted")).toBe(true);
    expect(t.calls.abort).toBe(1);
    expect(t.calls.complete).toBe(0);
    expect(t.inFlight).toBe(0);
  });

  it("aborts promptly while the source is stalled", async () => {
    const t = new FakeTarget();
    const ac = new AbortController();
    let closed = false;
    async function* stalled(): AsyncGenerator<Buffer> {
      try {
        yield Buffer.alloc(1000, 1);
        await new Promise<never>(() => {});
      } finally {
        closed = true;
      }
    }
    const run = uploadMultipart(t, stalled(), { ...base, signal: ac.signal, onProgress: () => ac.abort() });
    const e = await rejection(run);
    expect(isStorageError(e, "Aborted")).toBe(true);
    expect(t.calls.abort).toBe(1);
    expect(closed).toBe(false); // the pending read cannot be interrupted, only abandoned
  });

  it("rejects at once on an already aborted signal", async () => {
    const t = new FakeTarget();
    const ac = new AbortController();
    ac.abort();
    const e = await rejection(uploadMultipart(t, source(pattern(10), 10).iterable, { ...base, signal: ac.signal }));
    expect(isStorageError(e, "Aborted")).toBe(true);
    expect(t.calls.create).toBe(0);
  });

  it("fails with IntegrityMismatch when a part's CRC differs", async () => {
    const t = new FakeTarget();
    t.wrongPartCrcOn = 1;
    const e = await rejection(uploadMultipart(t, source(pattern(5000), 1000).iterable, base));
    expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
    expect((e as Error).message).toContain("part 1");
    expect(t.calls.complete).toBe(0);
    expect(t.calls.abort).toBe(1);
  });

  it("sends a part the service stored with other bytes once more, and completes with the right ones", async () => {
    const t = new FakeTarget();
    t.wrongPartCrcOn = 1;
    t.wrongPartCrcTimes = 1;
    const data = pattern(5000);
    const result = await uploadMultipart(t, source(data, 1000).iterable, base);
    expect(result.size).toBe(5000);
    expect(t.calls.writePart.filter((i) => i === 1)).toHaveLength(2);
    expect(t.object!.equals(data)).toBe(true);
  });

  it("aborts an upload whose part was stored wrong twice, even with keepOnFailure: a resume must not complete from it", async () => {
    const t = new FakeTarget();
    t.wrongPartCrcOn = 1;
    const e = await rejection(uploadMultipart(t, source(pattern(5000), 1000).iterable, { ...base, keepOnFailure: true }));
    expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
    expect((e as Error).message).toContain("twice");
    expect(t.calls.complete).toBe(0);
    expect(t.calls.abort).toBe(1);
    expect(t.uploads.size).toBe(0);
  });

  it("ignores returned CRCs with verifyCrc64: false", async () => {
    const t = new FakeTarget();
    t.wrongPartCrcOn = 1;
    t.wrongCompleteCrc = true;
    const result = await uploadMultipart(t, source(pattern(5000), 1000).iterable, { ...base, verifyCrc64: false });
    expect(result.size).toBe(5000);
  });

  it("discards the object when the completed CRC differs", async () => {
    const t = new FakeTarget();
    t.wrongCompleteCrc = true;
    const e = await rejection(uploadMultipart(t, source(pattern(5000), 1000).iterable, base));
    expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
    expect(t.calls.discard).toBe(1);
    expect(t.object).toBeUndefined();
    expect(t.calls.abort).toBe(0);
  });

  it("keeps the upload on failure with keepOnFailure", async () => {
    const t = new FakeTarget();
    t.failOn = 3;
    let id: string | undefined;
    const e = await rejection(
      uploadMultipart(t, source(pattern(6000), 1000).iterable, { ...base, concurrency: 1, keepOnFailure: true, onCreate: (x) => (id = x) }),
    );
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    expect(t.calls.abort).toBe(0);
    expect([...t.uploads.get(id!)!.keys()].sort()).toEqual([0, 1, 2]);
  });

  it("resumes: skips verified parts, re-uploads a corrupted one, drops extra parts", async () => {
    const t = new FakeTarget();
    const data = pattern(6000, 3);
    t.failOn = 4;
    let id: string | undefined;
    await rejection(
      uploadMultipart(t, source(data, 1000).iterable, { ...base, concurrency: 1, keepOnFailure: true, onCreate: (x) => (id = x) }),
    );
    const stored = t.uploads.get(id!)!;
    expect([...stored.keys()].sort()).toEqual([0, 1, 2, 3]);
    // Corrupt part 1 on the "service": bytes and CRC no longer match the source.
    const bad = Buffer.alloc(1000, 0xee);
    stored.set(1, { data: bad, part: { index: 1, size: 1000, etag: `"${md5Hex(bad)}"`, crc64: crc64Decimal(bad) } });
    // A stale part past the end of the (shorter) source.
    const extra = Buffer.alloc(10, 1);
    stored.set(9, { data: extra, part: { index: 9, size: 10, etag: `"${md5Hex(extra)}"`, crc64: crc64Decimal(extra) } });

    t.failOn = undefined;
    t.calls.writePart.length = 0;
    const progress: number[] = [];
    const result = await uploadMultipart(t, source(data, 1000).iterable, { ...base, multipartId: id, onProgress: (n) => progress.push(n) });
    expect(t.calls.create).toBe(1);
    expect(t.calls.writePart.sort()).toEqual([1, 4, 5]);
    expect(result).toMatchObject({ multipartId: id, uploadedParts: 3, skippedParts: 3, size: 6000, crc64: crc64Decimal(data) });
    expect(result.parts.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(t.object).toEqual(data);
    expect(progress.at(-1)).toBe(6000);
  });

  /** An upload holding parts `indexes` of `data` (1000-byte parts), as a failed earlier run leaves it. */
  async function storedUpload(t: FakeTarget, data: Buffer, indexes: number[]): Promise<string> {
    const id = await t.create();
    const stored = t.uploads.get(id)!;
    for (const i of indexes) {
      const bytes = Buffer.from(data.subarray(i * 1000, (i + 1) * 1000));
      stored.set(i, { data: bytes, part: { index: i, size: bytes.length, etag: `"${md5Hex(bytes)}"`, crc64: crc64Decimal(bytes) } });
    }
    return id;
  }

  it("resumes from startPart: earlier parts are taken as stored, the source gives the rest, the CRC64 covers it all", async () => {
    const t = new FakeTarget();
    const data = pattern(5500, 7);
    const id = await storedUpload(t, data, [0, 1, 2]);
    const { stats, iterable } = source(data.subarray(3000), 700);
    const progress: number[] = [];
    const result = await uploadMultipart(t, iterable, { ...base, multipartId: id, startPart: 3, expectedCrc64: crc64Decimal(data), onProgress: (n) => progress.push(n) });
    expect(t.calls.writePart.sort()).toEqual([3, 4, 5]);
    expect(stats.produced).toBe(2500);
    expect(result).toMatchObject({ uploadedParts: 3, skippedParts: 3, skippedBytes: 3000, size: 5500, crc64: crc64Decimal(data), crc64Confirmed: true });
    expect(t.object).toEqual(data);
    expect(progress[0]).toBe(1000);
    expect(progress.at(-1)).toBe(5500);
  });

  it("resumes from startPart with nothing left to send: completes with the stored parts", async () => {
    const t = new FakeTarget();
    const data = pattern(2000, 8);
    const id = await storedUpload(t, data, [0, 1]);
    const result = await uploadMultipart(t, source(Buffer.alloc(0), 100).iterable, { ...base, multipartId: id, startPart: 2 });
    expect(t.calls.writePart).toEqual([]);
    expect(result.parts.map((p) => p.index)).toEqual([0, 1]);
    expect(t.object).toEqual(data);
    // Nothing tied the parts taken as stored to the caller's source (no expectedCrc64).
    expect(result.crc64Confirmed).toBe(false);
  });

  it("does not confirm a resumed object's CRC64 without expectedCrc64, though the service's equals the parts'", async () => {
    const t = new FakeTarget();
    const data = pattern(3500, 12);
    const id = await storedUpload(t, data, [0, 1]);
    const result = await uploadMultipart(t, source(data.subarray(2000), 1000).iterable, { ...base, multipartId: id, startPart: 2 });
    expect(result).toMatchObject({ uploadedParts: 2, skippedParts: 2, crc64: crc64Decimal(data), crc64Confirmed: false });
  });

  it("leaves the caller's upload alone when its stored parts do not fit startPart (no keepOnFailure): bad input changes nothing", async () => {
    const t = new FakeTarget();
    const data = pattern(3000, 13);
    const id = await storedUpload(t, data, [0, 1, 2]);
    const e = await rejection(uploadMultipart(t, source(pattern(1000, 14), 1000).iterable, { ...base, multipartId: id, startPart: 5 }));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect([t.calls.abort, t.calls.complete, t.calls.writePart.length]).toEqual([0, 0, 0]);
    expect([...t.uploads.get(id)!.keys()].sort()).toEqual([0, 1, 2]);
  });

  it("refuses startPart over a part that is missing, short or without a CRC64, and completes nothing", async () => {
    for (const spoil of ["missing", "short", "no-crc"] as const) {
      const t = new FakeTarget();
      const data = pattern(4000, 9);
      const id = await storedUpload(t, data, spoil === "missing" ? [0, 2] : [0, 1, 2]);
      const stored = t.uploads.get(id)!;
      if (spoil === "short") stored.get(1)!.part.size = 999;
      if (spoil === "no-crc") delete stored.get(1)!.part.crc64;
      const e = await rejection(uploadMultipart(t, source(data.subarray(3000), 1000).iterable, { ...base, multipartId: id, startPart: 3, keepOnFailure: true }));
      expect(isStorageError(e, "InvalidArgument")).toBe(true);
      expect((e as Error).message).toContain("part 1");
      expect([t.calls.complete, t.calls.writePart.length]).toEqual([0, 0]);
    }
    const e = await rejection(uploadMultipart(new FakeTarget(), source(pattern(10), 10).iterable, { ...base, startPart: 1 }));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
  });

  it("does not complete an upload whose parts combine to another CRC64 than expectedCrc64 (stale stored parts)", async () => {
    const t = new FakeTarget();
    const old = pattern(3000, 10);
    const now = pattern(3000, 11);
    const id = await storedUpload(t, old, [0, 1]);
    const e = await rejection(uploadMultipart(t, source(now.subarray(2000), 1000).iterable, { ...base, multipartId: id, startPart: 2, expectedCrc64: crc64Decimal(now) }));
    expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
    expect(t.calls.complete).toBe(0);
    expect(t.object).toBeUndefined();
    expect(t.calls.abort).toBe(1);
  });

  it("resumes against a service without CRC64 by comparing MD5 ETags", async () => {
    const t = new FakeTarget();
    t.serviceHasCrc = false;
    const data = pattern(3000, 5);
    const id = await t.create();
    const stored = t.uploads.get(id)!;
    const p0 = data.subarray(0, 1000);
    const p1 = data.subarray(1000, 2000);
    stored.set(0, { data: Buffer.from(p0), part: { index: 0, size: 1000, etag: md5Hex(p0) } });
    stored.set(1, { data: Buffer.alloc(1000), part: { index: 1, size: 1000, etag: `"${md5Hex(Buffer.alloc(1000))}"` } });
    stored.set(2, { data: Buffer.from(data.subarray(2000, 2999)), part: { index: 2, size: 999, etag: "x" } });
    void p1;
    const result = await uploadMultipart(t, source(data, 1000).iterable, { ...base, multipartId: id });
    expect(t.calls.writePart.sort()).toEqual([1, 2]);
    expect(result.skippedParts).toBe(1);
    expect(t.object).toEqual(data);
    expect(result.crc64).toBe(crc64(data).toString());
  });

  it("fails with InvalidArgument above maxParts and aborts", async () => {
    const t = new FakeTarget();
    const e = await rejection(uploadMultipart(t, source(pattern(5000), 1000).iterable, { ...base, maxParts: 3 }));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect(t.calls.abort).toBe(1);
    expect(t.calls.complete).toBe(0);
    expect(t.calls.writePart.length).toBeLessThanOrEqual(3);
  });

  it("wraps a failing source and aborts", async () => {
    const t = new FakeTarget();
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1000);
      throw new Error("read failed");
    }
    const e = await rejection(uploadMultipart(t, broken(), base));
    expect(isStorageError(e, "Unexpected")).toBe(true);
    expect(((e as Error).cause as Error).message).toBe("read failed");
    expect(t.calls.abort).toBe(1);
    expect(t.calls.complete).toBe(0);
  });

  it("rejects bad options before any I/O", async () => {
    const t = new FakeTarget();
    for (const bad of [{ partSize: 0 }, { concurrency: 0 }, { maxParts: 0 }, { partSize: 1.5 }, { readAhead: -1 }, { readAhead: 0.5 }]) {
      const e = await rejection(uploadMultipart(t, source(pattern(10), 10).iterable, { ...base, ...bad }));
      expect(isStorageError(e, "InvalidArgument")).toBe(true);
    }
    expect(t.calls.create).toBe(0);
  });
});

describe("uploadMultipart with pooled buffers", () => {
  /** A target that checks each part's bytes stay put until its writePart settles, and notes the memory parts live in. */
  class WatchingTarget extends FakeTarget {
    readonly memories = new Set<ArrayBufferLike>();
    changedWhileInFlight = 0;

    override async writePart(id: string, index: number, data: Buffer, checks: { crc64: string; contentMd5?: string }, signal: AbortSignal): Promise<Part> {
      this.memories.add(data.buffer);
      const before = md5Hex(data);
      try {
        return await super.writePart(id, index, data, checks, signal);
      } finally {
        if (md5Hex(data) !== before) this.changedWhileInFlight++;
      }
    }
  }

  it("never overwrites a part while it is being sent, and keeps concurrency buffers at most", async () => {
    for (const concurrency of [1, 3, 5]) {
      const t = new WatchingTarget();
      const data = pattern(23_456, concurrency);
      const result = await uploadMultipart(t, source(data, 777).iterable, { partSize: 1000, concurrency, pooledBuffers: true, contentMd5: true });
      expect(t.object).toEqual(data);
      expect(result.crc64).toBe(crc64Decimal(data));
      expect(t.changedWhileInFlight).toBe(0);
      expect(t.memories.size).toBeLessThanOrEqual(concurrency);
      for (const c of t.checks) expect(c.contentMd5).toBeDefined();
    }
  });

  it("hashes up to readAhead parts beyond concurrency, but never uploads more than concurrency at once", async () => {
    for (const [concurrency, readAhead] of [[1, 1], [2, 2], [4, 2], [3, 0]] as const) {
      const t = new WatchingTarget();
      // Slow uploads, so reading and hashing run ahead of them as far as they may.
      t.delay = () => 6;
      const data = pattern(20_500, concurrency + readAhead);
      const { stats, iterable } = source(data, 500);
      let maxAhead = 0;
      async function* watched(): AsyncGenerator<Buffer> {
        for await (const c of iterable) {
          maxAhead = Math.max(maxAhead, stats.produced - t.finishedBytes);
          yield c;
        }
      }
      const result = await uploadMultipart(t, watched(), { partSize: 1000, concurrency, readAhead, pooledBuffers: true, contentMd5: true });
      expect(t.object).toEqual(data);
      expect(result.crc64).toBe(crc64Decimal(data));
      expect(t.maxInFlight).toBe(concurrency);
      expect(t.changedWhileInFlight).toBe(0);
      expect(t.memories.size).toBeLessThanOrEqual(concurrency + readAhead);
      // Bytes read but not yet stored: the parts uploading plus those read ahead (reading pauses there).
      expect(maxAhead).toBeLessThanOrEqual(1000 * (concurrency + readAhead));
      if (readAhead > 0) expect(maxAhead).toBeGreaterThan(1000 * concurrency);
    }
  });

  it("reads parts in batches of readAhead and asks for their hashes together", async () => {
    // Hash requests made with no await between them share an epoch: a microtask moves it on.
    let epoch = 0;
    let moving = false;
    const epochs: number[] = [];
    const pool = hashPool();
    const hash = pool.hash.bind(pool);
    pool.hash = (data, md5) => {
      epochs.push(epoch);
      if (!moving) {
        moving = true;
        queueMicrotask(() => {
          epoch++;
          moving = false;
        });
      }
      return hash(data, md5);
    };
    try {
      for (const [concurrency, readAhead] of [[2, 2], [1, 3], [3, 0]] as const) {
        epochs.length = 0;
        const t = new WatchingTarget();
        t.delay = () => 3;
        const data = pattern(12_000, concurrency);
        const result = await uploadMultipart(t, source(data, 1000).iterable, { partSize: 1000, concurrency, readAhead, pooledBuffers: true, contentMd5: true });
        expect(t.object).toEqual(data);
        expect(result.crc64).toBe(crc64Decimal(data));
        expect(t.maxInFlight).toBe(concurrency);
        const sizes = [...new Map(epochs.map((e) => [e, epochs.filter((x) => x === e).length])).values()];
        // 12 parts in batches of max(1, readAhead) (one cut short only if a read stalled, e.g. a GC pause).
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(12);
        expect(Math.max(...sizes)).toBe(Math.max(1, readAhead));
      }
    } finally {
      pool.hash = hash;
    }
  });

  it("never reuses the buffer of a part whose upload failed", async () => {
    const t = new WatchingTarget();
    t.failOn = 2;
    const failed: ArrayBufferLike[] = [];
    const later: ArrayBufferLike[] = [];
    const write = t.writePart.bind(t);
    t.writePart = async (id, index, data, checks, signal) => {
      if (failed.length > 0) later.push(data.buffer);
      try {
        return await write(id, index, data, checks, signal);
      } catch (e) {
        if (index === 2) failed.push(data.buffer);
        throw e;
      }
    };
    t.delay = (i) => (i === 2 ? 1 : 3);
    await rejection(uploadMultipart(t, source(pattern(9000), 1000).iterable, { partSize: 1000, concurrency: 1, pooledBuffers: true }));
    expect(failed).toHaveLength(1);
    expect(later).not.toContain(failed[0]);
  });

  it("hashes multi-MiB parts on the worker pool with the same results", async () => {
    const t = new WatchingTarget();
    const data = pattern(5 * 1024 * 1024 + 12_345, 9);
    const result = await uploadMultipart(t, source(data, 64 * 1024).iterable, { partSize: 2 * 1024 * 1024, concurrency: 2, pooledBuffers: true, contentMd5: true });
    expect(t.object?.equals(data)).toBe(true); // (toEqual walks a 5 MiB Buffer byte by byte)
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(result.parts).toHaveLength(3);
    const sorted = [...t.checks].sort((a, b) => a.crc64.localeCompare(b.crc64));
    const expected = [0, 1, 2].map((i) => {
      const part = data.subarray(i * 2 * 1024 * 1024, (i + 1) * 2 * 1024 * 1024);
      return { crc64: crc64Decimal(part), contentMd5: md5Base64(part) };
    });
    expect(sorted).toEqual(expected.sort((a, b) => a.crc64.localeCompare(b.crc64)));
    expect(t.changedWhileInFlight).toBe(0);
  });
});
