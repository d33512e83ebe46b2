import { mkdir, open, rename, unlink } from "node:fs/promises";
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
 * Flushes `path` (a file, or a directory's entries) to stable storage with
 * fsync. A directory the platform cannot fsync (EINVAL, EISDIR) is left as is.
 * @throws the fs error of open or fsync (callers map it).
 */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } catch (e) {
    if (!isErrno(e, "EINVAL", "EISDIR")) throw e;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Replaces `target` atomically: `produce` fills a hidden temp file in the same
 * directory, which is then renamed over `target`. Readers see the old file or
 * the new one, never a part. If `produce` fails or `signal` aborts, the temp
 * file is removed and `target` is untouched. Parent directories are created.
 * With `durable`, the temp file is fsynced before the rename and the directory
 * after it, so a completed call survives a crash or power loss.
 * @throws StorageError `ObjectModeInvalid` (target is a directory or a parent a file), `Aborted`,
 *   whatever `produce` throws, or the mapped fs error.
 */
export async function replaceAtomically(target: string, produce: (temp: string) => Promise<void>, signal?: AbortSignal, durable = false): Promise<void> {
  throwIfAborted(signal);
  await makeDirs(posix.dirname(target));
  const temp = tempPath(posix.dirname(target));
  try {
    await produce(temp);
    throwIfAborted(signal);
    if (durable) await syncPath(temp);
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    if (isErrno(e, "EISDIR", "ENOTEMPTY", "EEXIST")) throw storageError(ErrorCode.ObjectModeInvalid, "a directory exists at this path", { cause: e });
    throw fsError(e);
  }
  if (durable) await syncPath(posix.dirname(target)).catch((e: unknown) => Promise.reject(fsError(e)));
}
