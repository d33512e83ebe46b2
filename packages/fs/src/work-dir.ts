import { stat } from "node:fs/promises";
import { ErrorCode, storageError } from "@stowage/core";
import { isErrno } from "./errors.js";
import type { FsPaths } from "./paths.js";

/**
 * Refuses a listing of a work_dir that is no directory: a regular file (or anything else) at its
 * path, or a file in the place of one of its parents. A missing work_dir lists as empty (it is made
 * on the first write); one that can never hold a file is a mistake to say, not an empty listing (a
 * copy from a mistyped work_dir would otherwise report nothing to do). Asked when a listing comes
 * back empty: one stat.
 * @throws StorageError `ObjectModeInvalid` (the work_dir is no directory); nothing otherwise (a
 *   work_dir that cannot be looked at failed the listing already).
 */
export async function refuseFileWorkDir(paths: FsPaths): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(paths.root)).isDirectory();
  } catch (e) {
    if (!isErrno(e, "ENOTDIR")) return;
    throw storageError(ErrorCode.ObjectModeInvalid, "a file is in the place of a parent directory of the work_dir: it can hold no files", { cause: e });
  }
  if (!isDir) throw storageError(ErrorCode.ObjectModeInvalid, "the work_dir is not a directory (a file is at its path): it can hold no files");
}
