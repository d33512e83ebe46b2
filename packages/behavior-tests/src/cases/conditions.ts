import { expect } from "@jest/globals";
import type { CaseScope, Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";

/** A fresh object and its ETag as stat reports it. */
async function stored(t: CaseScope, data = randomData(1000)): Promise<{ path: string; etag: string; data: Buffer }> {
  const path = t.key();
  await t.store.write(path, data);
  const etag = (await t.store.stat(path)).etag;
  expect(typeof etag).toBe("string");
  return { path, etag: etag!, data };
}

async function refuse(t: CaseScope): Promise<void> {
  const path = t.key();
  await t.store.write(path, randomData(10));
  await expectError(() => t.store.stat(path, { ifMatch: "*" }), "PairUnsupported");
  await expectError(() => t.store.read(path, { ifNoneMatch: "x" }), "PairUnsupported");
}

/** `ifMatch` / `ifNoneMatch` on stat and read: HTTP's conditional requests, as every service with ETags takes them. */
export function registerConditionCases(suite: Suite): void {
  suite.gated(
    "stat and read: if_match of the current ETag goes ahead; another ETag is Conflict (412)",
    ["conditionalRead"],
    async (t) => {
      const o = await stored(t);
      expect((await t.store.stat(o.path, { ifMatch: o.etag })).etag).toBe(o.etag);
      expectSameBytes(await t.store.read(o.path, { ifMatch: o.etag }), o.data);
      expectSameBytes(await t.store.read(o.path, { ifMatch: "*" }), o.data);
      const e1 = await expectError(() => t.store.read(o.path, { ifMatch: '"0123456789abcdef0123456789abcdef"' }), "Conflict");
      expect(e1.statusCode).toBe(412);
      const e2 = await expectError(() => t.store.stat(o.path, { ifMatch: '"0123456789abcdef0123456789abcdef"' }), "Conflict");
      expect(e2.statusCode).toBe(412);
    },
    refuse,
  );

  suite.gated(
    "stat and read: if_none_match of the current ETag is Conflict (304, not modified); another ETag goes ahead",
    ["conditionalRead"],
    async (t) => {
      const o = await stored(t);
      const e1 = await expectError(() => t.store.read(o.path, { ifNoneMatch: o.etag }), "Conflict");
      expect(e1.statusCode).toBe(304);
      const e2 = await expectError(() => t.store.stat(o.path, { ifNoneMatch: o.etag }), "Conflict");
      expect(e2.statusCode).toBe(304);
      await expectError(() => t.store.read(o.path, { ifNoneMatch: "*" }), "Conflict");
      expectSameBytes(await t.store.read(o.path, { ifNoneMatch: '"0123456789abcdef0123456789abcdef"' }), o.data);
    },
    refuse,
  );

  suite.gated(
    "read: if_match with the ETag from before an overwrite is Conflict; the new one reads the new bytes",
    ["conditionalRead"],
    async (t) => {
      const o = await stored(t, randomData(2000));
      const next = randomData(2001);
      await t.store.write(o.path, next);
      await expectError(() => t.store.read(o.path, { ifMatch: o.etag }), "Conflict");
      const etag = (await t.store.stat(o.path)).etag!;
      if (t.store.features.readRange) expectSameBytes(await t.store.read(o.path, { ifMatch: etag, offset: 1, size: 100 }), next.subarray(1, 101));
      else expectSameBytes(await t.store.read(o.path, { ifMatch: etag }), next);
    },
    refuse,
  );
}
