import { PassThrough } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { crc64Decimal } from "@stowage/core";
import { MemoryStorageDriver } from "../src/storager.js";
import { dropStore, findStore, MemoryStore, openStore } from "../src/store.js";
import { buf, drain, expectCode, md5, streamBody } from "./helpers.js";

function driver(): MemoryStorageDriver {
  return new MemoryStorageDriver(new MemoryStore(), "");
}

describe("memory driver: objects", () => {
  it("writes, stats and reads back with CRC64, MD5 etag and attributes", async () => {
    const d = driver();
    const result = await d.write("wd/a.txt", buf("hello world"), { contentType: "text/plain", metadata: { k: "v" }, storageClass: "COLD" });
    expect(result.crc64).toBe("5981764153023615706");
    expect(result.etag).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
    const stat = await d.stat("wd/a.txt", {});
    expect(stat).toMatchObject({ key: "wd/a.txt", mode: "file", size: 11, contentType: "text/plain", storageClass: "COLD", metadata: { k: "v" } });
    expect(stat.contentMd5).toBe(md5("hello world"));
    const read = await d.read("wd/a.txt", {}, {});
    expect((await drain(read.stream)).toString()).toBe("hello world");
    expect(read.crc64).toBe("5981764153023615706");
    expect(read.object?.size).toBe(11);
  });

  it("reads ranges, and nothing past the end", async () => {
    const d = driver();
    await d.write("r", buf("0123456789"), {});
    expect((await drain((await d.read("r", { offset: 3 }, {})).stream)).toString()).toBe("3456789");
    expect((await drain((await d.read("r", { size: 4 }, {})).stream)).toString()).toBe("0123");
    expect((await drain((await d.read("r", { offset: 2, size: 3 }, {})).stream)).toString()).toBe("234");
    expect((await drain((await d.read("r", { offset: 2, size: 0 }, {})).stream)).length).toBe(0);
    expect((await drain((await d.read("r", { offset: 50 }, {})).stream)).length).toBe(0);
  });

  it("keeps its own copy of written and read bytes", async () => {
    const d = driver();
    const data = Buffer.from("abc");
    await d.write("c", { data, size: 3 }, {});
    data[0] = 0x7a;
    const read = await drain((await d.read("c", {}, {})).stream);
    read[1] = 0x7a;
    expect((await drain((await d.read("c", {}, {})).stream)).toString()).toBe("abc");
  });

  it("accepts stream bodies of exactly their size and refuses others", async () => {
    const d = driver();
    const data = Buffer.from("a stream body of some length");
    const seen: number[] = [];
    await d.write("s", { ...streamBody(data), onProgress: (n) => seen.push(n) }, {});
    expect((await drain((await d.read("s", {}, {})).stream)).equals(data)).toBe(true);
    expect(seen[seen.length - 1]).toBe(data.length);
    await expectCode(d.write("short", { data: streamBody(data).data, size: data.length + 1 }, {}), "InvalidArgument");
    await expectCode(d.write("long", { data: streamBody(data).data, size: data.length - 1 }, {}), "InvalidArgument");
    await expectCode(d.stat("short", {}), "ObjectNotExist");
  });

  it("overwrites completely", async () => {
    const d = driver();
    await d.write("o", buf("x".repeat(2048)), { contentType: "a/b" });
    await d.write("o", buf("y".repeat(1024)), {});
    const stat = await d.stat("o", {});
    expect(stat.size).toBe(1024);
    expect(stat.contentType).toBeUndefined();
  });

  it("checks Content-MD5", async () => {
    const d = driver();
    await d.write("m", { ...buf("data"), contentMd5: md5("data") }, {});
    await expectCode(d.write("m2", { ...buf("data"), contentMd5: md5("other") }, {}), "IntegrityMismatch");
    await expectCode(d.stat("m2", {}), "ObjectNotExist");
  });

  it("reports missing objects and deletes idempotently", async () => {
    const d = driver();
    await expectCode(d.stat("nope", {}), "ObjectNotExist");
    await expectCode(d.read("nope", {}, {}), "ObjectNotExist");
    await d.write("gone", buf("1"), {});
    await d.delete("gone", {});
    await d.delete("gone", {});
    await expectCode(d.stat("gone", {}), "ObjectNotExist");
  });

  it("deletes many", async () => {
    const d = driver();
    await d.write("x/1", buf("1"), {});
    await d.write("x/2", buf("2"), {});
    await d.deleteMany(["x/1", "x/2", "x/3"], {});
    expect((await d.listPage({ prefix: "", limit: 10 }, {})).items).toEqual([]);
  });

  it("rejects with Aborted on an aborted signal, also mid-stream", async () => {
    const d = driver();
    const controller = new AbortController();
    controller.abort();
    await expectCode(d.write("a", buf("x"), { signal: controller.signal }), "Aborted");
    const stalled = new PassThrough();
    stalled.write("part");
    const live = new AbortController();
    const pending = d.write("b", { data: stalled, size: 100 }, { signal: live.signal });
    setImmediate(() => live.abort());
    await expectCode(pending, "Aborted");
    expect(stalled.destroyed).toBe(true);
    await expectCode(d.stat("b", {}), "ObjectNotExist");
  });

  it("computes the CRC64 of what it stores", async () => {
    const d = driver();
    const data = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
    const result = await d.write("big", streamBody(data, 65536), {});
    expect(result.crc64).toBe("12198584541786614250");
    expect(result.crc64).toBe(crc64Decimal(data));
  });
});

