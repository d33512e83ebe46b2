import { expect } from "@jest/globals";
import { crc64Decimal } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";

async function refuse(t: CaseScope): Promise<void> {
  await expectError(() => t.store.createAppend(t.key()), "CapabilityInsufficient");
}

/**
 * Ports TestAppender A1–A5 (§7.3) with the returned sizes and offsets checked,
 * plus a stale append position (Conflict), CRC64 of appends (named only as the
 * storage reported it), an append through a stale object onto a re-created one,
 * and `write` over an append object (§7.11.5).
 */
export function registerAppendCases(suite: Suite): void {
  suite.gated(
    "createAppend: returns an append object at offset 0 (A1)",
    ["append"],
    async (t) => {
      const path = t.key();
      const o = await t.store.createAppend(path);
      expect(o.path).toBe(path);
      expect(o.mode).toBe("append");
      expect(o.appendOffset).toBe(0);
    },
    refuse,
  );

  suite.gated(
    "createAppend: over an existing append object starts again from 0 (A2)",
    ["append"],
    async (t) => {
      const path = t.key();
      const first = await t.store.createAppend(path);
      await t.store.writeAppend(first, randomData(300));
      await t.store.commitAppend({ ...first, appendOffset: 300 });
      const again = await t.store.createAppend(path);
      expect(again.mode).toBe("append");
      expect(again.appendOffset).toBe(0);
      const data = randomData(100);
      const r = await t.store.writeAppend(again, data);
      expect(r.appendOffset).toBe(100);
      await t.store.commitAppend({ ...again, appendOffset: r.appendOffset });
      expectSameBytes(await t.store.read(path), data);
    },
    refuse,
  );

  suite.gated(
    "delete: an append object, and again (A3)",
    ["append"],
    async (t) => {
      const path = t.key();
      await t.store.createAppend(path);
      await t.store.delete(path);
      await t.store.delete(path);
      await expectError(() => t.store.stat(path), "ObjectNotExist");
    },
    refuse,
  );

  suite.gated(
    "writeAppend: reports the bytes appended and the next offset (A4)",
    ["append"],
    async (t) => {
      const path = t.key();
      const o = await t.store.createAppend(path);
      const r = await t.store.writeAppend(o, randomData(4321));
      expect(r.size).toBe(4321);
      expect(r.appendOffset).toBe(4321);
    },
    refuse,
  );

  suite.gated(
    "commitAppend: the object holds every append in order (A5)",
    ["append"],
    async (t) => {
      const path = t.key();
      const a = randomData(2000);
      const b = randomData(3001);
      const o = await t.store.createAppend(path);
      const r1 = await t.store.writeAppend(o, a);
      const r2 = await t.store.writeAppend({ ...o, appendOffset: r1.appendOffset }, b);
      expect(r2.size).toBe(b.length);
      expect(r2.appendOffset).toBe(a.length + b.length);
      const all = Buffer.concat([a, b]);
      if (r1.crc64 !== undefined) expect(r1.crc64).toBe(crc64Decimal(a));
      if (r2.crc64 !== undefined) expect(r2.crc64).toBe(crc64Decimal(all));
      await t.store.commitAppend({ ...o, appendOffset: r2.appendOffset });
      expect((await t.store.stat(path)).size).toBe(all.length);
      if (t.store.features.readRange) expectSameBytes(await t.store.read(path, { size: all.length }), all);
      expectSameBytes(await t.store.read(path), all);
    },
    refuse,
  );

  suite.gated(
    "writeAppend: names the object's CRC-64 only as the storage reported it (crc64Confirmed), else none",
    ["append"],
    async (t) => {
      const path = t.key();
      const o = await t.store.createAppend(path);
      let all = Buffer.alloc(0);
      for (const chunk of [randomData(700), randomData(1), randomData(0), randomData(2049)]) {
        const knew = o.crc64 !== undefined;
        const r = await t.store.writeAppend(o, chunk);
        all = Buffer.concat([all, chunk]);
        expect(r.appendOffset).toBe(all.length);
        expect(o.crc64).toBe(r.crc64);
        if (r.crc64 === undefined) {
          // The position alone was checked (QingStor; COS's documented answer): nothing claimed.
          expect(r.crc64Confirmed).toBeUndefined();
        } else {
          expect(r.crc64).toBe(crc64Decimal(all));
          expect(r.crc64Confirmed).toBe(knew ? true : undefined);
        }
      }
      expectSameBytes(await t.store.read(path), all);
    },
    refuse,
  );

  suite.gated(
    "writeAppend: through a stale object onto one createAppend re-created with as many bytes: refused, IntegrityMismatch, or no CRC-64 claimed",
    ["append"],
    async (t) => {
      const path = t.key();
      const stale = await t.store.createAppend(path);
      await t.store.writeAppend(stale, "A1");
      const fresh = await t.store.createAppend(path);
      await t.store.writeAppend(fresh, "B2");
      let outcome: { value: { crc64?: string; crc64Confirmed?: boolean } } | { code: string };
      try {
        outcome = { value: await t.store.writeAppend(stale, "C") };
      } catch (e) {
        outcome = { code: (e as { code: string }).code };
      }
      const stored = (await t.store.read(path)).toString();
      if ("code" in outcome) {
        // memory and fs look at the bytes before appending; a CRC-64 answer tells after the fact.
        expect(["ObjectModeInvalid", "IntegrityMismatch"]).toContain(outcome.code);
        expect(stored).toBe(outcome.code === "ObjectModeInvalid" ? "B2" : "B2C");
        expect(stale.appendOffset).toBe(2);
      } else {
        // Only the position was checked: appended, and no CRC-64 is named for the object.
        expect(stored).toBe("B2C");
        expect(outcome.value.crc64).toBeUndefined();
        expect(outcome.value.crc64Confirmed).toBeUndefined();
        expect(stale.crc64).toBeUndefined();
      }
    },
    refuse,
  );

  suite.gated(
    "writeAppend: at a stale position rejects with Conflict and changes nothing",
    ["append"],
    async (t) => {
      const path = t.key();
      const a = randomData(500);
      const o = await t.store.createAppend(path);
      const r = await t.store.writeAppend({ ...o, appendOffset: 0 }, a);
      await expectError(() => t.store.writeAppend({ ...o, appendOffset: 0 }, randomData(10)), "Conflict");
      await expectError(() => t.store.writeAppend({ ...o, appendOffset: 1000 }, randomData(10)), "Conflict");
      await t.store.commitAppend({ ...o, appendOffset: r.appendOffset });
      expectSameBytes(await t.store.read(path), a);
    },
    refuse,
  );

  suite.gated(
    "writeAppend: a malformed appendOffset or crc64, or an object past the size limit, rejects with InvalidArgument and changes nothing",
    ["append"],
    async (t) => {
      const path = t.key();
      const a = randomData(100);
      const o = await t.store.createAppend(path);
      await t.store.writeAppend(o, a);
      const bad = [{ appendOffset: -1 }, { appendOffset: 1.5 }, { appendOffset: Number.NaN }, { appendOffset: "0" as unknown as number }, { crc64: "not-a-crc" }, { crc64: "-5" }, { crc64: "1".repeat(30) }];
      for (const b of bad) await expectError(() => t.store.writeAppend({ ...o, ...b }, randomData(10)), "InvalidArgument");
      const total = t.store.features.limits.appendTotalSizeMaximum;
      if (total !== undefined) await expectError(() => t.store.writeAppend({ ...o, appendOffset: total - 1 }, randomData(2)), "InvalidArgument");
      expect(o.appendOffset).toBe(100);
      await t.store.commitAppend(o);
      expect((await t.store.stat(path)).size).toBe(100);
      expectSameBytes(await t.store.read(path), a);
    },
    refuse,
  );

  suite.gated(
    "write: over an append object replaces it with a plain object",
    ["append"],
    async (t) => {
      const path = t.key();
      const o = await t.store.createAppend(path);
      const r = await t.store.writeAppend(o, randomData(50));
      await t.store.commitAppend({ ...o, appendOffset: r.appendOffset });
      const data = randomData(20);
      await t.store.write(path, data);
      const s = await t.store.stat(path);
      expect(s.mode).toBe("file");
      expect(s.size).toBe(20);
      expectSameBytes(await t.store.read(path), data);
    },
    refuse,
  );
}
