import { expect } from "@jest/globals";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectSameBytes, randomData } from "../fixtures.js";

/** Copy and move share their cases; `op` picks which one runs. */
export type TransferOp = "copy" | "move";

/** Runs `copy` or `move`. */
export async function transfer(t: CaseScope, op: TransferOp, src: string, dst: string): Promise<void> {
  if (op === "copy") await t.store.copy(src, dst);
  else await t.store.move(src, dst);
}

/** Asserts `op` is refused with `CapabilityInsufficient` (the feature is off). */
export async function refuse(t: CaseScope, op: TransferOp): Promise<void> {
  await expectError(() => transfer(t, op, t.key(), t.key()), "CapabilityInsufficient");
}

/** Checks the source after the transfer: unchanged after copy, gone after move. */
async function checkSource(t: CaseScope, op: TransferOp, src: string, data: Buffer): Promise<void> {
  if (op === "copy") expectSameBytes(await t.store.read(src), data);
  else await expectError(() => t.store.stat(src), "ObjectNotExist");
}

/**
 * Ports Copier C1, C2, CD1/CV1 (§7.5) and Mover M1, M2, MD1/MV1 (§7.6), plus
 * a missing source and zero-byte objects. `copy.ts` and `move.ts` register them.
 */
export function registerTransferCases(suite: Suite, op: TransferOp): void {
  const tag = op === "copy" ? "C" : "M";

  suite.gated(
    `${op}: ${op === "copy" ? "copies" : "moves"} an object to a new path (${tag}1)`,
    [op],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      const data = randomData(10_001);
      await t.store.write(src, data);
      await transfer(t, op, src, dst);
      const o = await t.store.stat(dst);
      expect(o.path).toBe(dst);
      expect(o.mode).toBe("file");
      expect(o.size).toBe(data.length);
      expectSameBytes(await t.store.read(dst), data);
      await checkSource(t, op, src, data);
    },
    (t) => refuse(t, op),
  );

  suite.gated(
    `${op}: overwrites an existing destination (${tag}2)`,
    [op],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      const data = randomData(3000);
      await t.store.write(src, data);
      await t.store.write(dst, randomData(9000));
      await transfer(t, op, src, dst);
      expect((await t.store.stat(dst)).size).toBe(3000);
      expectSameBytes(await t.store.read(dst), data);
      await checkSource(t, op, src, data);
    },
    (t) => refuse(t, op),
  );

  suite.gated(
    `${op}: a zero-byte object`,
    [op],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      await t.store.write(src, Buffer.alloc(0));
      await transfer(t, op, src, dst);
      expect((await t.store.stat(dst)).size).toBe(0);
      await checkSource(t, op, src, Buffer.alloc(0));
    },
    (t) => refuse(t, op),
  );

  suite.gated(
    `${op}: an appendable object arrives whole, or is refused with ObjectModeInvalid and nothing changes`,
    [op, "append"],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      const data = randomData(4000);
      const created = await t.store.createAppend(src);
      const first = await t.store.writeAppend(created, data.subarray(0, 1500));
      await t.store.writeAppend({ ...created, appendOffset: first.appendOffset, crc64: first.crc64 }, data.subarray(1500));
      const refused = await transfer(t, op, src, dst).then(
        () => false,
        (e: unknown) => {
          if ((e as { code?: unknown }).code !== "ObjectModeInvalid") throw e;
          return true;
        },
      );
      if (refused) {
        // COS and OSS copy no appendable object server-side: the source stays, nothing is created.
        expectSameBytes(await t.store.read(src), data);
        await expectError(() => t.store.stat(dst), "ObjectNotExist");
        return;
      }
      expectSameBytes(await t.store.read(dst), data);
      await checkSource(t, op, src, data);
    },
    async (t) => {
      if (!t.store.features[op]) await refuse(t, op);
      else await expectError(() => t.store.createAppend(t.key()), "CapabilityInsufficient");
    },
  );

  suite.gated(
    `${op}: a missing source rejects with ObjectNotExist and creates nothing`,
    [op],
    async (t) => {
      const dst = t.key();
      await expectError(() => transfer(t, op, t.key(), dst), "ObjectNotExist");
      await expectError(() => t.store.stat(dst), "ObjectNotExist");
    },
    (t) => refuse(t, op),
  );

  suite.gated(
    `${op}: a directory source, with its trailing / or without, is ObjectModeInvalid and changes nothing`,
    [op, "createDir"],
    async (t) => {
      const dir = t.key();
      const child = `${dir}/child`;
      const dst = t.key();
      t.defer(() => t.store.delete(`${dir}/`, { mode: "dir" }));
      t.track(child);
      const data = randomData(300);
      await t.store.createDir(dir);
      await t.store.write(child, data);
      for (const src of [`${dir}/`, dir]) {
        await expectError(() => transfer(t, op, src, dst), "ObjectModeInvalid");
        await expectError(() => t.store.stat(dst), "ObjectNotExist");
        expect((await t.store.stat(`${dir}/`)).mode).toBe("dir");
        expectSameBytes(await t.store.read(child), data);
      }
    },
    async (t) => {
      if (!t.store.features[op]) await refuse(t, op);
      else await expectError(() => t.store.createDir(t.key()), "CapabilityInsufficient");
    },
  );

  suite.gated(
    `${op}: onto an existing dir (${tag}D1 without virtual dirs, ${tag}V1 with them)`,
    [op, "createDir"],
    async (t) => {
      const base = t.dir();
      const src = t.key(base);
      const dst = t.key(base);
      t.defer(() => t.store.delete(dst, { mode: "dir" }));
      const data = randomData(777);
      await t.store.write(src, data);
      await t.store.createDir(dst);
      if (!t.store.features.virtualDir) {
        await expectError(() => transfer(t, op, src, dst), "ObjectModeInvalid");
        expectSameBytes(await t.store.read(src), data);
        expect((await t.store.stat(dst, { mode: "dir" })).mode).toBe("dir");
        return;
      }
      await transfer(t, op, src, dst);
      const o = await t.store.stat(dst);
      expect(o.path).toBe(dst);
      expect(o.mode).toBe("file");
      expect(o.size).toBe(777);
      expectSameBytes(await t.store.read(dst), data);
      await checkSource(t, op, src, data);
      // A flat namespace (model-rules.ts): the key `dst` and the marker `dst/` are independent, so both stay.
      expect((await t.store.stat(`${dst}/`)).mode).toBe("dir");
      const listed = await collect(t.store.list(base, { mode: "dir" }));
      const left = listed.filter((x) => x.path.startsWith(dst)).map((x) => [x.path, x.mode]);
      expect(left.sort()).toEqual([
        [dst, "file"],
        [`${dst}/`, "dir"],
      ]);
    },
    async (t) => {
      if (!t.store.features[op]) await refuse(t, op);
      else await expectError(() => t.store.createDir(t.key()), "CapabilityInsufficient");
    },
  );
}
