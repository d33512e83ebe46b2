/**
 * ObjectInfo and Part are inputs too (writeAppend, writeMultipart, completeMultipart,
 * listMultipart), and their types take an explicit `undefined` for an optional field (an upload or
 * append rebuilt from a checkpoint whose values may be unknown): at run time such a field is one
 * left out. Same results as without it; never a malformed-field refusal.
 */
import { describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type ObjectInfo, type Part } from "@stowage/core";
import "../src/index.js";

/** `base` with every optional ObjectInfo field it does not set present and undefined. */
function withUndefined(base: ObjectInfo): ObjectInfo {
  return {
    size: undefined,
    etag: undefined,
    contentType: undefined,
    contentMd5: undefined,
    crc64: undefined,
    lastModified: undefined,
    storageClass: undefined,
    metadata: undefined,
    multipartId: undefined,
    appendOffset: undefined,
    linkTarget: undefined,
    restore: undefined,
    system: undefined,
    cacheControl: undefined,
    contentDisposition: undefined,
    contentEncoding: undefined,
    httpExpires: undefined,
    ...base,
  };
}

describe("ObjectInfo and Part inputs with explicit undefined fields", () => {
  it("a multipart upload rebuilt from a checkpoint: parts written, listed and completed", async () => {
    const store = newStorager("memory://");
    const { multipartId } = await store.createMultipart("big.bin");
    const upload = withUndefined({ path: "big.bin", mode: "part", multipartId });
    const first = Buffer.alloc(5 * 1024 * 1024, 1);
    const second = Buffer.from("tail");
    const written = [await store.writeMultipart(upload, first, { index: 0 }), await store.writeMultipart(upload, second, { index: 1 })];
    const listed: Part[] = [];
    for await (const p of store.listMultipart(upload)) listed.push(p);
    expect(listed.map((p) => p.index)).toEqual([0, 1]);
    // What a browser reported: index, size and ETag; no CRC-64, its key there all the same.
    const reported: Part[] = written.map((p) => ({ index: p.index, size: p.size, etag: p.etag, crc64: undefined, lastModified: undefined }));
    const result = await store.completeMultipart(upload, reported);
    const whole = Buffer.concat([first, second]);
    expect(result.size).toBe(whole.length);
    expect(result.crc64).toBe(crc64Decimal(whole));
    expect((await store.read("big.bin")).equals(whole)).toBe(true);
  });

  it("an append object rebuilt with an unknown CRC-64 appends at its offset", async () => {
    const store = newStorager("memory://");
    const created = await store.createAppend("log.txt");
    await store.writeAppend(created, "first\n");
    const resumed = withUndefined({ path: "log.txt", mode: "append", appendOffset: 6 });
    const appended = await store.writeAppend(resumed, "second\n");
    expect(appended.appendOffset).toBe(13);
    expect((await store.read("log.txt")).toString()).toBe("first\nsecond\n");
  });
});
