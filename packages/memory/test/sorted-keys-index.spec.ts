import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { compareKeys, SortedList, type DriverListPage, type DriverListRequest, type RawObject } from "@stowage/core";
import { listEntries } from "../src/lister.js";
import { impliedDir, listedObject } from "../src/raw-object.js";
import { SortedKeys } from "../src/sorted-keys.js";
import { dirEntry, MemoryStore, type MemoryEntry } from "../src/store.js";

// The memory store's key index is core's chunked SortedList (an insert or a delete out of key order
// costs O(log N + chunk), not the O(N) splice of one sorted array), and listings read it by
// searching and iterating from there. The pages are checked against the listing as it was computed
// over one sorted array with index arithmetic.

function fileEntry(): MemoryEntry {
  return { ...dirEntry(), kind: "file" };
}

/** The listing as it was computed before (one sorted array, positions as indexes). */
function arrayListing(store: MemoryStore, keys: readonly string[], request: DriverListRequest): DriverListPage {
  const { prefix, delimiter } = request;
  const search = (before: (k: string) => boolean): number => {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(keys[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lowerBound = (key: string): number => search((k) => compareKeys(k, key) < 0);
  const upperBound = (key: string): number => search((k) => compareKeys(k, key) <= 0);
  const prefixEnd = (p: string): number => search((k) => compareKeys(k, p) <= 0 || k.startsWith(p));
  const token = request.token || request.startAfter;
  const limit = Math.max(1, request.limit);
  let i = lowerBound(prefix);
  if (token !== undefined && token !== "") {
    const after = delimiter !== undefined && token.endsWith("/") ? prefixEnd(token) : upperBound(token);
    i = Math.max(i, after);
  }
  const end = prefixEnd(prefix);
  const items: RawObject[] = [];
  let more = false;
  while (i < end) {
    const key = keys[i]!;
    const entry = store.get(key)!;
    const rest = key.slice(prefix.length);
    let item: RawObject | undefined;
    let next = i + 1;
    if (delimiter === undefined) {
      if (entry.kind !== "dir") item = listedObject(key, entry);
    } else {
      const slash = rest.indexOf("/");
      if (slash === -1) {
        if (rest !== "" || entry.kind !== "dir") item = listedObject(key, entry);
      } else {
        const dir = key.slice(0, prefix.length + slash + 1);
        const own = store.get(dir);
        item = own?.kind === "dir" ? listedObject(dir, own) : impliedDir(dir);
        next = prefixEnd(dir);
      }
    }
    if (item !== undefined) {
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(item);
    }
    i = next;
  }
  return more ? { items, nextToken: items[items.length - 1]!.key } : { items };
}

const segment = fc.constantFrom("a", "b", "é", "😀", "\uE000", "a/", "b/", "/");
const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join(""));

type Op =
  | { op: "set" | "remove"; key: string }
  | { op: "list"; prefix: string; dirMode: boolean; limit: number; startAfter: string | undefined; pages: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("set" as const), key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("remove" as const), key }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("list" as const),
      prefix: fc.constantFrom("", "a", "a/", "b/", "é"),
      dirMode: fc.boolean(),
      limit: fc.integer({ min: 1, max: 4 }),
      startAfter: fc.option(key, { nil: undefined }),
      pages: fc.integer({ min: 1, max: 6 }),
    }),
  },
);

describe("memory store key index", () => {
  it("is core's chunked SortedList: 5,000 keys in random order are held in several chunks, in order", () => {
    const store = new MemoryStore();
    expect(store.keys).toBeInstanceOf(SortedList);
    const keys = Array.from({ length: 5_000 }, (_, i) => `k/${((i * 7919) % 5_000).toString(36)}`);
    for (const k of keys) store.set(k, fileEntry());
    expect(store.keys.length).toBe(5_000);
    expect(store.keys.chunkCount).toBeGreaterThanOrEqual(5);
    expect([...store.keys]).toEqual([...keys].sort(compareKeys));
    for (const k of keys.slice(0, 4_000)) store.remove(k);
    expect([...store.keys]).toEqual(keys.slice(4_000).sort(compareKeys));
    expect(store.keys.hasKeysUnder("k/")).toBe(true);
    expect(store.keys.hasKeysUnder("q/")).toBe(false);
  });

  it("listings (dir and prefix mode, tokens, startAfter) match the one-sorted-array listing, with changes between pages", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 4 }), (ops, chunkSize) => {
        const store = new MemoryStore();
        // Small chunks: the index splits and merges all the time.
        Object.assign(store, { keys: new SortedKeys({ chunkSize }) });
        for (const o of ops) {
          if (o.op !== "list") {
            if (o.op === "set") store.set(o.key, o.key.endsWith("/") ? dirEntry() : fileEntry());
            else store.remove(o.key);
          } else {
            let token: string | undefined;
            for (let p = 0; p < o.pages; p++) {
              const request: DriverListRequest = { prefix: o.prefix, limit: o.limit };
              if (o.dirMode) request.delimiter = "/";
              if (token !== undefined) request.token = token;
              else if (o.startAfter !== undefined && !o.dirMode) request.startAfter = o.startAfter;
              const sorted = [...store.keys];
              expect(sorted).toEqual(sorted.slice().sort(compareKeys));
              const page = listEntries(store, request);
              expect(page).toEqual(arrayListing(store, sorted, request));
              if (page.nextToken === undefined) break;
              token = page.nextToken;
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
