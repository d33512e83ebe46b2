import { expect } from "@jest/globals";
import { crc64Decimal } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectSameBytes, md5Base64, randomData } from "../fixtures.js";
import { partSize, startUpload } from "./multipart.js";

/** Uploads `data`'s first `count` parts (of `ps` bytes) into a new upload at `path`, as an interrupted write leaves them. */
async function interrupted(t: CaseScope, path: string, data: Buffer, ps: number, count: number): Promise<string> {
  const o = await startUpload(t, path);
  for (let i = 0; i < count; i++) await t.store.writeMultipart(o, data.subarray(i * ps, (i + 1) * ps), { index: i });
  return o.multipartId!;
}

/** Whether the service lists an upload's parts with their CRC-64s (COS does not: then stored parts cannot be taken). */
async function partsListedWithCrc(t: CaseScope, path: string, multipartId: string): Promise<boolean> {
  const parts = await collect(t.store.listMultipart({ path, mode: "part", multipartId }));
  return parts.length > 0 && parts.every((p) => p.crc64 !== undefined);
}

/** Without multipart there is no upload to resume: the option still needs one. */
async function refuse(t: CaseScope): Promise<void> {
  await expectError(() => t.store.write(t.key(), randomData(10), { resumeOffset: 5 }), "InvalidArgument");
}

/**
 * `resumeOffset` and `crc64` on write: a resumed upload whose source starts where the stored parts
 * end (a download resumed without fetching those parts again), and an expected CRC-64 that stops a
 * write with other bytes, before anything is completed.
 */
export function registerResumeCases(suite: Suite): void {
  suite.gated(
    "write: resume_offset continues an upload from its stored parts without reading them again; crc64 covers the whole object (InvalidArgument where parts are listed without CRC-64)",
    ["multipart"],
    async (t) => {
      const path = t.key();
      const ps = partSize(t);
      const data = randomData(ps * 3 + 123);
      const multipartId = await interrupted(t, path, data, ps, 2);
      const resume = () =>
        t.store.write(path, data.subarray(2 * ps), { multipartId, resumeOffset: 2 * ps, size: data.length, crc64: crc64Decimal(data), partSize: ps, multipartThreshold: ps });
      if (!(await partsListedWithCrc(t, path, multipartId))) {
        const refused = await expectError(resume, "InvalidArgument");
        // It says what to do instead: resume with the whole body, whose parts are checked by their MD5.
        expect(refused.detail).toContain("resume with the whole body, without resumeOffset");
        const whole = await t.store.write(path, data, { multipartId, size: data.length, partSize: ps, multipartThreshold: ps });
        expect([whole.size, whole.resumedParts]).toEqual([data.length, 2]);
        expect((await t.store.read(path)).equals(data)).toBe(true);
        return;
      }
      // The body is not all there, so an MD5 of it cannot be checked (core's check, whatever features.contentMd5
      // says): refused, and the upload stays resumable.
      const withMd5 = { multipartId, resumeOffset: 2 * ps, size: data.length, contentMd5: md5Base64(data), partSize: ps, multipartThreshold: ps };
      await expectError(() => t.store.write(path, data.subarray(2 * ps), withMd5), "InvalidArgument");
      const result = await resume();
      expect([result.size, result.crc64, result.resumedParts, result.resumedBytes]).toEqual([data.length, crc64Decimal(data), 2, 2 * ps]);
      expectSameBytes(await t.store.read(path), data);
    },
    refuse,
  );

  suite.gated(
    "write: resume_offset over parts of other bytes fails with IntegrityMismatch before completing (crc64 given)",
    ["multipart"],
    async (t) => {
      const path = t.key();
      const ps = partSize(t);
      const data = randomData(ps * 2 + 50);
      const multipartId = await interrupted(t, path, randomData(ps * 2 + 50), ps, 2);
      const resume = () => t.store.write(path, data.subarray(2 * ps), { multipartId, resumeOffset: 2 * ps, size: data.length, crc64: crc64Decimal(data), partSize: ps, multipartThreshold: ps });
      // Where parts are listed without CRC-64 (COS, QingStor), nothing can be taken: refused as above, the parts kept.
      const listedWithCrc = await partsListedWithCrc(t, path, multipartId);
      await expectError(resume, listedWithCrc ? "IntegrityMismatch" : "InvalidArgument");
      await expectError(() => t.store.stat(path), "ObjectNotExist");
      if (!listedWithCrc) expect((await collect(t.store.listMultipart({ path, mode: "part", multipartId }))).map((p) => p.index)).toEqual([0, 1]);
    },
    refuse,
  );

  suite.test("write: a crc64 the body does not hash to is IntegrityMismatch and stores nothing (single and multipart)", async (t) => {
    const data = randomData(3000);
    const wrong = crc64Decimal(randomData(3000));
    const path = t.key();
    await expectError(() => t.store.write(path, data, { crc64: wrong }), "IntegrityMismatch");
    await expectError(() => t.store.stat(path), "ObjectNotExist");
    expect((await t.store.write(path, data, { crc64: crc64Decimal(data) })).crc64).toBe(crc64Decimal(data));
    // Without multipart the same write goes in one request (core ignores the tuning there): checked alike.
    const ps = partSize(t);
    const big = randomData(ps * 2 + 7);
    const other = t.key();
    await expectError(() => t.store.write(other, big, { crc64: wrong, partSize: ps, multipartThreshold: ps }), "IntegrityMismatch");
    await expectError(() => t.store.stat(other), "ObjectNotExist");
  });

  suite.test("write: resume_offset without multipart_id, or not a whole number of parts, is InvalidArgument", async (t) => {
    await expectError(() => t.store.write(t.key(), randomData(10), { resumeOffset: 4 }), "InvalidArgument");
    if (!t.store.features.multipart) {
      // No upload to resume: a write naming one is refused, and nothing is stored.
      const path = t.key();
      await expectError(() => t.store.write(path, randomData(10), { multipartId: "no-such-upload" }), "CapabilityInsufficient");
      await expectError(() => t.store.stat(path), "ObjectNotExist");
      return;
    }
    const path = t.key();
    const ps = partSize(t);
    const multipartId = await interrupted(t, path, randomData(ps * 2), ps, 1);
    await expectError(() => t.store.write(path, randomData(ps), { multipartId, resumeOffset: ps + 1, size: ps * 2 + 1, partSize: ps, multipartThreshold: ps }), "InvalidArgument");
    await expectError(() => t.store.write(path, randomData(ps), { multipartId, resumeOffset: ps * 3, size: ps * 2, partSize: ps, multipartThreshold: ps }), "InvalidArgument");
  });
}
