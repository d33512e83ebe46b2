import { expect } from "@jest/globals";
import { crc64Decimal, type ObjectInfo } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectIterationError, expectSameBytes, randomData } from "../fixtures.js";

/** Size of a non-last part: small, but at least the service's minimum. */
export function partSize(t: CaseScope): number {
  return Math.max(t.store.features.limits.multipartSizeMinimum ?? 0, 5 * 1024 + 3);
}

/** Creates a multipart upload at `path` and aborts it when the case ends (a no-op once completed). */
export async function startUpload(t: CaseScope, path = t.key()): Promise<ObjectInfo> {
  const o = await t.store.createMultipart(path);
  const id = o.multipartId;
  if (id !== undefined) t.defer(() => t.store.delete(path, { multipartId: id }));
  return o;
}

async function refuse(t: CaseScope): Promise<void> {
  await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
}

/**
 * Ports TestMultiparter MP1–MP3, MP5–MP8 (§7.7; MP4 is a local `Create`, folded into
 * MP3) and adds several parts out of order, a gap, re-uploaded parts, and what an
 * aborted or completed upload no longer allows.
 */
export function registerMultipartCases(suite: Suite): void {
  const gated = (name: string, body: (t: CaseScope) => Promise<void>, flags: Array<"listMultipartUploads"> = []): void =>
    suite.gated(name, ["multipart", ...flags], body, async (t) => {
      if (!t.store.features.multipart) await refuse(t);
      else await expectIterationError(() => t.store.list(t.dir(), { mode: "part" }), "CapabilityInsufficient");
    });

  gated("createMultipart: twice on one path gives two part objects with distinct ids (MP1)", async (t) => {
    const path = t.key();
    const a = await startUpload(t, path);
    const b = await startUpload(t, path);
    for (const o of [a, b]) {
      expect(o.path).toBe(path);
      expect(o.mode).toBe("part");
      expect(typeof o.multipartId).toBe("string");
      expect(o.multipartId?.length).toBeGreaterThan(0);
    }
    expect(a.multipartId).not.toBe(b.multipartId);
  });

  gated("delete: with multipartId aborts the upload, and again succeeds (MP2)", async (t) => {
    const path = t.key();
    const o = await t.store.createMultipart(path);
    const multipartId = o.multipartId as string;
    await t.store.delete(path, { multipartId });
    await t.store.delete(path, { multipartId });
    await expectError(() => t.store.stat(path, { multipartId }), "ObjectNotExist");
  });

  gated("stat: with multipartId reports the in-progress upload (MP3)", async (t) => {
    const o = await startUpload(t);
    const s = await t.store.stat(o.path, { multipartId: o.multipartId as string });
    expect(s.path).toBe(o.path);
    expect(s.mode).toBe("part");
    expect(s.multipartId).toBe(o.multipartId);
  });

  gated("stat: an upload in progress is not an object yet", async (t) => {
    const o = await startUpload(t);
    await t.store.writeMultipart(o, randomData(100), { index: 0 });
    await expectError(() => t.store.stat(o.path), "ObjectNotExist");
  });

  gated("writeMultipart: returns the part with its index and size (MP5)", async (t) => {
    const o = await startUpload(t);
    const data = randomData(1234);
    const part = await t.store.writeMultipart(o, data, { index: 0 });
    expect(part.index).toBe(0);
    expect(part.size).toBe(1234);
    expect(typeof part.etag).toBe("string");
    if (part.crc64 !== undefined) expect(part.crc64).toBe(crc64Decimal(data));
  });

  gated("listMultipart: lists a written part with its 0-based index and size (MP6)", async (t) => {
    const o = await startUpload(t);
    await t.store.writeMultipart(o, randomData(321), { index: 7 });
    const parts = await collect(t.store.listMultipart(o));
    expect(parts.map((p) => [p.index, p.size])).toEqual([[7, 321]]);
  });

  gated("listMultipart: several parts come back sorted by index", async (t) => {
    const o = await startUpload(t);
    const size = partSize(t);
    for (const index of [2, 0, 1]) await t.store.writeMultipart(o, randomData(size), { index });
    const parts = await collect(t.store.listMultipart(o));
    expect(parts.map((p) => [p.index, p.size])).toEqual([
      [0, size],
      [1, size],
      [2, size],
    ]);
  });

  gated(
    "list: mode part lists the upload with its path and id (MP7)",
    async (t) => {
      const base = t.dir();
      const o = await startUpload(t, t.key(base));
      await t.store.writeMultipart(o, randomData(10), { index: 3 });
      const items = await collect(t.store.list(base, { mode: "part" }));
      expect(items.length).toBe(1);
      expect(items[0]?.path).toBe(o.path);
      expect(items[0]?.mode).toBe("part");
      expect(items[0]?.multipartId).toBe(o.multipartId);
    },
    ["listMultipartUploads"],
  );

  gated("completeMultipart: a part of the wrong size is Conflict before anything is completed; the upload then completes with the right parts", async (t) => {
    const o = await startUpload(t);
    t.track(o.path);
    const size = partSize(t);
    const data = randomData(size + 10);
    const parts = [await t.store.writeMultipart(o, data.subarray(0, size), { index: 0 }), await t.store.writeMultipart(o, data.subarray(size), { index: 1 })];
    await expectError(() => t.store.completeMultipart(o, [parts[0]!, { ...parts[1]!, size: parts[1]!.size + 1 }]), "Conflict");
    await expectError(() => t.store.completeMultipart(o, [{ ...parts[0]!, size: parts[0]!.size - 1 }, parts[1]!]), "Conflict");
    await expectError(() => t.store.stat(o.path), "ObjectNotExist");
    expect((await t.store.completeMultipart(o, parts)).size).toBe(size + 10);
    expectSameBytes(await t.store.read(o.path), data);
  });

  gated("completeMultipart: one part makes a readable object (MP8)", async (t) => {
    const o = await startUpload(t);
    t.track(o.path);
    const data = randomData(999);
    const part = await t.store.writeMultipart(o, data, { index: 0 });
    const result = await t.store.completeMultipart(o, [part]);
    expect(result.size).toBe(999);
    if (result.crc64 !== undefined) expect(result.crc64).toBe(crc64Decimal(data));
    const s = await t.store.stat(o.path);
    expect(s.mode).toBe("file");
    expect(s.size).toBe(999);
    expectSameBytes(await t.store.read(o.path), data);
  });

  gated("completeMultipart: crc64Confirmed exactly where the service's CRC-64 of the object is checked (features.crc64), as a multipart write's", async (t) => {
    const o = await startUpload(t);
    t.track(o.path);
    const size = partSize(t);
    const data = randomData(2 * size + 321);
    const chunks = [data.subarray(0, size), data.subarray(size, 2 * size), data.subarray(2 * size)];
    const parts = [];
    for (const [index, chunk] of chunks.entries()) parts.push(await t.store.writeMultipart(o, chunk, { index }));
    const result = await t.store.completeMultipart(o, parts);
    expect(result.size).toBe(data.length);
    expect(result.crc64Confirmed === true).toBe(t.store.features.crc64);
    // Never false: absent where nothing was compared.
    expect(result.crc64Confirmed).not.toBe(false);
    if (result.crc64Confirmed === true) expect(result.crc64).toBe(crc64Decimal(data));
    expectSameBytes(await t.store.read(o.path), data);
    // A multipart write of a body reports the same flag on the same storage.
    const written = await t.store.write(t.key(), randomData(suite.largeSize));
    expect(written.parts).toBeDefined();
    expect(result.crc64Confirmed === true).toBe(written.crc64Confirmed === true);
  });

  gated("completeMultipart: parts as listMultipart gives them, one re-sent after an aborted try, complete with crc64Confirmed where features.crc64", async (t) => {
    const o = await startUpload(t);
    t.track(o.path);
    const size = partSize(t);
    const data = randomData(size + 77);
    await t.store.writeMultipart(o, data.subarray(0, size), { index: 0 });
    const stop = new AbortController();
    stop.abort();
    await expectError(() => t.store.writeMultipart(o, data.subarray(size), { index: 1, signal: stop.signal }), "Aborted");
    await t.store.writeMultipart(o, data.subarray(size), { index: 1 });
    const listed = await collect(t.store.listMultipart(o));
    const result = await t.store.completeMultipart(o, listed);
    expect(result.size).toBe(data.length);
    expect(result.crc64Confirmed === true).toBe(t.store.features.crc64);
    if (result.crc64Confirmed === true) expect(result.crc64).toBe(crc64Decimal(data));
    expectSameBytes(await t.store.read(o.path), data);
  });

  gated("completeMultipart: parts written out of order and given unsorted join in index order", async (t) => {
    const o = await startUpload(t);
    t.track(o.path);
    const size = partSize(t);
    const chunks = [randomData(size), randomData(size), randomData(777)];
    const parts = [];
    for (const index of [2, 0, 1]) parts.push(await t.store.writeMultipart(o, chunks[index] as Buffer, { index }));
    const unsorted = [parts[2], parts[0], parts[1]].map((p) => p as NonNullable<typeof p>);
    const result = await t.store.completeMultipart(o, unsorted);
    const all = Buffer.concat(chunks);
    expect(result.size).toBe(all.length);
    if (result.crc64 !== undefined) expect(result.crc64).toBe(crc64Decimal(all));
    expect((await t.store.stat(o.path)).size).toBe(all.length);
    expectSameBytes(await t.store.read(o.path), all);
    await expectError(() => t.store.stat(o.path, { multipartId: o.multipartId as string }), "ObjectNotExist");
  });

  gated("completeMultipart: a re-uploaded index uses the latest bytes", async (t) => {
    const o = await startUpload(t);
    t.track(o.path);
    await t.store.writeMultipart(o, randomData(400), { index: 0 });
    const data = randomData(300);
    const part = await t.store.writeMultipart(o, data, { index: 0 });
    await t.store.completeMultipart(o, [part]);
    expectSameBytes(await t.store.read(o.path), data);
  });

  gated("completeMultipart: parts with a gap reject with InvalidArgument and create nothing", async (t) => {
    const o = await startUpload(t);
    const size = partSize(t);
    const p0 = await t.store.writeMultipart(o, randomData(size), { index: 0 });
    const p2 = await t.store.writeMultipart(o, randomData(size), { index: 2 });
    await expectError(() => t.store.completeMultipart(o, [p0, p2]), "InvalidArgument");
    await expectError(() => t.store.completeMultipart(o, []), "InvalidArgument");
    await expectError(() => t.store.stat(o.path), "ObjectNotExist");
  });

  gated("writeMultipart: an aborted upload rejects with ObjectNotExist", async (t) => {
    const path = t.key();
    const o = await t.store.createMultipart(path);
    await t.store.delete(path, { multipartId: o.multipartId as string });
    await expectError(() => t.store.writeMultipart(o, randomData(10), { index: 0 }), "ObjectNotExist");
    await expectIterationError(() => t.store.listMultipart(o), "ObjectNotExist");
  });

  gated("writeMultipart: a negative or fractional index rejects with InvalidArgument", async (t) => {
    const o = await startUpload(t);
    await expectError(() => t.store.writeMultipart(o, randomData(10), { index: -1 }), "InvalidArgument");
    await expectError(() => t.store.writeMultipart(o, randomData(10), { index: 1.5 }), "InvalidArgument");
  });
}
