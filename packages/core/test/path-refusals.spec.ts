import { describe, expect, it } from "@jest/globals";
import { Readable } from "node:stream";
import { isStorageError } from "../src/errors/storage-error.js";
import type { ObjectInfo } from "../src/object/object-info.js";
import type { Storager } from "../src/storager.js";
import { openRecording } from "./recording-driver.js";

/** Runs `fn` to its end (iterables consumed, streams read) and returns what it threw. */
async function failure(fn: () => unknown): Promise<unknown> {
  try {
    const value = await fn();
    if (value instanceof Readable) for await (const _ of value) void _;
    else if (value !== null && typeof value === "object" && Symbol.asyncIterator in value) for await (const _ of value as AsyncIterable<unknown>) void _;
  } catch (e) {
    return e;
  }
  return undefined;
}

const upload = (path: string): ObjectInfo => ({ path, mode: "part", multipartId: "u1" });
const appendable = (path: string): ObjectInfo => ({ path, mode: "append", size: 0, appendOffset: 0 });
const parts = [{ index: 0, size: 1, etag: "e" }];

/** Every operation that names an object, with `bad` in each place a path goes (`ok` in the other). */
const OBJECT_OPS: ReadonlyArray<[string, (s: Storager, bad: string, ok: string) => unknown]> = [
  ["stat", (s, bad) => s.stat(bad)],
  ["stat of an upload", (s, bad) => s.stat(bad, { multipartId: "u1" })],
  ["read", (s, bad) => s.read(bad)],
  ["createReadStream", (s, bad) => s.createReadStream(bad)],
  ["write", (s, bad) => s.write(bad, Buffer.from("x"))],
  ["write of a stream", (s, bad) => s.write(bad, Readable.from([Buffer.from("x")]))],
  [
    "createWriteStream",
    (s, bad) =>
      new Promise<void>((resolve, reject) => {
        const stream = s.createWriteStream(bad);
        stream.once("error", reject);
        stream.end(Buffer.from("x"), (error?: Error | null) => (error ? reject(error) : resolve()));
      }),
  ],
  ["delete", (s, bad) => s.delete(bad)],
  ["delete of an upload", (s, bad) => s.delete(bad, { multipartId: "u1" })],
  ["deleteMany", (s, bad, ok) => s.deleteMany([ok, bad])],
  ["copy from", (s, bad, ok) => s.copy(bad, ok)],
  ["copy to", (s, bad, ok) => s.copy(ok, bad)],
  ["move from", (s, bad, ok) => s.move(bad, ok)],
  ["move to", (s, bad, ok) => s.move(ok, bad)],
  ["fetch", (s, bad) => s.fetch(bad, "https://example.com/x")],
  ["createLink at", (s, bad, ok) => s.createLink(bad, ok)],
  ["createLink to", (s, bad, ok) => s.createLink(ok, bad)],
  ["presign read", (s, bad) => s.presign("read", bad, { expires: 60 })],
  ["presign write", (s, bad) => s.presign("write", bad, { expires: 60 })],
  ["presign delete", (s, bad) => s.presign("delete", bad, { expires: 60 })],
  ["presign createMultipart", (s, bad) => s.presign("createMultipart", bad, { expires: 60 })],
  ["presign writeMultipart", (s, bad) => s.presign("writeMultipart", bad, { expires: 60, multipartId: "u1", index: 0 })],
  ["presign listMultipart", (s, bad) => s.presign("listMultipart", bad, { expires: 60, multipartId: "u1" })],
  ["presign completeMultipart", (s, bad) => s.presign("completeMultipart", bad, { expires: 60, multipartId: "u1", parts })],
  ["createAppend", (s, bad) => s.createAppend(bad)],
  ["writeAppend", (s, bad) => s.writeAppend(appendable(bad), Buffer.from("x"))],
  ["commitAppend", (s, bad) => s.commitAppend(appendable(bad))],
  ["createMultipart", (s, bad) => s.createMultipart(bad)],
  ["writeMultipart", (s, bad) => s.writeMultipart(upload(bad), Buffer.from("x"), { index: 0 })],
  ["completeMultipart", (s, bad) => s.completeMultipart(upload(bad), parts)],
  ["listMultipart", (s, bad) => s.listMultipart(upload(bad))],
];

