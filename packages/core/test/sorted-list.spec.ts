import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isStorageError } from "../src/errors/storage-error.js";
import { compareKeys } from "../src/listing/key-order.js";
import { SortedList, type SortedListPosition } from "../src/listing/sorted-list.js";

// The chunked sorted list against a plain sorted array (the oracle): the same items after any run
// of inserts and removes, and every search lands where a binary search of the array does, read on
// from there. Small chunk sizes make splits and merges happen all the time.

const key = fc.array(fc.constantFrom("a", "b", "/", "é", "😀", "\uE000"), { minLength: 0, maxLength: 4 }).map((cs) => cs.join(""));

type Op =
  | { op: "insert" | "remove" | "lower" | "upper" | "prefix"; key: string }
  | { op: "bulkRemove"; from: string; count: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("insert" as const), key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("remove" as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("bulkRemove" as const), from: key, count: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom("lower" as const, "upper" as const, "prefix" as const), key }) },
);

/** First index of `sorted` where `before` stops holding. */
function partition(sorted: readonly string[], before: (k: string) => boolean): number {
  let i = 0;
  while (i < sorted.length && before(sorted[i]!)) i++;
  return i;
}

/** The list read from `position`, checked against the oracle from `index`. */
function expectAt(list: SortedList<string>, position: SortedListPosition, oracle: readonly string[], index: number): void {
  expect(list.get(position)).toBe(oracle[index]);
  expect([...list.itemsFrom(position)]).toEqual(oracle.slice(index));
}

/** Chunks within bounds: no more items than the chunk size, and not more chunks than needed twice over plus one. */
function expectShape(list: SortedList<string>, chunkSize: number): void {
  expect(list.chunkCount).toBeGreaterThanOrEqual(Math.ceil(list.length / chunkSize));
  if (list.length === 0) expect(list.chunkCount).toBe(0);
}

describe("SortedList", () => {
  it("matches a sorted array under inserts, removes, searches and reads from any position", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(key, { maxLength: 20 }), fc.array(op, { maxLength: 120 }), (chunkSize, initial, ops) => {
        const list = SortedList.from(initial, compareKeys, { chunkSize });
        let oracle = [...new Set(initial)].sort(compareKeys);
        expect([...list]).toEqual(oracle);
        for (const o of ops) {
          switch (o.op) {
            case "insert": {
              const added = list.insert(o.key);
              expect(added).toBe(!oracle.includes(o.key));
              if (added) oracle = [...oracle, o.key].sort(compareKeys);
              break;
            }
            case "remove": {
              const removed = list.remove(o.key);
              expect(removed).toBe(oracle.includes(o.key));
              oracle = oracle.filter((k) => k !== o.key);
              break;
            }
            case "bulkRemove": {
              // A run of neighbouring keys leaves: chunks empty out and merge.
              const start = partition(oracle, (k) => compareKeys(k, o.from) < 0);
              for (const k of oracle.slice(start, start + o.count)) expect(list.remove(k)).toBe(true);
              oracle = [...oracle.slice(0, start), ...oracle.slice(start + o.count)];
              break;
            }
            case "lower":
              expectAt(list, list.lowerBound(o.key), oracle, partition(oracle, (k) => compareKeys(k, o.key) < 0));
              break;
            case "upper":
              expectAt(list, list.upperBound(o.key), oracle, partition(oracle, (k) => compareKeys(k, o.key) <= 0));
              break;
            case "prefix": {
              const past = (k: string): boolean => compareKeys(k, o.key) <= 0 || k.startsWith(o.key);
              expectAt(list, list.search(past), oracle, partition(oracle, past));
              break;
            }
          }
          expect(list.length).toBe(oracle.length);
          expect(list.has(o.op === "bulkRemove" ? o.from : o.key)).toBe(oracle.includes(o.op === "bulkRemove" ? o.from : o.key));
          expectShape(list, chunkSize);
        }
        expect([...list]).toEqual(oracle);
        // Every position the list can give reads the oracle's tail from there.
        for (let i = 0; i <= oracle.length; i++) {
          const at = oracle[i];
          expectAt(list, at === undefined ? list.search(() => true) : list.lowerBound(at), oracle, i);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("splits full chunks and merges nearly empty ones: 10,000 keys in random order, then most removed", () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `k${((i * 7919) % 10_000).toString().padStart(5, "0")}`);
    const list = new SortedList(compareKeys, { chunkSize: 16 });
    let added = 0;
    for (const k of keys) if (list.insert(k)) added++;
    expect(added).toBe(10_000);
    expect(list.length).toBe(10_000);
    expect(list.chunkCount).toBeGreaterThanOrEqual(625);
    expect(list.chunkCount).toBeLessThanOrEqual(1_250);
    const sorted = [...keys].sort(compareKeys);
    expect([...list]).toEqual(sorted);
    let removed = 0;
    for (let i = 0; i < 10_000; i++) if (i % 100 !== 0 && list.remove(sorted[i]!)) removed++;
    expect(removed).toBe(9_900);
    expect([...list]).toEqual(sorted.filter((_, i) => i % 100 === 0));
    // 100 keys left: merged into few chunks rather than kept in hundreds of nearly empty ones.
    expect(list.chunkCount).toBeLessThanOrEqual(100 / 4 + 1);
  });

  it("keeps one of the items comparing equal, by the comparator (not identity)", () => {
    type Item = { key: string; n: number };
    const list = SortedList.from<Item>(
      [
        { key: "b", n: 1 },
        { key: "a", n: 2 },
        { key: "b", n: 3 },
      ],
      (x, y) => compareKeys(x.key, y.key),
      { chunkSize: 1 },
    );
    expect([...list].map((x) => x.key)).toEqual(["a", "b"]);
    expect(list.insert({ key: "a", n: 4 })).toBe(false);
    expect(list.find({ key: "b", n: 0 })?.key).toBe("b");
    expect(list.remove({ key: "b", n: 0 })).toBe(true);
    expect(list.find({ key: "b", n: 0 })).toBeUndefined();
    expect(list.remove({ key: "b", n: 0 })).toBe(false);
  });

  it("an empty list: searches give the end, reads give nothing", () => {
    const list = new SortedList(compareKeys);
    expect(list.length).toBe(0);
    expect(list.get(list.lowerBound("a"))).toBeUndefined();
    expect([...list.itemsFrom(list.upperBound("a"))]).toEqual([]);
    expect(list.remove("a")).toBe(false);
  });

  it("refuses a chunk size that is not a whole number of at least 1 (InvalidArgument)", () => {
    for (const chunkSize of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      let thrown: unknown;
      try {
        new SortedList(compareKeys, { chunkSize });
      } catch (e) {
        thrown = e;
      }
      expect(isStorageError(thrown) && thrown.code).toBe("InvalidArgument");
    }
  });
});
