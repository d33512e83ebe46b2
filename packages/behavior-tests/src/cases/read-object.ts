import { expect } from "@jest/globals";
import type { ObjectInfo, ReadOptions } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { expectError, expectSameBytes, randomData, streamToBuffer } from "../fixtures.js";

/** An odd size, so that off-by-one mistakes show. */
const SIZE = 1_001;

/** What `onObject` heard: each call's argument, in order. */
type Heard = Array<ObjectInfo | undefined>;

/** The ways to read: `read`, `createReadStream`, and `read` in concurrent ranges. */
const WAYS: Array<[string, (t: CaseScope, path: string, options: ReadOptions) => Promise<Buffer>]> = [
  ["read", (t, path, options) => t.store.read(path, options)],
  ["createReadStream", (t, path, options) => streamToBuffer(t.store.createReadStream(path, options))],
  ["read with readConcurrency", (t, path, options) => t.store.read(path, { ...options, readConcurrency: 4, readPartSize: 64 })],
];

/** Reads `path` with `range` the `way` given, with an `onObject` listener; the bytes and what it heard. */
async function readHeard(t: CaseScope, path: string, way: (t: CaseScope, path: string, options: ReadOptions) => Promise<Buffer>, range: ReadOptions): Promise<{ bytes: Buffer; heard: Heard }> {
  const heard: Heard = [];
  const bytes = await way(t, path, { ...range, onObject: (o) => void heard.push(o) });
  return { bytes, heard };
}

/**
 * `ReadOptions.onObject` tells the same on every storage: once, the object (its size the whole
 * object's, whatever the range) for a read that reads bytes of it, and `undefined` for a range that
 * starts at or past the object's end (a service answers that GET with a 416 describing nothing; memory
 * and fs, which could tell, tell nothing either), whether through `read`, `createReadStream` or a
 * concurrent read (`readConcurrency`).
 */
export function registerReadObjectCases(suite: Suite): void {
  for (const [way, readWay] of WAYS) {
    suite.test(`${way}: onObject hears the object once, with its whole size, for a read that reads bytes of it`, async (t) => {
      const path = t.key();
      const data = randomData(SIZE);
      await t.store.write(path, data);
      const ranges: ReadOptions[] = [{}];
      if (t.store.features.readRange) ranges.push({ offset: SIZE - 1 }, { offset: 10, size: 500 });
      for (const range of ranges) {
        const { bytes, heard } = await readHeard(t, path, readWay, range);
        expectSameBytes(bytes, data.subarray(range.offset ?? 0, range.size === undefined ? SIZE : (range.offset ?? 0) + range.size));
        expect(heard).toHaveLength(1);
        expect(heard[0]?.path).toBe(path);
        expect(heard[0]?.size).toBe(SIZE);
      }
    });

    suite.gated(
      `${way}: onObject hears undefined for a range that starts at or past the object's end`,
      ["readRange"],
      async (t) => {
        const path = t.key();
        await t.store.write(path, randomData(SIZE));
        for (const range of [{ offset: SIZE }, { offset: SIZE + 8 }, { offset: SIZE, size: 5 }, { offset: SIZE + 100, size: 5 }]) {
          const { bytes, heard } = await readHeard(t, path, readWay, range);
          expect(bytes.length).toBe(0);
          expect({ range, heard }).toEqual({ range, heard: [undefined] });
        }
      },
      async (t) => {
        const path = t.key();
        await t.store.write(path, randomData(SIZE));
        await expectError(() => readWay(t, path, { offset: SIZE }), "CapabilityInsufficient");
      },
    );
  }

  suite.gated(
    "read: onObject hears undefined for a ranged read of an empty object, the object for a whole one",
    ["readRange"],
    async (t) => {
      const path = t.key();
      await t.store.write(path, Buffer.alloc(0));
      for (const range of [{ offset: 0, size: 5 }, { offset: 3 }]) {
        const { bytes, heard } = await readHeard(t, path, (s, p, o) => s.store.read(p, o), range);
        expect(bytes.length).toBe(0);
        expect({ range, heard }).toEqual({ range, heard: [undefined] });
      }
      const { heard } = await readHeard(t, path, (s, p, o) => s.store.read(p, o), {});
      expect(heard).toHaveLength(1);
      expect(heard[0]?.size).toBe(0);
    },
    async (t) => {
      const path = t.key();
      await t.store.write(path, Buffer.alloc(0));
      await expectError(() => t.store.read(path, { offset: 3 }), "CapabilityInsufficient");
    },
  );
}
