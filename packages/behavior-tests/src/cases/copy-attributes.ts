import { expect } from "@jest/globals";
import type { CopyOptions } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";

const OLD_TYPE = "application/x-stowage-old";
const NEW_TYPE = "text/x-stowage-new";

/** The attributes `t`'s storage keeps that a source is written with: type, metadata and Cache-Control where it stores them. */
function sourceAttributes(t: CaseScope): CopyOptions {
  return {
    ...(t.store.features.contentType ? { contentType: OLD_TYPE } : {}),
    ...(t.store.features.userMetadata ? { metadata: { old: "1", shared: "old" } } : {}),
    ...(t.store.features.cacheControl ? { cacheControl: "max-age=1" } : {}),
  };
}

/**
 * For a storage lacking a flag of a copy-attributes case: without copy, copy is refused; without
 * copyAttributes, a copy given attributes is `PairUnsupported` and stores nothing (a plain copy still
 * copies the bytes); with both (a case that also needs contentType or userMetadata), an attribute
 * the storage lacks is refused likewise.
 */
async function refuseAttributes(t: CaseScope): Promise<void> {
  const f = t.store.features;
  if (!f.copy) return void (await expectError(() => t.store.copy(t.key(), t.key()), "CapabilityInsufficient"));
  const src = t.key();
  const data = randomData(3);
  await t.store.write(src, data);
  const dst = t.key();
  const given: CopyOptions = f.copyAttributes ? (f.contentType ? { metadata: { a: "1" } } : { contentType: NEW_TYPE }) : f.contentType ? { contentType: NEW_TYPE } : { metadata: { a: "1" } };
  await expectError(() => t.store.copy(src, dst, given), "PairUnsupported");
  await expectError(() => t.store.copy(src, src, given), "PairUnsupported");
  await expectError(() => t.store.stat(dst), "ObjectNotExist");
  await t.store.copy(src, dst);
  expectSameBytes(await t.store.read(dst), data);
}

/** For a storage without `op`: it is refused (`CapabilityInsufficient`), with `ifNotExists` too, and the source stays. */
async function refuseRelocation(t: CaseScope, op: "copy" | "move"): Promise<void> {
  const src = t.key();
  await t.store.write(src, randomData(3));
  await expectError(() => t.store[op](src, t.key()), "CapabilityInsufficient");
  await expectError(() => t.store[op](src, t.key(), { ifNotExists: true }), "CapabilityInsufficient");
  expect((await t.store.stat(src)).size).toBe(3);
}

/**
 * `copy` with attributes (feature `copyAttributes`): given content type, metadata or object
 * headers replace the source's as a whole (the services' REPLACE directive), also in place;
 * without them the copy keeps the source's. `ifNotExists` on copy and move (feature
 * `writeIfNotExists`): nothing replaced, a move's source kept; a missing source is `ObjectNotExist`
 * whatever the destination, as without `ifNotExists`.
 */
