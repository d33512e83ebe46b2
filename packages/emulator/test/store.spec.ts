import { describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { crc64, SortedList } from "@stowage/core";
import { MemoryBlobStore } from "../src/store/blob-store.js";
import { compareKeys, listPage } from "../src/store/listing.js";
import { NoMetadataSink } from "../src/store/metadata-sink.js";
import { MultipartStore } from "../src/store/multipart-store.js";
import { ObjectStore } from "../src/store/object-store.js";
import type { ReceivedBody } from "../src/store/types.js";

function body(data: Buffer): ReceivedBody {
  return { chunks: [data], size: data.length, md5: createHash("md5").update(data).digest(), crc64: crc64(data) };
}

const attrs = { contentType: "application/octet-stream", metadata: {}, storageClass: "STANDARD" };

describe("listing", () => {
  it("orders keys by UTF-8 bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
    );
  });

  it("pages add up to the full listing, with and without a delimiter", () => {
    const key = fc.array(fc.constantFrom("a", "b", "/", "é"), { minLength: 1, maxLength: 5 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom("", "/"), fc.constantFrom("", "a", "a/"), (keys, maxKeys, delimiter, prefix) => {
        const sorted = SortedList.from(keys, compareKeys);
        const full = listPage(sorted, { prefix, delimiter, marker: "", maxKeys: 1000 });
        const got = { keys: [] as string[], prefixes: [] as string[] };
        let marker = "";
        for (let i = 0; i < 100; i++) {
          const page = listPage(sorted, { prefix, delimiter, marker, maxKeys });
          expect(page.keys.length + page.commonPrefixes.length).toBeLessThanOrEqual(maxKeys);
          got.keys.push(...page.keys);
          got.prefixes.push(...page.commonPrefixes);
          if (!page.isTruncated) break;
          marker = page.nextMarker!;
        }
        expect(got.keys).toEqual(full.keys);
        expect(got.prefixes).toEqual(full.commonPrefixes);
      }),
    );
  });
});

describe("multipart store", () => {
  async function setup(): Promise<{ store: ObjectStore; mp: MultipartStore }> {
    const store = new ObjectStore({ blobs: new MemoryBlobStore(), meta: new NoMetadataSink(), discard: false, clock: Date.now });
    await store.createBucket("b", "r");
    return { store, mp: new MultipartStore(store) };
  }

  it("combines part CRCs into the object's CRC and concatenates the bytes", async () => {
    const { store, mp } = await setup();
    const u = await mp.initiate("b", "k", attrs);
    const parts = [randomBytes(5000), randomBytes(3000), randomBytes(17)];
    for (const [i, p] of parts.entries()) await mp.uploadPart(u, i + 1, body(p));
    const o = await mp.complete(u, [{ partNumber: 1 }, { partNumber: 2 }, { partNumber: 3 }], { minPartSize: 1000, requireAscending: true, requireEtag: false });
    const whole = Buffer.concat(parts);
    expect(o.crc64).toBe(crc64(whole).toString());
    expect(o.size).toBe(whole.length);
    const chunks: Buffer[] = [];
    for await (const c of store.read(o)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(whole)).toBe(true);
    expect(() => mp.upload("b", "k", u.uploadId)).toThrow(/does not exist/);
  });

  it("pages through several uploads of one key one at a time, each exactly once (ids sort in initiation order)", async () => {
    // Each upload a second after the one before (with random ids, time order and id order then disagree).
    let clock = Date.now();
    const store = new ObjectStore({ blobs: new MemoryBlobStore(), meta: new NoMetadataSink(), discard: false, clock: () => (clock += 1000) });
    await store.createBucket("b", "r");
    const mp = new MultipartStore(store);
    const started: string[] = [];
    for (const key of ["u/a", "u/a", "u/a", "u/ab", "u/a", "u/b/c"]) started.push(`${key}#${(await mp.initiate("b", key, attrs)).uploadId}`);
    for (const maxUploads of [1, 2, 4]) {
      const seen: string[] = [];
      let keyMarker = "";
      let uploadIdMarker = "";
      for (let pages = 0; pages < 20; pages++) {
        const page = mp.listUploads("b", { prefix: "u/", delimiter: "", keyMarker, uploadIdMarker, maxUploads });
        seen.push(...page.uploads.map((u) => `${u.key}#${u.uploadId}`));
        if (!page.isTruncated) break;
        keyMarker = page.nextKeyMarker ?? "";
        uploadIdMarker = page.nextUploadIdMarker ?? "";
      }
      expect(seen.sort()).toEqual([...started].sort());
    }
  });

  it("enforces order, ETags and the minimum part size", async () => {
    const { mp } = await setup();
    const u = await mp.initiate("b", "k", attrs);
    await mp.uploadPart(u, 1, body(Buffer.alloc(10)));
    await mp.uploadPart(u, 2, body(Buffer.alloc(10)));
    await expect(mp.complete(u, [{ partNumber: 2 }, { partNumber: 1 }], { minPartSize: 1, requireAscending: true, requireEtag: false })).rejects.toMatchObject({ kind: "InvalidPartOrder" });
    await expect(mp.complete(u, [{ partNumber: 1, etag: "0".repeat(32) }], { minPartSize: 1, requireAscending: true, requireEtag: false })).rejects.toMatchObject({ kind: "InvalidPart" });
    await expect(mp.complete(u, [{ partNumber: 3 }], { minPartSize: 1, requireAscending: true, requireEtag: false })).rejects.toMatchObject({ kind: "InvalidPart" });
    // COS and OSS: every part names its ETag; an empty one matches nothing.
    await expect(mp.complete(u, [{ partNumber: 1 }], { minPartSize: 1, requireAscending: true, requireEtag: true })).rejects.toMatchObject({ kind: "MalformedBody" });
    await expect(mp.complete(u, [{ partNumber: 1, etag: "" }], { minPartSize: 1, requireAscending: true, requireEtag: true })).rejects.toMatchObject({ kind: "InvalidPart" });
    await expect(mp.complete(u, [{ partNumber: 1 }, { partNumber: 2 }], { minPartSize: 100, requireAscending: true, requireEtag: false })).rejects.toMatchObject({ kind: "EntityTooSmall" });
    const o = await mp.complete(u, [{ partNumber: 2 }], { minPartSize: 100, requireAscending: true, requireEtag: false });
    expect(o.size).toBe(10);
  });

  it("appends at the current length only, and tracks the CRC of the whole object", async () => {
    const { store } = await setup();
    await store.appendObject("b", "log", 0, body(Buffer.from("12345")), attrs);
    await expect(store.appendObject("b", "log", 3, body(Buffer.from("x")), attrs)).rejects.toMatchObject({ kind: "PositionMismatch" });
    const o = await store.appendObject("b", "log", 5, body(Buffer.from("6789")), attrs);
    expect(o.crc64).toBe("11051210869376104954");
    await store.putObject("b", "plain", body(Buffer.from("p")), attrs);
    await expect(store.appendObject("b", "plain", 1, body(Buffer.from("x")), attrs)).rejects.toMatchObject({ kind: "NotAppendable" });
  });
});
