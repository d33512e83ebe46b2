import { lstat, unlink } from "node:fs/promises";
import { posix } from "node:path";
import { ErrorCode, isStorageError, storageError } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";
import { refuseDirKey } from "./file-keys.js";
import type { FsPaths } from "./paths.js";

/**
 * Removes the entry of `key` itself (a link, not its target), in its pinned directory. Succeeds
 * when nothing is there. The caller checks its abort signal before calling.
 * @throws StorageError `ObjectModeInvalid` (a directory), `InvalidArgument`, `PermissionDenied`, mapped fs errors.
 */
export async function deleteFile(paths: FsPaths, key: string): Promise<void> {
  if (key.endsWith("/")) {
    return refuseDirKey(paths, key).catch((e: unknown) => {
      if (isStorageError(e, ErrorCode.ObjectNotExist)) return undefined;
      // Worded as every storage words it for a delete.
      if (isStorageError(e, ErrorCode.ObjectModeInvalid)) throw storageError(ErrorCode.ObjectModeInvalid, "this path is a directory; delete it with mode dir");
      throw e;
    });
  }
  const path = await paths.resolveEntry(key);
  if (path === paths.root) throw storageError(ErrorCode.ObjectModeInvalid, "this path is a directory; delete it with mode dir");
  const dir = await paths.pinExisting(posix.dirname(path));
  if (dir === undefined) return;
  const entry = dir.at(posix.basename(path));
  try {
    await unlink(entry);
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR")) return;
    if ((await lstat(entry).catch(() => undefined))?.isDirectory()) {
      throw storageError(ErrorCode.ObjectModeInvalid, "this path is a directory; delete it with mode dir");
    }
    throw fsError(e);
  } finally {
    await dir.close();
  }
}
