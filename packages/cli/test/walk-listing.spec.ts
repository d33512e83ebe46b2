/**
 * The walk behind `sync`, `cp -r`, `rm -r`, `ls -r`, `du` and `verify`:
 * - `ObjectNotExist` means "missing, so empty" only before anything was listed, and only when a
 *   fresh look at the first page says so too; a page that fails with it later (a 404 from a proxy,
 *   a bucket deleted meanwhile) fails the walk, so `sync --delete` never acts on a partial listing.
 * - `startAfter` is read as every path is (`\` for `/`, absolute inside the work_dir), so the
 *   service's skipping and the walk's own agree (`ls -r --start-after 'a\b'` used to print only `b`).
 */
import { describe, expect, it } from "@jest/globals";
import { defineFeatures, ErrorCode, isStorageError, newStorager, storageError, type ListPage, type ObjectInfo, type Storager } from "@stowage/core";
import "@stowage/memory";
import { walk } from "../src/transfer/walk.js";

const missing = () => storageError(ErrorCode.ObjectNotExist, "list_objects: NoSuchBucket: The specified bucket does not exist", { statusCode: 404 });
const file = (path: string): ObjectInfo => ({ path, mode: "file", size: 1 });

/**
 * A store whose listing of `dir` yields `pages[dir]`' items and then, when `fails[dir]`, fails
 * with ObjectNotExist; `listPage` (the walk's look at the first page) answers `first`.
 */
function store(
  features: { listPrefix: boolean; listDir: boolean },
  listings: Record<string, { items: ObjectInfo[]; fails?: boolean }>,
  first: () => Promise<ListPage>,
  listed: string[] = [],
): Storager {
  const fake = {
    features: defineFeatures({ list: true, ...features }),
    info: { service: "fake", name: "b", workDir: "/" },
    async *list(path: string): AsyncIterable<ObjectInfo> {
      listed.push(path);
      const listing = listings[path] ?? { items: [] };
      yield* listing.items;
      if (listing.fails === true) throw missing();
    },
    listPage: first,
  };
  return fake as unknown as Storager;
}

async function collect(items: AsyncIterable<ObjectInfo>): Promise<{ paths: string[]; error: unknown }> {
  const paths: string[] = [];
  try {
    for await (const o of items) paths.push(o.path);
    return { paths, error: undefined };
  } catch (error) {
    return { paths, error };
  }
}

const prefixOnly = { listPrefix: true, listDir: false };
const dirOnly = { listPrefix: false, listDir: true };

describe("walk: ObjectNotExist", () => {
  it("fails the walk when a later page fails with it (a partial listing is never the whole)", async () => {
    const s = store(prefixOnly, { "": { items: [file("a"), file("b")], fails: true } }, async () => ({ items: [file("a")], nextToken: "t" }));
    const { paths, error } = await collect(walk(s));
    expect(paths).toEqual(["a", "b"]);
    expect(isStorageError(error, ErrorCode.ObjectNotExist)).toBe(true);
  });

  it("fails the walk when nothing was listed yet but the first page holds entries (pages of markers, then a 404)", async () => {
    const s = store(prefixOnly, { "": { items: [], fails: true } }, async () => ({ items: [], nextToken: "t" }));
    const { paths, error } = await collect(walk(s));
    expect(paths).toEqual([]);
    expect(isStorageError(error, ErrorCode.ObjectNotExist)).toBe(true);
  });

  it("fails a dir walk when a sub-directory's listing fails with it", async () => {
    const listed: string[] = [];
    const s = store(dirOnly, { "": { items: [{ path: "d/", mode: "dir" }, file("top")] }, "d/": { items: [], fails: true } }, async () => ({ items: [file("top")] }), listed);
    const { paths, error } = await collect(walk(s));
    expect(paths).toEqual(["top"]);
    expect(listed).toEqual(["", "d/"]);
    expect(isStorageError(error, ErrorCode.ObjectNotExist)).toBe(true);
  });

  it("lists a missing location as empty: the first page fails with it and a second look agrees (or finds nothing)", async () => {
    for (const features of [prefixOnly, dirOnly]) {
      const gone = store(features, { "": { items: [], fails: true } }, () => Promise.reject(missing()));
      expect(await collect(walk(gone))).toEqual({ paths: [], error: undefined });
      const empty = store(features, { "": { items: [], fails: true } }, async () => ({ items: [] }));
      expect(await collect(walk(empty))).toEqual({ paths: [], error: undefined });
    }
  });
});

describe("walk: startAfter spelled as core spells paths", () => {
  it("skips the same paths as the service's startAfter, for `\\` and an absolute path inside the work_dir", async () => {
    const name = `walk-after-${process.pid}`;
    const root = newStorager(`memory://${name}`);
    for (const key of ["d/a/b", "d/a/c", "d/a/d", "d/b", "d/!x", "d/ y"]) await root.write(key, "x");
    const s = newStorager(`memory://${name}/d/`);
    const after = async (startAfter: string): Promise<string[]> => (await collect(walk(s, { startAfter }))).paths;
    expect(await after("a/b")).toEqual(["a/c", "a/d", "b"]);
    expect(await after("a\\b")).toEqual(["a/c", "a/d", "b"]);
    expect(await after("/d/a/b")).toEqual(["a/c", "a/d", "b"]);
    expect(await after("/d/ ")).toEqual([" y", "!x", "a/b", "a/c", "a/d", "b"]);
    const outside = await collect(walk(s, { startAfter: "/elsewhere/x" }));
    expect(isStorageError(outside.error, ErrorCode.InvalidArgument)).toBe(true);
  });
});
