import { expect } from "@jest/globals";
import { crc64Decimal, type ObjectInfo, type WriteOptions } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import {
  chunkedIterable,
  chunkedReadable,
  expectError,
  expectSameBytes,
  expectStorageErrorCode,
  randomData,
  streamError,
  streamToBuffer,
} from "../fixtures.js";

/**
 * Writes `data` through createWriteStream in chunks and resolves with a stat made
 * from inside the 'finish' handler: 'finish' must mean "stored".
 */
function writeThroughStream(t: CaseScope, path: string, data: Buffer, options: WriteOptions = {}): Promise<ObjectInfo> {
  return new Promise((resolve, reject) => {
    const ws = t.store.createWriteStream(path, options);
    ws.on("error", reject);
    ws.on("finish", () => {
      t.store.stat(path).then(resolve, reject);
    });
    chunkedReadable(data, 50_000).pipe(ws);
  });
}

/**
 * createReadStream / createWriteStream, the other body forms of `write`, and
 * writes above the store's multipart threshold (`largeSize`).
 */
export function registerStreamCases(suite: Suite): void {
  suite.test("createReadStream: yields the whole object and reports progress", async (t) => {
    const path = t.key();
    const data = randomData(200_003);
    await t.store.write(path, data);
    let progress = 0;
    const got = await streamToBuffer(t.store.createReadStream(path, { onProgress: (p) => (progress = Math.max(progress, p.bytes)) }));
    expectSameBytes(got, data);
    expect(progress).toBe(data.length);
  });

  suite.test("createReadStream: a zero-byte object ends with no bytes", async (t) => {
    const path = t.key();
    await t.store.write(path, Buffer.alloc(0));
    expect((await streamToBuffer(t.store.createReadStream(path))).length).toBe(0);
  });

  suite.gated(
    "createReadStream: offset and size yield that range",
    ["readRange"],
    async (t) => {
      const path = t.key();
      const data = randomData(30_000);
      await t.store.write(path, data);
      expectSameBytes(await streamToBuffer(t.store.createReadStream(path, { offset: 1234, size: 20_000 })), data.subarray(1234, 21_234));
      expect((await streamToBuffer(t.store.createReadStream(path, { offset: 5, size: 0 }))).length).toBe(0);
    },
    async (t) => {
      const path = t.key();
      await t.store.write(path, randomData(10));
      expectStorageErrorCode(await streamError(t.store.createReadStream(path, { offset: 1 })), "CapabilityInsufficient");
      expectStorageErrorCode(await streamError(t.store.createReadStream(path, { size: 5 })), "CapabilityInsufficient");
    },
  );

  suite.test("read: readConcurrency fetches ranges at once and gives the same bytes, whole and by range, with progress", async (t) => {
    const path = t.key();
    const data = randomData(300_007);
    await t.store.write(path, data);
    const ranged = { readConcurrency: 3, readPartSize: 40_000 };
    let progress = 0;
    expectSameBytes(await t.store.read(path, { ...ranged, onProgress: (p) => (progress = Math.max(progress, p.bytes)) }), data);
    expect(progress).toBe(data.length);
    if (t.store.features.readRange) {
      expectSameBytes(await t.store.read(path, { ...ranged, offset: 39_999, size: 200_002 }), data.subarray(39_999, 240_001));
      expectSameBytes(await streamToBuffer(t.store.createReadStream(path, { ...ranged, offset: 250_000 })), data.subarray(250_000));
    } else {
      await expectError(() => t.store.read(path, { ...ranged, offset: 39_999, size: 200_002 }), "CapabilityInsufficient");
    }
    await expectError(() => t.store.read(t.key(), ranged), "ObjectNotExist");
  });

  suite.test("createReadStream: a missing object errors the stream with ObjectNotExist", async (t) => {
    expectStorageErrorCode(await streamError(t.store.createReadStream(t.key())), "ObjectNotExist");
  });

  suite.test("createWriteStream: 'finish' fires once the object is stored", async (t) => {
    const path = t.key();
    const data = randomData(120_000);
    const o = await writeThroughStream(t, path, data);
    expect(o.size).toBe(data.length);
    expectSameBytes(await t.store.read(path), data);
  });

  suite.test("createWriteStream: ending at once stores a zero-byte object", async (t) => {
    const path = t.key();
    const o = await writeThroughStream(t, path, Buffer.alloc(0));
    expect(o.size).toBe(0);
  });

  suite.test("write: a Readable of unknown length below the threshold is stored in one request", async (t) => {
    const path = t.key();
    const data = randomData(100_000);
    let progress = 0;
    const result = await t.store.write(path, chunkedReadable(data), { onProgress: (p) => (progress = Math.max(progress, p.bytes)) });
    expect(result.size).toBe(data.length);
    expect(result.parts).toBeUndefined();
    expect(progress).toBe(data.length);
    expectSameBytes(await t.store.read(path), data);
  });

  suite.test("write: an AsyncIterable body is stored exactly", async (t) => {
    const path = t.key();
    const data = randomData(33_333);
    expect((await t.store.write(path, chunkedIterable(data, 1000))).size).toBe(data.length);
    expectSameBytes(await t.store.read(path), data);
  });

  suite.test("write: a buffer above multipart_threshold goes multipart and reads back equal", async (t) => {
    const path = t.key();
    const data = randomData(suite.largeSize);
    let progress = 0;
    const result = await t.store.write(path, data, { onProgress: (p) => (progress = Math.max(progress, p.bytes)) });
    expect(result.size).toBe(data.length);
    if (t.store.features.multipart) expect(result.parts).toBeGreaterThan(1);
    else expect(result.parts).toBeUndefined();
    if (result.crc64 !== undefined) expect(result.crc64).toBe(crc64Decimal(data));
    expect(progress).toBe(data.length);
    expect((await t.store.stat(path)).size).toBe(data.length);
    expectSameBytes(await t.store.read(path), data);
  });

  suite.test("write: a Readable of unknown length above multipart_threshold goes multipart", async (t) => {
    const path = t.key();
    const data = randomData(suite.largeSize);
    const ids: string[] = [];
    const result = await t.store.write(path, chunkedReadable(data, 64 * 1024), { onMultipartCreate: (id) => ids.push(id) });
    expect(result.size).toBe(data.length);
    if (t.store.features.multipart) {
      expect(result.parts).toBeGreaterThan(1);
      expect(ids.length).toBe(1);
    } else {
      // One request, no upload to name.
      expect(result.parts).toBeUndefined();
      expect(ids).toEqual([]);
    }
    expectSameBytes(await t.store.read(path), data);
  });

  suite.test("createWriteStream: above multipart_threshold goes multipart and 'finish' means stored", async (t) => {
    const path = t.key();
    const data = randomData(suite.largeSize);
    const ids: string[] = [];
    const o = await writeThroughStream(t, path, data, { onMultipartCreate: (id) => ids.push(id) });
    expect(o.size).toBe(data.length);
    expectSameBytes(await t.store.read(path), data);
    if (t.store.features.multipart) {
      expect(ids.length).toBe(1);
      await expectError(() => t.store.stat(path, { multipartId: ids[0] as string }), "ObjectNotExist");
    } else {
      expect(ids).toEqual([]);
    }
  });

  suite.gated(
    "write: per-call multipartThreshold and partSize decide the parts",
    ["multipart"],
    async (t) => {
      const path = t.key();
      const ps = Math.max(t.store.features.limits.multipartSizeMinimum ?? 0, 64 * 1024);
      const data = randomData(ps * 3 + 1);
      const result = await t.store.write(path, data, { multipartThreshold: ps, partSize: ps, concurrency: 2 });
      expect(result.parts).toBe(4);
      expect(result.size).toBe(data.length);
      expectSameBytes(await t.store.read(path), data);
    },
    async (t) => {
      await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
    },
  );
}
