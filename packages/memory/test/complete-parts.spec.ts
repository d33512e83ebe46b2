/**
 * completeMultipart checks every part the caller passes before anything is sent: a malformed
 * part (e.g. a corrupted checkpoint) is InvalidArgument and the upload is left as it was.
 */
import { describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type ObjectInfo, type Part, type Storager } from "@stowage/core";
import "../src/index.js";

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (e) {
    if (!isStorageError(e)) throw e;
    return e.code;
  }
}

async function upload(store: Storager, path: string): Promise<{ up: ObjectInfo; parts: Part[] }> {
  const up = await store.createMultipart(path);
  const parts = [await store.writeMultipart(up, "hello ", { index: 0 }), await store.writeMultipart(up, "world", { index: 1 })];
  return { up, parts };
}

describe("completeMultipart part checks", () => {
  const store = newStorager("memory://complete-parts/");

  it.each<[string, (p: Part) => unknown]>([
    ["a crc64 that is not a number", (p) => ({ ...p, crc64: "not-a-number" })],
    ["a negative crc64", (p) => ({ ...p, crc64: "-1" })],
    ["a crc64 of 2^64", (p) => ({ ...p, crc64: "18446744073709551616" })],
    ["a crc64 given as a number", (p) => ({ ...p, crc64: 5 })],
    ["a null part", () => null],
    ["a size given as a string", (p) => ({ ...p, size: String(p.size) })],
    ["an empty etag", (p) => ({ ...p, etag: "" })],
    ["a fractional index", (p) => ({ ...p, index: 0.5 })],
  ])("refuses %s with InvalidArgument before the upload is completed", async (_label, spoil) => {
    const path = `obj-${_label.replace(/\W+/g, "-")}`;
    const { up, parts } = await upload(store, path);
    const bad = [parts[0], spoil(parts[1]!)] as Part[];
    expect(await code(store.completeMultipart(up, bad))).toBe("InvalidArgument");
    expect(await code(store.stat(path))).toBe("ObjectNotExist");
    // the upload is untouched: completing it with the right parts works
    const done = await store.completeMultipart(up, parts);
    expect(done.size).toBe(11);
    expect((await store.read(path)).toString()).toBe("hello world");
  });

  it("refuses parts that are not an array", async () => {
    const { up } = await upload(store, "not-array");
    expect(await code(store.completeMultipart(up, "parts" as unknown as Part[]))).toBe("InvalidArgument");
  });

  it("takes a part's ETag without quotes or in other case, as core's check does (a browser may hand it over bare)", async () => {
    const { up, parts } = await upload(store, "bare-etag");
    const bare = parts.map((p) => ({ ...p, etag: p.etag!.replace(/"/g, "").toUpperCase() }));
    expect((await store.completeMultipart(up, bare)).parts).toBe(parts.length);
  });

  it("a well-formed but wrong crc64 or size is Conflict before anything is completed: the previous version and the upload stay", async () => {
    await store.write("wrong-crc", "previous version");
    const { up, parts } = await upload(store, "wrong-crc");
    expect(await code(store.completeMultipart(up, [parts[0]!, { ...parts[1]!, crc64: "12345" }]))).toBe("Conflict");
    expect(await code(store.completeMultipart(up, [parts[0]!, { ...parts[1]!, size: parts[1]!.size + 1 }]))).toBe("Conflict");
    expect(await code(store.completeMultipart(up, [{ ...parts[0]!, size: parts[0]!.size - 1 }, parts[1]!]))).toBe("Conflict");
    expect((await store.read("wrong-crc")).toString()).toBe("previous version");
    const done = await store.completeMultipart(up, parts);
    expect(done.size).toBe(parts[0]!.size + parts[1]!.size);
  });
});
