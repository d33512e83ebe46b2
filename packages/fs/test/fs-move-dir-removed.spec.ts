import { mkdir, readFile, readdir, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { newStorager, type StorageError } from "@stowage/core";
import type { DriverCallOptions } from "@stowage/core";
import "../src/index.js";
import { FsPaths } from "../src/paths.js";
import type { DirPin } from "../src/pinned-dir.js";
import { sandbox, type Sandbox } from "./setup.js";

// A move (a rename, or a link with ifNotExists or sourceWithin) or a createDir whose destination
// directory (empty) another call's deleteDir removes in the instant between the call pinning it and
// putting the entry in: the directory is made again and the call done there, as write and copy do
// (remade-dir.ts). The race is made certain: the directory is removed right after it is pinned.
// When it is removed every time, the call fails a retryable `Conflict` naming the destination,
// never `ObjectNotExist`, which core reports as the source's ("source: no such object").

let s: Sandbox;
const original = FsPaths.prototype.pinDir;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  FsPaths.prototype.pinDir = original;
  await s.cleanup();
});

/**
 * Removes directory `dir` (empty) right after any storager pins it, the first `times` times, first
 * running `also` (once); returns how many times it was removed.
 */
function removeWhenPinned(dir: string, times: number, also?: () => Promise<void>): () => number {
  let removed = 0;
  FsPaths.prototype.pinDir = async function (this: FsPaths, ...args: Parameters<FsPaths["pinDir"]>): Promise<DirPin> {
    const pin = await original.apply(this, args);
    if (args[0] === dir && removed < times) {
      if (removed === 0) await also?.();
      removed++;
      await rmdir(dir);
    }
    return pin;
  };
  return () => removed;
}

const moves: Array<[string, DriverCallOptions]> = [
  ["a move (a rename)", {}],
  ["a move with ifNotExists (a link)", { ifNotExists: true }],
  ["a move with sourceWithin (a link, then a rename)", { sourceWithin: "a/", destinationWithin: "b/" }],
];

describe("fs move and createDir: the destination's empty directory removed meanwhile", () => {
  it.each(moves)("%s: the directory is made again and the file moved there", async (_name, options) => {
    await mkdir(join(s.root, "a"));
    await mkdir(join(s.root, "b/d"), { recursive: true });
    await writeFile(join(s.root, "a/x"), "hello");
    const removed = removeWhenPinned(join(s.root, "b/d"), 2);
    await s.driver.move(s.key("a/x"), s.key("b/d/y"), options);
    expect(removed()).toBe(2);
    expect(await readFile(join(s.root, "b/d/y"), "utf8")).toBe("hello");
    expect(await readdir(join(s.root, "b/d"))).toEqual(["y"]);
    expect(await readdir(join(s.root, "a"))).toEqual([]);
  });

  it("createDir: a parent removed before the directory is made in it is made again", async () => {
    const removed = removeWhenPinned(join(s.root, "a"), 2);
    await expect(s.driver.createDir(s.key("a/b"), {})).resolves.toMatchObject({ mode: "dir" });
    expect(removed()).toBe(2);
    expect((await stat(join(s.root, "a/b"))).isDirectory()).toBe(true);
  });

  it.each(moves)("%s: a source gone at that moment too is ObjectNotExist at once, not tried again", async (_name, options) => {
    await mkdir(join(s.root, "a"));
    await mkdir(join(s.root, "b/d"), { recursive: true });
    await writeFile(join(s.root, "a/x"), "hello");
    const removed = removeWhenPinned(join(s.root, "b/d"), Infinity, () => unlink(join(s.root, "a/x")));
    await expect(s.driver.move(s.key("a/x"), s.key("b/d/y"), options)).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect(removed()).toBe(1);
  });
});

describe("fs: the destination's directory removed each time it is made", () => {
  /** What the call failed with; the directory `b/d` removed at every pin. */
  async function failure(call: (store: ReturnType<typeof newStorager>) => Promise<unknown>): Promise<StorageError> {
    await mkdir(join(s.root, "b/d"), { recursive: true });
    await writeFile(join(s.root, "x"), "kept");
    const removed = removeWhenPinned(join(s.root, "b/d"), Infinity);
    const error = await call(newStorager(`fs://${s.root}/`)).then(
      () => undefined,
      (e: unknown) => e as StorageError,
    );
    FsPaths.prototype.pinDir = original;
    expect(removed()).toBeGreaterThanOrEqual(4);
    expect(error).toBeDefined();
    return error!;
  }

  it.each([
    ["move", (store: ReturnType<typeof newStorager>) => store.move("x", "b/d/y")],
    ["move with ifNotExists", (store: ReturnType<typeof newStorager>) => store.move("x", "b/d/y", { ifNotExists: true })],
    ["copy", (store: ReturnType<typeof newStorager>) => store.copy("x", "b/d/y")],
  ])("%s fails Conflict (retryable) naming the destination, the source kept", async (_name, call) => {
    const error = await failure(call);
    expect(error).toMatchObject({ code: "Conflict", retryable: true });
    expect(error.message).toContain("destination: its directory was removed by another call each of the 4 times");
    expect(error.message).not.toContain("source:");
    expect(await readFile(join(s.root, "x"), "utf8")).toBe("kept");
    expect(await readdir(s.root)).toEqual(["b", "x"]);
    expect(await readdir(join(s.root, "b"))).toEqual([]);
  });

  it.each([
    ["write", (store: ReturnType<typeof newStorager>) => store.write("b/d/y", "new")],
    ["createDir", (store: ReturnType<typeof newStorager>) => store.createDir("b/d/y")],
  ])("%s fails Conflict (retryable), nothing made", async (_name, call) => {
    const error = await failure(call);
    expect(error).toMatchObject({ code: "Conflict", retryable: true });
    expect(await readdir(s.root)).toEqual(["b", "x"]);
    expect(await readdir(join(s.root, "b"))).toEqual([]);
  });
});