/** Operations that name a directory or a listing. */
const DIR_OPS: ReadonlyArray<[string, (s: Storager, bad: string) => unknown]> = [
  ["createDir", (s, bad) => s.createDir(bad)],
  ["delete of a directory", (s, bad) => s.delete(bad, { mode: "dir" })],
  ["stat of a directory", (s, bad) => s.stat(bad, { mode: "dir" })],
  ["list (dir)", (s, bad) => s.list(bad, { mode: "dir" })],
  ["list (prefix)", (s, bad) => s.list(bad, { mode: "prefix" })],
  ["list (part)", (s, bad) => s.list(bad, { mode: "part" })],
  ["listPage", (s, bad) => s.listPage(bad, { mode: "prefix" })],
  ["list startAfter", (s, bad) => s.list("", { mode: "prefix", startAfter: bad })],
];

describe("a path that is not well-formed Unicode (a lone surrogate)", () => {
  const lone = "k/a\uD800b";

  it.each([...OBJECT_OPS, ...DIR_OPS.map(([name, fn]) => [name, (s: Storager, bad: string) => fn(s, bad)] as const)])(
    "%s: InvalidArgument, and the driver is never called",
    async (_name, op) => {
      const { driver, store } = openRecording();
      const e = await failure(() => op(store, lone, "k/ok"));
      expect(isStorageError(e, "InvalidArgument")).toBe(true);
      expect((e as Error).message).toMatch(/not well-formed Unicode/);
      expect(driver.calls).toEqual([]);
    },
  );

  it("a lone low surrogate, and one in the work_dir, are refused too; a surrogate pair is a character like any other", async () => {
    const { driver, store } = openRecording();
    expect(isStorageError(await failure(() => store.write("a\uDC00", Buffer.from("x"))), "InvalidArgument")).toBe(true);
    expect(isStorageError(await failure(() => store.write("\uDC00\uD800", Buffer.from("x"))), "InvalidArgument")).toBe(true);
    expect(driver.calls).toEqual([]);
    expect(() => openRecording("/w\uD800/")).toThrow(/not well-formed Unicode/);
    await store.write("a\uD83D\uDE00", Buffer.from("x"));
    expect(driver.calls).toEqual([{ method: "write", keys: ["a\uD83D\uDE00"] }]);
  });
});

describe("a key longer than the service allows (limits.keyMaximum, bytes of UTF-8)", () => {
  // 20 bytes allowed; the work_dir's "w/" counts.
  const open = () => openRecording("/w/", { keyMaximum: 20 });
  const long = "é".repeat(9) + "x"; // "w/" + 19 bytes = 21 bytes, 12 UTF-16 code units

  it.each(OBJECT_OPS)("%s: InvalidArgument, and the driver is never called", async (_name, op) => {
    const { driver, store } = open();
    const e = await failure(() => op(store, long, "ok"));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect((e as Error).message).toMatch(/21 bytes of UTF-8 \(work_dir included\), longer than the 20 bytes rec allows/);
    expect(driver.calls).toEqual([]);
  });

  // A stat or delete of such a directory answers that nothing is there: key-maximum-dirs.spec.ts.
  it.each([["createDir", (s: Storager, bad: string) => s.createDir(bad)]] as const)("%s of a directory whose key (with its /) is too long: InvalidArgument", async (_name, op) => {
    const { driver, store } = open();
    // "w/" + 18 bytes + "/" = 21 bytes.
    const e = await failure(() => op(store, "é".repeat(9)));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect(driver.calls).toEqual([]);
  });

  it("a key of exactly the maximum is sent; a write of a stream with a key too long destroys the stream", async () => {
    const { driver, store } = open();
    const exact = "é".repeat(9); // "w/" + 18 bytes = 20 bytes
    await store.write(exact, Buffer.from("x"));
    await store.presign("read", exact, { expires: 60 });
    expect(driver.calls).toEqual([
      { method: "write", keys: ["w/" + exact] },
      { method: "presign read", keys: ["w/" + exact] },
    ]);
    const body = new Readable({ read() {} });
    expect(isStorageError(await failure(() => store.write(long, body)), "InvalidArgument")).toBe(true);
    expect(body.destroyed).toBe(true);
  });

  it("storages without the limit take any length; a listing of a long prefix is not refused", async () => {
    const { driver, store } = openRecording("/w/");
    await store.write("x".repeat(5000), Buffer.from("x"));
    expect(driver.calls).toEqual([{ method: "write", keys: ["w/" + "x".repeat(5000)] }]);
    const limited = open();
    await limited.store.listPage(long, { mode: "prefix" });
    expect(limited.driver.calls).toEqual([{ method: "listPage", keys: ["w/" + long] }]);
  });
});
