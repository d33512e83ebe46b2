/**
 * The process's record of the parts `writeMultipart` uploaded (for services without part CRC-64s):
 * bounded by parts, not uploads, and let go of when an upload is aborted or completed.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { WRITTEN_PARTS_MAX, WRITTEN_UPLOADS_MAX, WrittenParts, writtenParts } from "../src/multipart/written-parts.js";
import type { Part } from "../src/object/object-info.js";
import { openRecording } from "./recording-driver.js";
import { failure } from "./http-test-server.js";

/** Part `index` of `n` bytes as recorded (with the CRC-64 of its bytes). */
function part(index: number, n = 4): Part & { crc64: string } {
  const data = Buffer.alloc(n, index + 1);
  return { index, size: n, etag: `"e${index}"`, crc64: crc64Decimal(data) };
}

/** True while `record` still vouches for part `index` of `id` at key "k" (its CRC-64 kept at complete). */
function vouches(record: WrittenParts, id: string, index = 0): boolean {
  return record.vouched("k", id, [part(index)]).parts[0]!.crc64 !== undefined;
}

/** True while the process's record vouches for part 0 of upload "u1" at `key` as the recording driver stored it (4 bytes of 1). */
function vouchesU1(key = "k"): boolean {
  const data = Buffer.alloc(4, 1);
  return writtenParts.vouched(key, "u1", [{ index: 0, size: 4, etag: "e", crc64: crc64Decimal(data) }]).parts[0]!.crc64 !== undefined;
}

afterEach(() => {
  for (const key of ["k", "other"]) writtenParts.forget(key, "u1");
});

describe("WrittenParts is bounded by parts", () => {
  it("forgets whole uploads, the least recently written to first, once past its part limit", () => {
    const record = new WrittenParts(10);
    for (let i = 0; i < 4; i++) record.record("k", "a", part(i));
    for (let i = 0; i < 4; i++) record.record("k", "b", part(i));
    record.record("k", "a", part(4)); // "a" is now the most recent
    expect(record.size).toBe(9);
    for (let i = 0; i < 4; i++) record.record("k", "c", part(i));
    // 13 > 10: "b" (least recent) goes whole; "a" and "c" stay.
    expect(record.size).toBe(9);
    expect(vouches(record, "b")).toBe(false);
    expect(vouches(record, "a", 4)).toBe(true);
    expect(vouches(record, "c", 3)).toBe(true);
    // Recording a part again counts it once.
    record.record("k", "c", part(3));
    expect(record.size).toBe(9);
  });

  it("never evicts the upload being written to, and the default limit counts parts of all uploads", () => {
    const small = new WrittenParts(3);
    for (let i = 0; i < 5; i++) small.record("k", "big", part(i));
    expect(small.size).toBe(5);
    expect(vouches(small, "big", 4)).toBe(true);

    const record = new WrittenParts();
    const perUpload = 1000;
    const uploads = WRITTEN_PARTS_MAX / perUpload + 1;
    for (let u = 0; u < uploads; u++) for (let i = 0; i < perUpload; i++) record.record("k", `u${u}`, part(i, 1));
    expect(record.size).toBe(WRITTEN_PARTS_MAX);
    expect(record.vouched("k", "u0", [part(0, 1)]).parts[0]!.crc64).toBeUndefined();
    expect(record.vouched("k", `u${uploads - 1}`, [part(0, 1)]).parts[0]!.crc64).toBeDefined();
  });

  it("is bounded by uploads too: one-part uploads nobody completes here do not pile up their keys", () => {
    const record = new WrittenParts(WRITTEN_PARTS_MAX, 3);
    for (const id of ["a", "b", "c", "d"]) record.record("k", id, part(0));
    expect(record.size).toBe(3);
    expect(vouches(record, "a")).toBe(false);
    expect(vouches(record, "b")).toBe(true);
    expect(vouches(record, "d")).toBe(true);

    const fresh = new WrittenParts();
    for (let u = 0; u <= WRITTEN_UPLOADS_MAX; u++) fresh.record("k", `u${u}`, part(0, 1));
    expect(fresh.size).toBe(WRITTEN_UPLOADS_MAX);
    expect(fresh.vouched("k", "u0", [part(0, 1)]).parts[0]!.crc64).toBeUndefined();
  });

  it("an upload it forgot is completed without CRC-64s, never refused", () => {
    const record = new WrittenParts(1);
    record.record("k", "old", part(0));
    record.record("k", "new", part(0));
    const { parts: [kept], unchecked } = record.vouched("k", "old", [part(0)]);
    expect(kept).toEqual({ index: 0, size: 4, etag: '"e0"' });
    expect([...unchecked]).toEqual([[0, part(0).crc64]]);
  });
});

describe("an aborted upload is forgotten", () => {
  it("delete({ multipartId }) lets go of the parts writeMultipart recorded", async () => {
    const { store } = openRecording();
    const upload = await store.createMultipart("k");
    await store.writeMultipart(upload, Buffer.alloc(4, 1), { index: 0 });
    expect(vouchesU1()).toBe(true);
    const before = writtenParts.size;
    await store.delete("k", { multipartId: upload.multipartId! });
    expect(vouchesU1()).toBe(false);
    expect(writtenParts.size).toBe(before - 1);
  });

  it('delete with both multipartId and mode "dir" is refused, and aborts nothing', async () => {
    const { driver, store } = openRecording();
    const upload = await store.createMultipart("k");
    await store.writeMultipart(upload, Buffer.alloc(4, 1), { index: 0 });
    const sent = driver.calls.length;
    const e = await failure(store.delete("k", { multipartId: upload.multipartId!, mode: "dir" }));
    expect(e).toMatchObject({ code: ErrorCode.InvalidArgument, op: "delete" });
    expect(String(e)).toContain('mode "dir" does not go with multipartId');
    expect(driver.calls.slice(sent)).toEqual([]);
    expect(vouchesU1()).toBe(true);
  });

  it("an abort that failed keeps the record (the upload may still be completed); one found missing drops it", async () => {
    const { driver, store } = openRecording();
    const upload = await store.createMultipart("k");
    await store.writeMultipart(upload, Buffer.alloc(4, 1), { index: 0 });
    driver.abortMultipart = async () => {
      throw storageError(ErrorCode.ServiceInternal, "the service failed", { retryable: true });
    };
    await failure(store.delete("k", { multipartId: "u1" }));
    expect(vouchesU1()).toBe(true);
    driver.abortMultipart = async () => {
      throw storageError(ErrorCode.ObjectNotExist, "no such upload");
    };
    await failure(store.delete("k", { multipartId: "u1" }));
    expect(vouchesU1()).toBe(false);
  });

  it("a write that resumed the upload and completed it lets go of its record too", async () => {
    const { store } = openRecording();
    const upload = await store.createMultipart("k");
    await store.writeMultipart(upload, Buffer.alloc(4, 1), { index: 0 });
    expect(vouchesU1()).toBe(true);
    await store.write("k", Buffer.alloc(3 * 1024 * 1024, 2), { multipartId: "u1", multipartThreshold: 1024 * 1024, partSize: 1024 * 1024 });
    expect(vouchesU1()).toBe(false);
  });
});
