import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { SortedList } from "@stowage/core";
import { MemoryBlobStore } from "../src/store/blob-store.js";
import { compareKeys, listPage } from "../src/store/listing.js";
import { NoMetadataSink } from "../src/store/metadata-sink.js";
import { MultipartStore } from "../src/store/multipart-store.js";
import { ObjectStore } from "../src/store/object-store.js";
import type { ListUploadsInput, ListUploadsPage } from "../src/store/upload-listing.js";
import type { ReceivedBody, StoredUpload } from "../src/store/types.js";

// The listings keep their sorted keys and uploads between pages and update them as keys and
// uploads come and go. Each page here is checked against the listing over a fresh sort of what the
// bucket holds at that moment (the way pages were computed before), with writes between pages.

const attrs = { contentType: "application/octet-stream", metadata: {}, storageClass: "STANDARD" };
const EMPTY: ReceivedBody = { chunks: [], size: 0 };
const key = fc.array(fc.constantFrom("a", "b", "/", "é", "😀"), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(""));

async function setup(clock: () => number = Date.now): Promise<{ store: ObjectStore; mp: MultipartStore }> {
  const store = new ObjectStore({ blobs: new MemoryBlobStore(), meta: new NoMetadataSink(), discard: false, clock });
  await store.createBucket("b", "r");
  return { store, mp: new MultipartStore(store) };
}

/**
 * The uploads page as it was computed before (filter and sort every upload of the bucket), but for
 * a key marker that is a common prefix, which is skipped (before, it was listed again, forever).
 */
function referenceUploadsPage(all: Iterable<StoredUpload>, input: ListUploadsInput): ListUploadsPage {
  if (input.maxUploads <= 0) return { uploads: [], commonPrefixes: [], isTruncated: false };
  const sorted = [...all]
    .filter((u) => u.key.startsWith(input.prefix))
    .sort((a, b) => compareKeys(a.key, b.key) || a.initiated - b.initiated || compareKeys(a.uploadId, b.uploadId));
  const uploads: StoredUpload[] = [];
  const commonPrefixes: string[] = [];
  let last: { key: string; uploadId: string } | undefined;
  for (const u of sorted) {
    const c = compareKeys(u.key, input.keyMarker);
    if (input.keyMarker !== "" && (c < 0 || (c === 0 && (input.uploadIdMarker === "" || compareKeys(u.uploadId, input.uploadIdMarker) <= 0)))) continue;
    const at = input.delimiter === "" ? -1 : u.key.indexOf(input.delimiter, input.prefix.length);
    const cp = at >= 0 ? u.key.slice(0, at + input.delimiter.length) : undefined;
    if (cp !== undefined && (commonPrefixes[commonPrefixes.length - 1] === cp || cp === input.keyMarker)) continue;
    if (uploads.length + commonPrefixes.length >= input.maxUploads) {
      return { uploads, commonPrefixes, isTruncated: true, nextKeyMarker: last?.key, nextUploadIdMarker: last?.uploadId };
    }
    if (cp !== undefined) commonPrefixes.push(cp);
    else uploads.push(u);
    last = cp !== undefined ? { key: cp, uploadId: "" } : { key: u.key, uploadId: u.uploadId };
  }
  return { uploads, commonPrefixes, isTruncated: false };
}

type ObjectOp = { op: "put" | "delete" | "list"; key: string } | { op: "move"; key: string; to: string };
const objectOp: fc.Arbitrary<ObjectOp> = fc.oneof(
  fc.record({ op: fc.constantFrom("put" as const, "delete" as const, "list" as const), key }),
  fc.record({ op: fc.constant("move" as const), key, to: key }),
);

describe("object listing keeps its sorted keys across writes", () => {
  it("each page, with writes, deletes and moves between pages, is the page of a fresh sort", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(objectOp, { maxLength: 60 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom("", "/"), fc.constantFrom("", "a", "é"), async (ops, maxKeys, delimiter, prefix) => {
        const { store } = await setup();
        let marker = "";
        for (const o of ops) {
          if (o.op === "put") await store.putObject("b", o.key, EMPTY, attrs);
          else if (o.op === "delete") await store.deleteObject("b", o.key);
          else if (o.op === "move") {
            if (store.bucket("b").objects.has(o.key)) await store.moveObject("b", o.key, "b", o.to);
          } else {
            const input = { prefix, delimiter, marker, maxKeys };
            const fresh = [...store.bucket("b").objects.keys()].sort(compareKeys);
            expect([...store.sortedKeys("b")]).toEqual(fresh);
            const page = listPage(store.sortedKeys("b"), input);
            expect(page).toEqual(listPage(SortedList.from(fresh, compareKeys), input));
            marker = page.isTruncated ? page.nextMarker! : "";
          }
        }
        expect([...store.sortedKeys("b")]).toEqual([...store.bucket("b").objects.keys()].sort(compareKeys));
      }),
      { numRuns: 150 },
    );
  });

  it("a new key goes into the kept array rather than dropping it; a deleted key leaves it", async () => {
    const { store } = await setup();
    for (const k of ["m", "c", "x"]) await store.putObject("b", k, EMPTY, attrs);
    const kept = store.sortedKeys("b");
    expect([...kept]).toEqual(["c", "m", "x"]);
    await store.putObject("b", "d", EMPTY, attrs);
    await store.putObject("b", "m", EMPTY, attrs); // an overwrite: no new key
    expect(store.sortedKeys("b")).toBe(kept);
    expect([...kept]).toEqual(["c", "d", "m", "x"]);
    await store.deleteObject("b", "c");
    await store.moveObject("b", "x", "b", "a");
    expect(store.sortedKeys("b")).toBe(kept);
    expect([...kept]).toEqual(["a", "d", "m"]);
  });

  it("a bucket deleted and created again lists only its new keys", async () => {
    const { store } = await setup();
    await store.putObject("b", "old", EMPTY, attrs);
    expect([...store.sortedKeys("b")]).toEqual(["old"]);
    await store.deleteObject("b", "old");
    await store.deleteBucket("b");
    await store.createBucket("b", "r");
    await store.putObject("b", "new", EMPTY, attrs);
    expect([...store.sortedKeys("b")]).toEqual(["new"]);
  });
});

