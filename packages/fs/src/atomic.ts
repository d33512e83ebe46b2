import { mkdir, rename, unlink } from "node:fs/promises";
import { posix } from "node:path";
import { ErrorCode, storageError, throwIfAborted } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";
import { tempPath } from "./paths.js";

/**
 * Creates `dir` and its missing parents.
 * @throws StorageError `ObjectModeInvalid` when a file is in the way, or the mapped fs error.
 */
export async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    if (isErrno(e, "EEXIST", "ENOTDIR")) throw storageError(ErrorCode.ObjectModeInvalid, "a file is in the way of the directory", { cause: e });
    throw fsError(e);
  }
}

/**
 * Replaces `target` atomically: `produce` fills a hidden temp file in the same
 * directory, which is then renamed over `target`. Readers see the old file or
 * the new one, never a part. If `produce` fails or `signal` aborts, the temp
 * file is removed and `target` is untouched. Parent directories are created.
 * @throws StorageError `ObjectModeInvalid` (target is a directory or a parent a file), `Aborted`,
 *   whatever `produce` throws, or the mapped fs error.
 */
export async function replaceAtomically(target: string, produce: (temp: string) => Promise<void>, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  await makeDirs(posix.dirname(target));
  const temp = tempPath(posix.dirname(target));
  try {
    await produce(temp);
    throwIfAborted(signal);
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    if (isErrno(e, "EISDIR", "ENOTEMPTY", "EEXIST")) throw storageError(ErrorCode.ObjectModeInvalid, "a directory exists at this path", { cause: e });
    throw fsError(e);
  }
}
