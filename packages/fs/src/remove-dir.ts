import { lstat, rmdir } from "node:fs/promises";
import { posix } from "node:path";
import { ErrorCode, storageError } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";
import type { FsPaths } from "./paths.js";
import { removeStaleTemps } from "./stale-temps.js";

/**
 * Removes the empty directory `path` (in its pinned parent); succeeds when it is missing. The
 * work_dir itself is kept (as memory does): emptying a storage leaves its root, with its mode and
 * owner. Temp files of writes that died with their process, and append locks whose holder is
 * gone (stale-temps.ts), do not keep a directory from being removed.
 *
 * @throws StorageError `Conflict` (not empty), `ObjectModeInvalid` (a file, or a link to a directory), `InvalidArgument`, mapped fs errors.
 */
export async function removeDir(paths: FsPaths, path: string): Promise<void> {
  if (path === paths.root) return;
  const dir = await paths.pinExisting(posix.dirname(path));
  if (dir === undefined) return;
  const entry = dir.at(posix.basename(path));
  try {
    await rmdir(entry).catch(async (e: unknown) => {
      if (!isErrno(e, "ENOTEMPTY", "EEXIST") || (await removeStaleTemps(paths, path)) === 0) throw e;
      await rmdir(entry);
    });
  } catch (e) {
    if (isErrno(e, "ENOENT")) return;
    if (isErrno(e, "ENOTEMPTY", "EEXIST")) throw storageError(ErrorCode.Conflict, "the directory is not empty");
    if (isErrno(e, "ENOTDIR")) {
      const link = await lstat(entry).then(
        (st) => st.isSymbolicLink(),
        () => false,
      );
      throw storageError(ErrorCode.ObjectModeInvalid, link ? "this path is a link to a directory; delete the link without mode dir" : "this path is a file; delete it without mode dir");
    }
    throw fsError(e);
  } finally {
    await dir.close();
  }
}