type UploadOp =
  | { op: "initiate"; key: string; back: boolean }
  | { op: "abort" | "complete"; pick: number }
  | { op: "list"; maxUploads: number };
const uploadOp: fc.Arbitrary<UploadOp> = fc.oneof(
  fc.record({ op: fc.constant("initiate" as const), key, back: fc.boolean() }),
  fc.record({ op: fc.constantFrom("abort" as const, "complete" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("list" as const), maxUploads: fc.integer({ min: 0, max: 3 }) }),
);

describe("upload listing keeps its sorted uploads across changes", () => {
  it("each page, with uploads started, aborted and completed between pages, is the page of a fresh sort", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(uploadOp, { maxLength: 60 }), fc.constantFrom("", "/"), fc.constantFrom("", "a", "é"), async (ops, delimiter, prefix) => {
        // A clock that sometimes goes back: initiation order and upload-id order then disagree.
        let now = 1_700_000_000_000;
        let step = 1000;
        const { store, mp } = await setup(() => (now += step));
        let keyMarker = "";
        let uploadIdMarker = "";
        for (const o of ops) {
          const listed = [...store.bucket("b").uploads.values()];
          if (o.op === "initiate") {
            step = o.back ? -1000 : 1000;
            await mp.initiate("b", o.key, attrs);
          } else if (o.op === "abort" && listed.length > 0) {
            await mp.abort(listed[o.pick % listed.length]!);
          } else if (o.op === "complete" && listed.length > 0) {
            const u = listed[o.pick % listed.length]!;
            await mp.uploadPart(u, 1, EMPTY);
            await mp.complete(u, [{ partNumber: 1 }], { minPartSize: 0, requireAscending: true, requireEtag: false });
          } else if (o.op === "list") {
            const input = { prefix, delimiter, keyMarker, uploadIdMarker, maxUploads: o.maxUploads };
            const page = mp.listUploads("b", input);
            expect(page).toEqual(referenceUploadsPage(store.bucket("b").uploads.values(), input));
            keyMarker = page.isTruncated ? (page.nextKeyMarker ?? "") : "";
            uploadIdMarker = page.isTruncated ? (page.nextUploadIdMarker ?? "") : "";
          }
        }
        const all = { prefix: "", delimiter: "", keyMarker: "", uploadIdMarker: "", maxUploads: 1000 };
        expect(mp.listUploads("b", all)).toEqual(referenceUploadsPage(store.bucket("b").uploads.values(), all));
      }),
      { numRuns: 150 },
    );
  });

  it("pages across many uploads of many keys list each upload once, in order", async () => {
    const { store, mp } = await setup();
    for (let i = 0; i < 300; i++) await mp.initiate("b", `k/${(i * 37) % 101}`, attrs);
    const everything = referenceUploadsPage(store.bucket("b").uploads.values(), { prefix: "", delimiter: "", keyMarker: "", uploadIdMarker: "", maxUploads: 1000 });
    const seen: StoredUpload[] = [];
    let keyMarker = "";
    let uploadIdMarker = "";
    for (let pages = 0; pages < 100; pages++) {
      const page = mp.listUploads("b", { prefix: "k/", delimiter: "", keyMarker, uploadIdMarker, maxUploads: 7 });
      seen.push(...page.uploads);
      if (!page.isTruncated) break;
      keyMarker = page.nextKeyMarker!;
      uploadIdMarker = page.nextUploadIdMarker!;
    }
    expect(seen).toEqual(everything.uploads);
    expect(seen).toHaveLength(300);
  });

  it("a page that ends on a common prefix is followed by the uploads after it, not by that prefix again", async () => {
    const { mp } = await setup();
    for (const k of ["a/1", "a/2", "a/b/3", "b", "c/1", "c/2", "d"]) await mp.initiate("b", k, attrs);
    const pages: string[][] = [];
    let keyMarker = "";
    let uploadIdMarker = "";
    for (let n = 0; n < 10; n++) {
      const page = mp.listUploads("b", { prefix: "", delimiter: "/", keyMarker, uploadIdMarker, maxUploads: 1 });
      pages.push([...page.commonPrefixes, ...page.uploads.map((u) => u.key)]);
      if (!page.isTruncated) break;
      keyMarker = page.nextKeyMarker!;
      uploadIdMarker = page.nextUploadIdMarker!;
    }
    expect(pages).toEqual([["a/"], ["b"], ["c/"], ["d"]]);
  });

  it("a started or ended upload goes into the kept order rather than a new sort", async () => {
    const { mp } = await setup();
    const first = await mp.initiate("b", "m", attrs);
    const kept = mp.sortedUploads("b");
    const before = await mp.initiate("b", "a", attrs);
    const after = await mp.initiate("b", "z", attrs);
    expect(mp.sortedUploads("b")).toBe(kept);
    expect([...kept]).toEqual([before, first, after]);
    await mp.abort(first);
    expect(mp.sortedUploads("b")).toBe(kept);
    expect([...kept]).toEqual([before, after]);
  });
});
