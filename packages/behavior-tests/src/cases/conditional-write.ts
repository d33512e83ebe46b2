import { expect } from "@jest/globals";
import type { ObjectInfo } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectSameBytes, randomData, streamError } from "../fixtures.js";
import { partSize } from "./multipart.js";

/** True when the storage holds no in-progress upload of `path` (where it can list them). */
async function noUploadOf(t: CaseScope, path: string): Promise<boolean> {
  if (!t.store.features.listMultipartUploads) return true;
  const uploads = await collect(t.store.list(path, { mode: "part" }));
  return uploads.every((u) => u.path !== path);
}

/** A case for stores without the feature: `ifNotExists` is refused (`PairUnsupported`) and nothing is written. */
async function refuse(t: CaseScope): Promise<void> {
  const path = t.key();
  await expectError(() => t.store.write(path, randomData(3), { ifNotExists: true }), "PairUnsupported");
  await expectError(() => t.store.stat(path), "ObjectNotExist");
}

/** Without the feature, a multipart write with `ifNotExists` is refused before any upload starts. */
async function refuseMultipartWrite(t: CaseScope): Promise<void> {
  if (!t.store.features.multipart) return refuse(t);
  const part = partSize(t);
  const path = t.key();
  await expectError(() => t.store.write(path, randomData(2 * part + 1), { ifNotExists: true, multipartThreshold: part, partSize: part }), "PairUnsupported");
  await expectError(() => t.store.stat(path), "ObjectNotExist");
  expect(await noUploadOf(t, path)).toBe(true);
}

/** Without the feature, `completeMultipart` with `ifNotExists` is refused: no object, the upload kept and completable. */
async function refuseComplete(t: CaseScope): Promise<void> {
  if (!t.store.features.multipart) return refuse(t);
  const path = t.key();
  const o: ObjectInfo = await t.store.createMultipart(path);
  t.defer(() => t.store.delete(path, { multipartId: o.multipartId as string }));
  t.track(path);
  const data = randomData(100);
  const part = await t.store.writeMultipart(o, data, { index: 0 });
  await expectError(() => t.store.completeMultipart(o, [part], { ifNotExists: true }), "PairUnsupported");
  await expectError(() => t.store.stat(path), "ObjectNotExist");
  await t.store.completeMultipart(o, [part]);
  expectSameBytes(await t.store.read(path), data);
}

/** Without the feature, `createWriteStream` with `ifNotExists` errors with PairUnsupported, the object unchanged. */
async function refuseStream(t: CaseScope): Promise<void> {
  const path = t.key();
  const first = randomData(30);
  await t.store.write(path, first);
  let failed: Promise<unknown>;
  try {
    const ws = t.store.createWriteStream(path, { ifNotExists: true });
    failed = streamError(ws);
    ws.end(randomData(40));
  } catch (e) {
    failed = Promise.resolve(e);
  }
  expect(await failed).toMatchObject({ code: "PairUnsupported" });
  expectSameBytes(await t.store.read(path), first);
}

/** Without the feature, `copy` and `move` with `ifNotExists` are refused (`CapabilityInsufficient` where the storage has no copy or move): the source kept, nothing at the destination. */
async function refuseRelocate(t: CaseScope): Promise<void> {
  const src = t.key();
  const dst = t.key();
  const data = randomData(20);
  await t.store.write(src, data);
  for (const op of ["copy", "move"] as const) {
    await expectError(() => t.store[op](src, dst, { ifNotExists: true }), t.store.features[op] ? "PairUnsupported" : "CapabilityInsufficient");
  }
  expectSameBytes(await t.store.read(src), data);
  await expectError(() => t.store.stat(dst), "ObjectNotExist");
  await refuse(t);
}

/**
 * Conditional writes (`ifNotExists`, feature `writeIfNotExists`; OpenDAL's write_with_if_not_exists):
 * a write, a stream, a multipart write and a completion store nothing over an existing object,
 * and of two writes racing for one path exactly one wins.
 */
