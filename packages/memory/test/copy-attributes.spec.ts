import { describe, expect, it } from "@jest/globals";
import { newStorager, type ObjectInfo, type Storager } from "@stowage/core";
import { MemoryStorageDriver } from "@stowage/memory";
import { MemoryStore } from "../src/store.js";
import { expectCode } from "./helpers.js";

// A copy that takes attributes (feature `copyAttributes`): given a content type, metadata or an
// object header, the copy carries exactly those (REPLACE); without any, the source's; a storage
// class alone sets the class and keeps the rest; onto its own path, the attributes change in place.

/** Every attribute a write takes. */
const FULL = {
  contentType: "text/plain",
  metadata: { owner: "ann", team: "blue" },
  storageClass: "COLD",
  cacheControl: "no-cache",
  contentDisposition: "inline",
  contentEncoding: "gzip",
  httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT",
} as const;

/** The attributes of a stat, those not set left out. */
function attributes(o: ObjectInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(FULL)) if ((o as unknown as Record<string, unknown>)[k] !== undefined) out[k] = (o as unknown as Record<string, unknown>)[k];
  return out;
}

/** A private store whose open-time defaults would give every write a content type and class. */
function store(): Storager {
  return newStorager("memory://?default_content_type=application/x-default&default_storage_class=WARM");
}

describe("memory copy with attributes", () => {
  it("declares the feature", () => {
    expect(new MemoryStorageDriver(new MemoryStore()).features.copyAttributes).toBe(true);
  });

  it("replaces the attributes as a whole: the copy carries exactly those given (no default filled in), the storage class kept; the source unchanged", async () => {
    const s = store();
    await s.write("src", "some bytes", FULL);
    const source = await s.stat("src");
    await s.copy("src", "typed", { contentType: "image/png" });
    expect(attributes(await s.stat("typed"))).toEqual({ contentType: "image/png", storageClass: "COLD" });
    await s.copy("src", "tagged", { metadata: { Fresh: "yes" }, cacheControl: "max-age=60" });
    expect(attributes(await s.stat("tagged"))).toEqual({ metadata: { fresh: "yes" }, cacheControl: "max-age=60", storageClass: "COLD" });
    const copied = await s.stat("tagged");
    expect([copied.etag, copied.size, copied.crc64]).toEqual([source.etag, source.size, source.crc64]);
    expect((await s.read("tagged")).toString()).toBe("some bytes");
    expect(await s.stat("src")).toEqual(source);
    // With ifNotExists onto a taken path: Conflict, the attributes there unchanged.
    await expectCode(s.copy("src", "typed", { contentType: "text/other", ifNotExists: true }), "Conflict");
    expect(attributes(await s.stat("typed"))).toEqual({ contentType: "image/png", storageClass: "COLD" });
  });

  it("without attributes keeps the source's (open-time defaults never apply); a storage class alone sets the class and keeps the rest", async () => {
    const s = store();
    await s.write("src", "bytes", FULL);
    await s.copy("src", "kept");
    expect(attributes(await s.stat("kept"))).toEqual(FULL);
    await s.copy("src", "archived", { storageClass: "ARCHIVE" });
    expect(attributes(await s.stat("archived"))).toEqual({ ...FULL, storageClass: "ARCHIVE" });
    // A source written with none: the copy gets none either, not the defaults.
    const bare = newStorager("memory://");
    await bare.write("plain", "p");
    await bare.copy("plain", "plain-copy");
    expect(attributes(await bare.stat("plain-copy"))).toEqual({});
  });

  it("onto its own path changes the attributes in place: same bytes and ETag, given ones only, class kept", async () => {
    const s = store();
    await s.write("k", "in place", FULL);
    const before = await s.stat("k");
    await s.copy("k", "k", { contentType: "text/markdown", metadata: { v: "2" } });
    const after = await s.stat("k");
    expect(attributes(after)).toEqual({ contentType: "text/markdown", metadata: { v: "2" }, storageClass: "COLD" });
    expect([after.mode, after.etag, after.size, after.crc64, after.contentMd5]).toEqual([before.mode, before.etag, before.size, before.crc64, before.contentMd5]);
    expect((await s.read("k")).toString()).toBe("in place");
    // A storage class alone, in place: the class changes, the rest stays.
    await s.copy("k", "k", { storageClass: "ARCHIVE" });
    expect(attributes(await s.stat("k"))).toEqual({ contentType: "text/markdown", metadata: { v: "2" }, storageClass: "ARCHIVE" });
    // Without attributes, onto itself: nothing changes.
    const still = await s.stat("k");
    await s.copy("k", "k");
    expect(await s.stat("k")).toEqual(still);
  });

  it("an append object changed in place stays appendable, its append object still valid", async () => {
    const s = store();
    const created = await s.createAppend("log", { contentType: "text/plain", metadata: { a: "1" } });
    const first = await s.writeAppend(created, Buffer.from("one,"));
    await s.copy("log", "log", { contentType: "text/csv" });
    const o = await s.stat("log");
    expect([o.mode, o.appendOffset, attributes(o)]).toEqual(["append", 4, { contentType: "text/csv", storageClass: "WARM" }]);
    await s.writeAppend({ ...created, appendOffset: first.appendOffset, crc64: first.crc64 }, Buffer.from("two"));
    expect((await s.read("log")).toString()).toBe("one,two");
  });

  it("a link copied onto itself with attributes becomes a file of what it leads to; without, it stays a link; the target untouched", async () => {
    const s = store();
    await s.write("target", "linked bytes", FULL);
    await s.createLink("l", "target");
    await s.copy("l", "l");
    expect((await s.stat("l")).mode).toBe("link");
    await s.copy("l", "l", { contentType: "text/x-copy" });
    const l = await s.stat("l");
    expect([l.mode, attributes(l)]).toEqual(["file", { contentType: "text/x-copy", storageClass: "COLD" }]);
    expect((await s.read("l")).toString()).toBe("linked bytes");
    expect(attributes(await s.stat("target"))).toEqual(FULL);
  });
});
