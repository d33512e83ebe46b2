import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { SortedList } from "@stowage/core";
import { MemoryBlobStore } from "../src/store/blob-store.js";
import { compareKeys, listPage, type ListPage, type ListPageInput } from "../src/store/listing.js";
import { NoMetadataSink } from "../src/store/metadata-sink.js";
import { MultipartStore } from "../src/store/multipart-store.js";
import { ObjectStore } from "../src/store/object-store.js";
import type { ReceivedBody } from "../src/store/types.js";

// The emulator keeps each bucket's keys and uploads in core's chunked SortedList (O(log N + chunk)
// per key that comes or goes, where one sorted array cost an O(N) splice), and its listings search
// it and read on from there, skipping the keys under a common prefix in one search. Pages are
// checked against the listing as it was computed over one sorted array, key by key.

const attrs = { contentType: "application/octet-stream", metadata: {}, storageClass: "STANDARD" };
const EMPTY: ReceivedBody = { chunks: [], size: 0 };

/** The page as it was computed before: one sorted array, every key under a common prefix visited. */
function arrayPage(sortedKeys: readonly string[], input: ListPageInput): ListPage {
  const { prefix, delimiter, marker, maxKeys } = input;
  if (maxKeys <= 0) return { keys: [], commonPrefixes: [], isTruncated: false };
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let lastPrefix: string | undefined;
  let lastEmitted: string | undefined;
  const from = compareKeys(prefix, marker) > 0 ? prefix : marker;
  for (const key of sortedKeys.filter((k) => compareKeys(k, from) >= 0)) {
    if (!key.startsWith(prefix)) break;
    if (marker !== "" && compareKeys(key, marker) <= 0) continue;
    let cp: string | undefined;
    if (delimiter !== "") {
      const at = key.indexOf(delimiter, prefix.length);
      if (at >= 0) cp = key.slice(0, at + delimiter.length);
    }
    if (cp !== undefined && (cp === lastPrefix || cp === marker)) continue;
    if (keys.length + commonPrefixes.length >= maxKeys) return { keys, commonPrefixes, isTruncated: true, nextMarker: lastEmitted };
    if (cp !== undefined) {
      commonPrefixes.push(cp);
      lastPrefix = cp;
      lastEmitted = cp;
    } else {
      keys.push(key);
      lastEmitted = key;
    }
  }
  return { keys, commonPrefixes, isTruncated: false };
}

describe("emulator key index", () => {
  it("each page over the chunked list (small chunks) is the page over one sorted array, marker to marker", () => {
    const key = fc.array(fc.constantFrom("a", "b", "/", "-", "é", "😀"), { minLength: 1, maxLength: 5 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom("", "/", "-"),
        fc.constantFrom("", "a", "a/", "b"),
        fc.option(key, { nil: undefined }),
        (keys, chunkSize, maxKeys, delimiter, prefix, firstMarker) => {
          const list = SortedList.from(keys, compareKeys, { chunkSize });
          const sorted = [...new Set(keys)].sort(compareKeys);
          expect([...list]).toEqual(sorted);
          let marker = firstMarker ?? "";
          for (let i = 0; i < 80; i++) {
            const input = { prefix, delimiter, marker, maxKeys };
            const page = listPage(list, input);
            expect(page).toEqual(arrayPage(sorted, input));
            if (!page.isTruncated) break;
            marker = page.nextMarker!;
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("a bucket's keys and uploads are kept in chunked lists: 3,000 keys in random order, then most deleted", async () => {
    const store = new ObjectStore({ blobs: new MemoryBlobStore(), meta: new NoMetadataSink(), discard: false, clock: Date.now });
    await store.createBucket("b", "r");
    const mp = new MultipartStore(store);
    const kept = store.sortedKeys("b");
    expect(kept).toBeInstanceOf(SortedList);
    expect(mp.sortedUploads("b")).toBeInstanceOf(SortedList);
    const keys = Array.from({ length: 3_000 }, (_, i) => `k/${((i * 7919) % 3_000).toString(36)}`);
    for (const k of keys) await store.putObject("b", k, EMPTY, attrs);
    expect(store.sortedKeys("b")).toBe(kept);
    expect(kept.chunkCount).toBeGreaterThanOrEqual(3);
    expect([...kept]).toEqual([...keys].sort(compareKeys));
    for (const k of keys.slice(0, 2_900)) await store.deleteObject("b", k);
    expect([...kept]).toEqual(keys.slice(2_900).sort(compareKeys));
    expect(listPage(kept, { prefix: "k/", delimiter: "", marker: "", maxKeys: 1000 }).keys).toEqual(keys.slice(2_900).sort(compareKeys));
  });
});