export function registerConditionalWriteCases(suite: Suite): void {
  suite.gated(
    "write ifNotExists: stores a new object, then refuses to replace it with Conflict, the bytes unchanged",
    ["writeIfNotExists"],
    async (t) => {
      const path = t.key();
      const first = randomData(100);
      await t.store.write(path, first, { ifNotExists: true });
      const e = await expectError(() => t.store.write(path, randomData(50), { ifNotExists: true }), "Conflict");
      expect(e.retryable).toBe(false);
      expectSameBytes(await t.store.read(path), first);
      // Without the option the same write replaces it.
      await t.store.write(path, randomData(7));
      expect((await t.store.stat(path)).size).toBe(7);
    },
    refuse,
  );

  suite.gated(
    "write ifNotExists: a multipart write over an existing object is refused before any part, and leaves no upload",
    ["writeIfNotExists", "multipart"],
    async (t) => {
      const part = partSize(t);
      const path = t.key();
      const first = randomData(10);
      await t.store.write(path, first);
      let parts = 0;
      await expectError(
        () => t.store.write(path, randomData(2 * part + 1), { ifNotExists: true, multipartThreshold: part, partSize: part, onProgress: (p) => void (parts = p.bytes) }),
        "Conflict",
      );
      expect(parts).toBe(0);
      expectSameBytes(await t.store.read(path), first);
      expect(await noUploadOf(t, path)).toBe(true);
      // Where nothing exists it goes through in parts.
      const other = t.key();
      const data = randomData(2 * part + 1);
      const r = await t.store.write(other, data, { ifNotExists: true, multipartThreshold: part, partSize: part });
      expect(r.parts).toBe(3);
      expectSameBytes(await t.store.read(other), data);
    },
    refuseMultipartWrite,
  );

  suite.gated(
    "completeMultipart ifNotExists: an object created after the upload started wins; Conflict, the object unchanged",
    ["writeIfNotExists", "multipart"],
    async (t) => {
      const path = t.key();
      const o: ObjectInfo = await t.store.createMultipart(path);
      t.defer(() => t.store.delete(path, { multipartId: o.multipartId as string }));
      const part = await t.store.writeMultipart(o, randomData(100), { index: 0 });
      const meanwhile = randomData(20);
      await t.store.write(path, meanwhile);
      await expectError(() => t.store.completeMultipart(o, [part], { ifNotExists: true }), "Conflict");
      expectSameBytes(await t.store.read(path), meanwhile);
    },
    refuseComplete,
  );

  suite.gated(
    "createWriteStream ifNotExists: over an existing object the stream errors with Conflict, the object unchanged",
    ["writeIfNotExists"],
    async (t) => {
      const path = t.key();
      const first = randomData(30);
      await t.store.write(path, first);
      const ws = t.store.createWriteStream(path, { ifNotExists: true });
      const failed = streamError(ws);
      ws.end(randomData(40));
      expect(await failed).toMatchObject({ code: "Conflict" });
      expectSameBytes(await t.store.read(path), first);
    },
    refuseStream,
  );

  suite.gated(
    "copy ifNotExists: onto its own source, as onto another existing object, is Conflict with statusCode 409; nothing changed",
    ["writeIfNotExists", "copy"],
    async (t) => {
      const src = t.key();
      const other = t.key();
      const data = randomData(40);
      await t.store.write(src, data);
      await t.store.write(other, randomData(5));
      for (const dst of [src, other]) {
        const e = await expectError(() => t.store.copy(src, dst, { ifNotExists: true }), "Conflict");
        expect(e.statusCode).toBe(409);
        expect(e.retryable).toBe(false);
      }
      expectSameBytes(await t.store.read(src), data);
      expect((await t.store.stat(other)).size).toBe(5);
    },
    refuse,
  );

  suite.gated(
    "write ifNotExists: of several writes racing for one new path, exactly one succeeds and its bytes are stored (where unsupported: copy and move refuse it too)",
    ["writeIfNotExists"],
    async (t) => {
      const path = t.key();
      // Bodies that take a while to arrive (below any multipart threshold): a check made before the body
      // is read and not again when the object is stored lets several through.
      const bodies = [0, 1, 2, 3].map(() => randomData(384 * 1024));
      const results = await Promise.allSettled(bodies.map((b) => t.store.write(path, b, { ifNotExists: true })));
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "Conflict" });
      expectSameBytes(await t.store.read(path), bodies[won[0] as number] as Buffer);
    },
    refuseRelocate,
  );
}
