import { posix } from "node:path";
import { ErrorCode, storageError } from "@stowage/core";
import { notExist } from "./files.js";
import { refuseOccupied } from "./if-not-exists.js";
import { lstatOrUndefined, statOrUndefined } from "./objects.js";
import type { FsPaths } from "./paths.js";

/**
 * The confined path of a file key where a file may be written (not a directory). The check is a
 * quick look that spares reading a body bound to fail; the rename in place is what decides. With
 * `ifNotExists` (a conditional write) any entry there, a directory too, is `Conflict`
 * (if-not-exists.ts refuseOccupied); the link in place is what decides.
 * @throws StorageError `InvalidArgument` (an empty key, one ending in `/`, or any path the rules
 *   refuse), `ObjectModeInvalid` (a directory is there), `Conflict` (`ifNotExists`: anything is there).
 */
export async function fileSlot(paths: FsPaths, key: string, ifNotExists = false): Promise<string> {
  if (key === "" || key.endsWith("/")) throw storageError(ErrorCode.InvalidArgument, "a file key must not be empty or end with /");
  // The entry itself, wherever a link there leads: the rename in its pinned directory replaces the link.
  const path = await paths.resolveEntry(key);
  if (ifNotExists) await refuseOccupied(path);
  else if ((await lstatOrUndefined(path))?.isDirectory()) throw storageError(ErrorCode.ObjectModeInvalid, "a directory exists at this path");
  return path;
}

/**
 * Checks that the directories on the way to `path` can be made: the nearest one that exists is a
 * directory, not a file (a quick look, for calls that would only fail at the end, such as a
 * multipart upload at its completion; the rename in place is what decides).
 * @throws StorageError `ObjectModeInvalid` (a file, or a symbolic link leading to nothing, is in the place of a parent), mapped fs errors.
 */
export async function refuseFileOnTheWay(paths: FsPaths, path: string): Promise<void> {
  for (let dir = posix.dirname(path); dir !== paths.root && dir.startsWith(paths.root); dir = posix.dirname(dir)) {
    const entry = await lstatOrUndefined(dir);
    if (entry === undefined) continue;
    // A symbolic link is looked through; one that leads nowhere cannot be made a directory (as a
    // write or createDir through it is refused).
    const st = entry.isSymbolicLink() ? await statOrUndefined(dir) : entry;
    if (st?.isDirectory() === true) return;
    throw storageError(ErrorCode.ObjectModeInvalid, st === undefined ? "a symbolic link that leads to nothing is in the way of the directory" : "a file is in the way of the directory");
  }
}

/**
 * The confined path of an existing regular file (a quick look too: reads and renames decide).
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (not a regular file), `InvalidArgument`.
 */
export async function sourceFile(paths: FsPaths, key: string): Promise<string> {
  if (key.endsWith("/")) await refuseDirKey(paths, key);
  const path = await paths.resolve(key);
  const st = await statOrUndefined(path);
  if (st === undefined) throw notExist();
  if (!st.isFile()) throw storageError(ErrorCode.ObjectModeInvalid, "this path is not a file");
  return path;
}

/**
 * An object operation on a key ending in `/`, which names a directory and never the file without
 * the `/` (memory and the object stores keep `a` and `a/` apart): there is no such object.
 * @throws StorageError `ObjectModeInvalid` (a directory is there), else `ObjectNotExist`; `InvalidArgument` as any path.
 */
export async function refuseDirKey(paths: FsPaths, key: string): Promise<never> {
  const st = await paths.statInside(await paths.resolve(key));
  if (st?.isDirectory()) throw storageError(ErrorCode.ObjectModeInvalid, "this path is a directory");
  throw notExist();
}
