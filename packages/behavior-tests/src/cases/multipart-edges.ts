import { expect } from "@jest/globals";
import { crc64Decimal } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectSameBytes, randomData } from "../fixtures.js";
import { partSize, startUpload } from "./multipart.js";

/** The parts an upload holds, as `[index, size]`. */
async function held(t: CaseScope, o: { path: string; multipartId?: string }): Promise<Array<[number, number]>> {
  const parts = await collect(t.store.listMultipart({ path: o.path, mode: "part", multipartId: o.multipartId as string }));
  return parts.map((p) => [p.index, p.size]);
}

/**
 * Multipart edges every storage answers alike (go-storage §8.3 bug 11: a part-number
 * off-by-one): the part-index limit, a duplicate index, parts unlike the stored ones, and
 * completing an upload that is gone.
 */
export function registerMultipartEdgeCases(suite: Suite): void {
  const gated = (name: string, body: (t: CaseScope) => Promise<void>): void =>
    suite.gated(name, ["multipart"], body, async (t) => {
      await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
    });

  gated("writeMultipart: the last index below limits.multipartNumberMaximum is stored; the limit and beyond are InvalidArgument and store nothing", async (t) => {
    const max = t.store.features.limits.multipartNumberMaximum;
    // Every multipart storage declares its part limit (memory and fs: the clouds' 10,000); the name
    // goes into the comparison so that a driver without it is told what to declare.
    expect({ "features.limits.multipartNumberMaximum": typeof max }).toEqual({ "features.limits.multipartNumberMaximum": "number" });
    const o = await startUpload(t);
    const last = await t.store.writeMultipart(o, randomData(10), { index: max! - 1 });
    expect([last.index, last.size]).toEqual([max! - 1, 10]);
    await expectError(() => t.store.writeMultipart(o, randomData(11), { index: max! }), "InvalidArgument");
    await expectError(() => t.store.writeMultipart(o, randomData(12), { index: 2 ** 31 }), "InvalidArgument");
    expect(await held(t, o)).toEqual([[max! - 1, 10]]);
  });

  gated("completeMultipart: a part given twice is InvalidArgument and the upload is kept; the right parts then complete it", async (t) => {
    const o = await startUpload(t);
    t.track(o.path);
    const size = partSize(t);
    const data = randomData(size + 5);
    const p0 = await t.store.writeMultipart(o, data.subarray(0, size), { index: 0 });
    const p1 = await t.store.writeMultipart(o, data.subarray(size), { index: 1 });
    await expectError(() => t.store.completeMultipart(o, [p0, p1, p1]), "InvalidArgument");
    await expectError(() => t.store.completeMultipart(o, [p0, p0]), "InvalidArgument");
    await expectError(() => t.store.stat(o.path), "ObjectNotExist");
    expect(await held(t, o)).toEqual([
      [0, size],
      [1, 5],
    ]);
    expect((await t.store.completeMultipart(o, [p1, p0])).size).toBe(size + 5);
    expectSameBytes(await t.store.read(o.path), data);
  });

  gated("completeMultipart: a wrong etag or crc64, or a part never uploaded, is Conflict and the upload is kept", async (t) => {
    const o = await startUpload(t);
    t.track(o.path);
    const data = randomData(300);
    const part = await t.store.writeMultipart(o, data, { index: 0 });
    const otherEtag = `"${"0".repeat(32)}"`;
    expect(part.etag).not.toBe(otherEtag);
    await expectError(() => t.store.completeMultipart(o, [{ ...part, etag: otherEtag }]), "Conflict");
    await expectError(() => t.store.completeMultipart(o, [{ ...part, crc64: crc64Decimal(randomData(300)) }]), "Conflict");
    await expectError(() => t.store.completeMultipart(o, [part, { index: 1, size: 7, etag: part.etag }]), "Conflict");
    await expectError(() => t.store.stat(o.path), "ObjectNotExist");
    expect(await held(t, o)).toEqual([[0, 300]]);
    await t.store.completeMultipart(o, [part]);
    expectSameBytes(await t.store.read(o.path), data);
  });

  gated("completeMultipart: a second complete, or one after the abort, is ObjectNotExist and changes nothing", async (t) => {
    const o = await startUpload(t);
    t.track(o.path);
    const data = randomData(200);
    const part = await t.store.writeMultipart(o, data, { index: 0 });
    await t.store.completeMultipart(o, [part]);
    await expectError(() => t.store.completeMultipart(o, [part]), "ObjectNotExist");
    expectSameBytes(await t.store.read(o.path), data);

    const aborted = await t.store.createMultipart(t.key());
    t.track(aborted.path);
    const p = await t.store.writeMultipart(aborted, randomData(50), { index: 0 });
    await t.store.delete(aborted.path, { multipartId: aborted.multipartId as string });
    await expectError(() => t.store.completeMultipart(aborted, [p]), "ObjectNotExist");
    await expectError(() => t.store.stat(aborted.path), "ObjectNotExist");
  });
}