export function registerCopyAttributeCases(suite: Suite): void {
  suite.gated(
    "copy with attributes: the copy carries exactly those given, none of the source's others; the source unchanged",
    ["copy", "copyAttributes", "userMetadata"],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      const data = randomData(300);
      await t.store.write(src, data, sourceAttributes(t));
      await t.store.copy(src, dst, { metadata: { shared: "new", Added: "2" } });
      const copied = await t.store.stat(dst);
      expect(copied.metadata).toEqual({ shared: "new", added: "2" });
      if (t.store.features.contentType) expect(copied.contentType).not.toBe(OLD_TYPE);
      expect(copied.cacheControl).toBeUndefined();
      expectSameBytes(await t.store.read(dst), data);
      const source = await t.store.stat(src);
      expect(source.metadata).toEqual({ old: "1", shared: "old" });
    },
    refuseAttributes,
  );

  suite.gated(
    "copy onto its own path with attributes changes them in place, the bytes and their CRC-64 untouched",
    ["copy", "copyAttributes", "contentType"],
    async (t) => {
      const path = t.key();
      const data = randomData(1234);
      await t.store.write(path, data, sourceAttributes(t));
      const before = await t.store.stat(path);
      await t.store.copy(path, path, { contentType: NEW_TYPE });
      const after = await t.store.stat(path);
      expect(after.contentType).toBe(NEW_TYPE);
      expect(after.metadata ?? {}).toEqual({});
      expect(after.size).toBe(1234);
      if (before.crc64 !== undefined && after.crc64 !== undefined) expect(after.crc64).toBe(before.crc64);
      expectSameBytes(await t.store.read(path), data);
    },
    refuseAttributes,
  );

  suite.gated(
    "copy without attributes keeps the source's content type, metadata and object headers",
    ["copy", "copyAttributes", "contentType", "userMetadata"],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      const attributes = sourceAttributes(t);
      await t.store.write(src, randomData(10), attributes);
      await t.store.copy(src, dst);
      const copied = await t.store.stat(dst);
      expect(copied.contentType).toBe(OLD_TYPE);
      expect(copied.metadata).toEqual({ old: "1", shared: "old" });
      if (t.store.features.cacheControl) expect(copied.cacheControl).toBe("max-age=1");
    },
    refuseAttributes,
  );

  suite.gated(
    "copy ifNotExists: refused with Conflict over an existing object, which stays as it was; allowed where none is",
    ["copy", "writeIfNotExists"],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      const data = randomData(50);
      const there = randomData(20);
      await t.store.write(src, data);
      await t.store.write(dst, there);
      await expectError(() => t.store.copy(src, dst, { ifNotExists: true }), "Conflict");
      expectSameBytes(await t.store.read(dst), there);
      const fresh = t.key();
      await t.store.copy(src, fresh, { ifNotExists: true });
      expectSameBytes(await t.store.read(fresh), data);
    },
    async (t) => {
      if (!t.store.features.copy) return refuseRelocation(t, "copy");
      const src = t.key();
      const dst = t.key();
      await t.store.write(src, randomData(3));
      await expectError(() => t.store.copy(src, dst, { ifNotExists: true }), "PairUnsupported");
      await expectError(() => t.store.stat(dst), "ObjectNotExist");
    },
  );

  suite.gated(
    "move ifNotExists: refused with Conflict over an existing object, the source kept; allowed where none is",
    ["move", "writeIfNotExists"],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      const data = randomData(60);
      const there = randomData(25);
      await t.store.write(src, data);
      await t.store.write(dst, there);
      await expectError(() => t.store.move(src, dst, { ifNotExists: true }), "Conflict");
      expectSameBytes(await t.store.read(dst), there);
      expectSameBytes(await t.store.read(src), data);
      const fresh = t.key();
      await t.store.move(src, fresh, { ifNotExists: true });
      expectSameBytes(await t.store.read(fresh), data);
      await expectError(() => t.store.stat(src), "ObjectNotExist");
    },
    async (t) => {
      if (!t.store.features.move) return refuseRelocation(t, "move");
      const src = t.key();
      const dst = t.key();
      await t.store.write(src, randomData(3));
      await expectError(() => t.store.move(src, dst, { ifNotExists: true }), "PairUnsupported");
      expect((await t.store.stat(src)).size).toBe(3);
      await expectError(() => t.store.stat(dst), "ObjectNotExist");
    },
  );

  suite.gated(
    "copy and move ifNotExists of a missing source are ObjectNotExist (a directory's ObjectModeInvalid) whatever the destination, which stays as it was",
    ["writeIfNotExists"],
    async (t) => {
      const there = randomData(20);
      const dst = t.key();
      await t.store.write(dst, there);
      const ops = (["copy", "move"] as const).filter((op) => t.store.features[op]);
      for (const op of (["copy", "move"] as const).filter((o) => !ops.includes(o))) await refuseRelocation(t, op);
      for (const op of ops) {
        for (const to of [dst, t.key()]) {
          await expectError(() => t.store[op](t.key(), to, { ifNotExists: true }), "ObjectNotExist");
          if (to === dst) expectSameBytes(await t.store.read(dst), there);
          else await expectError(() => t.store.stat(to), "ObjectNotExist");
        }
        if (t.store.features.createDir) {
          const dir = t.key();
          t.defer(() => t.store.delete(`${dir}/`, { mode: "dir" }));
          await t.store.createDir(dir);
          await expectError(() => t.store[op](dir, dst, { ifNotExists: true }), "ObjectModeInvalid");
          expect((await t.store.stat(`${dir}/`)).mode).toBe("dir");
        }
      }
      if (t.store.features.copy && t.store.features.createLink) {
        // A copy copies what a link leads to: nothing, here.
        const link = t.key();
        await t.store.createLink(link, t.key());
        await expectError(() => t.store.copy(link, dst, { ifNotExists: true }), "ObjectNotExist");
      }
      expectSameBytes(await t.store.read(dst), there);
    },
    async (t) => {
      for (const op of ["copy", "move"] as const) {
        if (!t.store.features[op]) await refuseRelocation(t, op);
        else await expectError(() => t.store[op](t.key(), t.key(), { ifNotExists: true }), "PairUnsupported");
      }
    },
  );
}