describe("memory driver: directories", () => {
  it("creates dirs idempotently and stats them", async () => {
    const d = driver();
    expect(await d.createDir("a/b/", {})).toMatchObject({ key: "a/b/", mode: "dir" });
    expect((await d.createDir("a/b/", {})).mode).toBe("dir");
    expect((await d.stat("a/b/", { mode: "dir" })).mode).toBe("dir");
    expect((await d.stat("a/", { mode: "dir" })).mode).toBe("dir");
    await expectCode(d.stat("c/", { mode: "dir" }), "ObjectNotExist");
  });

  it("never lets a key be both a file and a dir", async () => {
    const d = driver();
    await d.createDir("d/", {});
    await expectCode(d.write("d", buf("x"), {}), "ObjectModeInvalid");
    await d.write("f", buf("x"), {});
    await expectCode(d.createDir("f/", {}), "ObjectModeInvalid");
    await expectCode(d.write("f/child", buf("x"), {}), "ObjectModeInvalid");
    await d.write("deep/er/file", buf("x"), {});
    await expectCode(d.write("deep/er", buf("x"), {}), "ObjectModeInvalid");
    await expectCode(d.read("deep/er", {}, {}), "ObjectModeInvalid");
    await expectCode(d.delete("deep", {}), "ObjectModeInvalid");
  });

  it("deletes only empty dirs, and missing ones quietly", async () => {
    const d = driver();
    await d.createDir("e/", {});
    await d.write("e/f", buf("x"), {});
    await expectCode(d.deleteDir("e/", {}), "Conflict");
    await d.delete("e/f", {});
    await d.deleteDir("e/", {});
    await d.deleteDir("e/", {});
    await expectCode(d.stat("e/", { mode: "dir" }), "ObjectNotExist");
  });
});

describe("memory driver: copy and move", () => {
  it("copies, overwriting a file dst, keeping attributes", async () => {
    const d = driver();
    await d.write("src", buf("source"), { contentType: "text/x" });
    await d.write("dst", buf("old destination"), {});
    await d.copy("src", "dst", {});
    expect((await drain((await d.read("dst", {}, {})).stream)).toString()).toBe("source");
    expect((await d.stat("dst", {})).contentType).toBe("text/x");
    expect((await d.stat("src", {})).size).toBe(6);
  });

  it("moves, removing the source; a second move finds nothing", async () => {
    const d = driver();
    await d.write("m1", buf("moving"), {});
    await d.move("m1", "sub/m2", {});
    await expectCode(d.stat("m1", {}), "ObjectNotExist");
    expect((await drain((await d.read("sub/m2", {}, {})).stream)).toString()).toBe("moving");
    await expectCode(d.move("m1", "sub/m2", {}), "ObjectNotExist");
  });

  it("refuses a dir destination or source", async () => {
    const d = driver();
    await d.write("s", buf("x"), {});
    await d.createDir("dir/", {});
    await expectCode(d.copy("s", "dir", {}), "ObjectModeInvalid");
    await expectCode(d.move("s", "dir", {}), "ObjectModeInvalid");
    await expectCode(d.copy("dir", "t", {}), "ObjectModeInvalid");
    await expectCode(d.copy("missing", "t", {}), "ObjectNotExist");
    expect((await d.stat("s", {})).size).toBe(1);
  });
});

describe("memory driver: append", () => {
  it("creates, appends at the right offset and resets", async () => {
    const d = driver();
    const created = await d.createAppend("ap", { contentType: "text/plain" });
    expect(created).toMatchObject({ mode: "append", appendOffset: 0, size: 0 });
    expect((await d.writeAppend("ap", 0, buf("hello "), {})).appendOffset).toBe(6);
    const second = await d.writeAppend("ap", 6, buf("world"), {});
    expect(second).toEqual({ appendOffset: 11, crc64: "5981764153023615706" });
    await expectCode(d.writeAppend("ap", 6, buf("!"), {}), "Conflict");
    await d.commitAppend("ap", {});
    expect((await drain((await d.read("ap", {}, {})).stream)).toString()).toBe("hello world");
    expect(await d.stat("ap", {})).toMatchObject({ mode: "append", appendOffset: 11, contentType: "text/plain" });
    expect((await d.createAppend("ap", {})).appendOffset).toBe(0);
    expect((await d.stat("ap", {})).size).toBe(0);
  });

  it("refuses to append to a plain file or a missing one", async () => {
    const d = driver();
    await d.write("plain", buf("x"), {});
    await expectCode(d.writeAppend("plain", 1, buf("y"), {}), "ObjectModeInvalid");
    await expectCode(d.writeAppend("none", 0, buf("y"), {}), "ObjectNotExist");
    await d.createAppend("ap", {});
    await expectCode(d.writeAppend("ap", 0, { ...buf("y"), contentMd5: md5("z") }, {}), "IntegrityMismatch");
    expect((await d.stat("ap", {})).size).toBe(0);
  });
});

describe("memory driver: construction", () => {
  it("takes a store or a name, not both: the pair is InvalidArgument, never a store silently unused", async () => {
    expect(() => new MemoryStorageDriver(new MemoryStore(), "ctor-both")).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    expect(findStore("ctor-both")).toBeUndefined();
    // A private store is the one passed in.
    const mine = new MemoryStore();
    await new MemoryStorageDriver(mine).write("k", buf("v"), {});
    expect(mine.get("k")).toBeDefined();
    // A named driver works on the store registered under its name.
    const named = openStore("ctor-named");
    await new MemoryStorageDriver(undefined, "ctor-named").write("k", buf("v"), {});
    expect(named.get("k")).toBeDefined();
    dropStore("ctor-named");
  });
});
