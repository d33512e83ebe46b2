import type { BigIntStats } from "node:fs";
import { posix } from "node:path";
import { checkEtagConditions, ErrorCode, storageError, type DriverCallOptions, type RawObject } from "@stowage/core";
import { committedEntry, committedStats } from "./committed-view.js";
import { notExist } from "./files.js";
import { entryIn } from "./links.js";
import { dirObject, fileObject, linkObject } from "./objects.js";
import type { FsPaths } from "./paths.js";

/**
 * What stat reports of `key`. An object key names the entry itself, looked up in its pinned
 * directory: a symlink there is a `link` (its target never followed, wherever it leads); a
 * directory key follows one (FsPaths.statInside: on Linux what it leads to is opened, checked to lie
 * inside on that descriptor and fstat'ed, so a link swapped meanwhile never reports an outside
 * directory). A file an append writes to is reported as it was before
 * (committed-view.ts), looked at again in that same pinned directory. The caller checks
 * `options.signal` first.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (not a file, dir or link), `InvalidArgument`,
 *   `Conflict` (412 or 304: an ETag condition of `options` does not hold), mapped fs errors.
 */
export async function statObject(paths: FsPaths, key: string, options: DriverCallOptions): Promise<RawObject> {
  const wantDir = options.mode === "dir" || key === "" || key.endsWith("/");
  const path = wantDir ? await paths.resolve(key) : await paths.resolveEntry(key);
  if (wantDir || path === paths.root) {
    const st = await paths.statInside(path);
    if (st === undefined || (wantDir && !st.isDirectory())) throw notExist();
    // The work_dir itself, named by a key, yet no directory: its lock beside it, as any file's.
    return objectOf(key, st, options, (file) => committedStats(file, () => lookAgain(paths, path), posix.dirname(path)));
  }
  const dir = await paths.pinExisting(posix.dirname(path));
  if (dir === undefined) throw notExist();
  try {
    const name = posix.basename(path);
    const found = await entryIn(paths, dir, name);
    if (found === undefined) throw notExist();
    if (found.linkTarget !== undefined) return linkObject(key, found.linkTarget, found.st);
    return await objectOf(key, found.st, options, (st) => committedEntry(dir, name, st));
  } finally {
    await dir.close();
  }
}

/** The object of a directory or file with stats `st`; a file's as `committed` reports it, checked against the ETag conditions of `options`. */
async function objectOf(key: string, st: BigIntStats, options: DriverCallOptions, committed: (st: BigIntStats) => Promise<BigIntStats>): Promise<RawObject> {
  if (st.isDirectory()) return dirObject(key === "" || key.endsWith("/") ? key : key + "/", st);
  if (!st.isFile()) throw storageError(ErrorCode.ObjectModeInvalid, "not a regular file");
  const file = fileObject(key, await committed(st));
  checkEtagConditions(file.etag, options);
  return file;
}

/** The file at `path` (followed, as FsPaths.statInside) looked at again. @throws StorageError `ObjectNotExist` (no regular file there now), mapped fs errors. */
async function lookAgain(paths: FsPaths, path: string): Promise<BigIntStats> {
  const st = await paths.statInside(path);
  if (st === undefined || !st.isFile()) throw notExist();
  return st;
}
