import { expect } from "@jest/globals";
import { Readable } from "node:stream";
import { crc64Decimal, type WriteResult } from "@stowage/core";
import type { Suite } from "../context.js";
import { collect, expectError, expectSameBytes, md5Base64, randomData } from "../fixtures.js";
import { partSize } from "./multipart.js";

/** WriteResult.crc64 must be the CRC-64 of what was stored; required when the service reports CRC-64. */
function checkCrc(result: WriteResult, data: Buffer, required: boolean): void {
  if (required) expect(result.crc64).toBeDefined();
  if (result.crc64 !== undefined) expect(result.crc64).toBe(crc64Decimal(data));
}

/** CRC-64 and Content-MD5: what the design's "Integrity" section promises. */
export function registerIntegrityCases(suite: Suite): void {
  suite.test("write: result size and crc64 match the stored bytes", async (t) => {
    const path = t.key();
    const data = randomData(70_001);
    const result = await t.store.write(path, data);
    expect(result.size).toBe(data.length);
    expect(result.parts).toBeUndefined();
    checkCrc(result, data, t.store.features.crc64);
    // A service with CRC-64 answers every write with it, and core checked it.
    expect(result.crc64Confirmed === true).toBe(t.store.features.crc64);
    if (result.etag !== undefined) expect(typeof result.etag).toBe("string");
    const o = await t.store.stat(path);
    if (o.crc64 !== undefined) expect(o.crc64).toBe(crc64Decimal(data));
  });

  suite.test("write: a zero-byte object has crc64 0", async (t) => {
    const result = await t.store.write(t.key(), Buffer.alloc(0));
    expect(result.size).toBe(0);
    checkCrc(result, Buffer.alloc(0), t.store.features.crc64);
    if (result.crc64 !== undefined) expect(result.crc64).toBe("0");
  });

  suite.test("write: truncated by size, crc64 covers only the stored bytes", async (t) => {
    const data = randomData(5000);
    const result = await t.store.write(t.key(), data, { size: 1234 });
    checkCrc(result, data.subarray(0, 1234), t.store.features.crc64);
  });

  suite.gated(
    "write: multipart result crc64 is the whole object's (parts combined)",
    ["multipart"],
    async (t) => {
      const path = t.key();
      const ps = partSize(t);
      const data = randomData(ps * 2 + 100);
      const result = await t.store.write(path, data, { multipartThreshold: ps, partSize: ps });
      expect(result.parts).toBe(3);
      expect(result.size).toBe(data.length);
      checkCrc(result, data, t.store.features.crc64);
      expect(result.crc64Confirmed === true).toBe(t.store.features.crc64);
      expectSameBytes(await t.store.read(path), data);
    },
    async (t) => {
      await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
    },
  );

  // A given contentMd5 is core's to check, whatever features.contentMd5 says (that flag says whether the
  // service checks it too): the body's MD5 before a single write is sent, the whole body's before Complete.
  suite.test("write: a matching contentMd5 is accepted, a wrong one rejects with IntegrityMismatch and stores nothing", async (t) => {
    const path = t.key();
    const data = randomData(1000);
    expect((await t.store.write(path, data, { contentMd5: md5Base64(data) })).size).toBe(1000);
    expectSameBytes(await t.store.read(path), data);
    const other = t.key();
    await expectError(() => t.store.write(other, data, { contentMd5: md5Base64(randomData(1000)) }), "IntegrityMismatch");
    await expectError(() => t.store.stat(other), "ObjectNotExist");
  });

  suite.test("write: contentMd5 is checked on a write that goes multipart too: a wrong one stores nothing and leaves no upload", async (t) => {
    const ps = Math.max(t.store.features.limits.multipartSizeMinimum ?? 0, 64 * 1024);
    const data = randomData(2 * ps + 17);
    // Without multipart the same writes go in one request (core ignores the tuning there).
    const tuning = { multipartThreshold: ps, partSize: ps, concurrency: 2 };
    const path = t.key();
    const written = await t.store.write(path, Readable.from([data]), { ...tuning, contentMd5: md5Base64(data) });
    expect(written.parts).toBe(t.store.features.multipart ? 3 : undefined);
    expectSameBytes(await t.store.read(path), data);
    const other = t.key();
    await expectError(() => t.store.write(other, data, { ...tuning, contentMd5: md5Base64(randomData(8)) }), "IntegrityMismatch");
    await expectError(() => t.store.write(other, Readable.from([data]), { ...tuning, contentMd5: md5Base64(randomData(8)) }), "IntegrityMismatch");
    await expectError(() => t.store.stat(other), "ObjectNotExist");
    if (t.store.features.listMultipartUploads) expect(await collect(t.store.list(other, { mode: "part" }))).toEqual([]);
  });

  suite.test("write: a wrong contentMd5 does not replace an existing object", async (t) => {
    const path = t.key();
    const data = randomData(300);
    await t.store.write(path, data);
    await expectError(() => t.store.write(path, randomData(300), { contentMd5: md5Base64(data) }), "IntegrityMismatch");
    expectSameBytes(await t.store.read(path), data);
  });

  suite.gated(
    "writeMultipart: part crc64 is the part's; complete's is the object's",
    ["multipart"],
    async (t) => {
      const path = t.key();
      const o = await t.store.createMultipart(path);
      t.defer(() => t.store.delete(path, { multipartId: o.multipartId as string }));
      const ps = partSize(t);
      const a = randomData(ps);
      const b = randomData(99);
      const pa = await t.store.writeMultipart(o, a, { index: 0 });
      const pb = await t.store.writeMultipart(o, b, { index: 1 });
      // Required where the service reports CRC-64; a value present is checked either way.
      for (const [part, bytes] of [[pa, a], [pb, b]] as const) {
        if (t.store.features.crc64) expect(part.crc64).toBeDefined();
        if (part.crc64 !== undefined) expect(part.crc64).toBe(crc64Decimal(bytes));
      }
      const result = await t.store.completeMultipart(o, [pa, pb]);
      checkCrc(result, Buffer.concat([a, b]), t.store.features.crc64);
    },
    async (t) => {
      await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
    },
  );
}
