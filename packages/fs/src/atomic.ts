import { constants, type BigIntStats } from "node:fs";
import { lstat, open, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";
import { ErrorCode, isStorageError, storageError, throwIfAborted } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";
import { placeNew } from "./if-not-exists.js";
import { attributesToKeep, giveAttributes } from "./kept-attributes.js";
import { openRegular } from "./open-regular.js";
import type { FsPaths } from "./paths.js";
import { tempName } from "./reserved-names.js";
import type { DirPin } from "./pinned-dir.js";
import type { Within } from "./within.js";
import { stampWriteTime } from "./write-time.js";

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
 * Flushes the entries of the pinned directory `dir` to stable storage (fsync, as {@link syncPath}),
 * after `entry` (a name in it) was placed or renamed there. A directory this process may enter but
 * not read (pinned-dir.ts openDirFd) cannot be opened, so not fsynced: the regular file at `entry`
 * is fsynced instead, once more, which on ext4, xfs and btrfs commits its rename (or link) with it
 * (POSIX does not promise it); without `entry` (a name removed), or where that file cannot be
 * opened either, nothing more is done (README: the fsync pair).
 * @throws StorageError mapped fs errors (other than the EACCES of such a directory).
 */
export async function syncDir(dir: DirPin, entry?: string): Promise<void> {
  try {
    await syncPath(dir.self);
  } catch (e) {
    if (!isErrno(e, "EACCES")) throw fsError(e);
    if (entry !== undefined) await syncPlaced(dir.at(entry));
  }
}

/** fsync of the regular file at `path` (never opening anything else), read-only or else write-only; left as is where it cannot be opened. */
async function syncPlaced(path: string): Promise<void> {
  for (const flags of [constants.O_RDONLY, constants.O_WRONLY]) {
    let handle: FileHandle;
    try {
      handle = (await openRegular(path, flags, true, async () => undefined)).handle;
    } catch (e) {
      if (isErrno(e, "EACCES")) continue;
      if (isErrno(e, "ENOENT", "ELOOP") || isStorageError(e, ErrorCode.ObjectModeInvalid)) return;
      throw fsError(e);
    }
    try {
      await handle.sync();
      return;
    } catch (e) {
      throw fsError(e);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

/**
 * Replaces `target` atomically: `produce` fills a hidden temp file in the same
 * directory (given pinned, as `dir`), which is then renamed over `target`. Readers see the old file or
 * the new one, never a part. If `produce` fails or `signal` aborts, the temp
 * file is removed and `target` is untouched. Parent directories are created.
 * The directory is pinned (FsPaths.pinDir): the temp file is created, and
 * renamed, in the very directory whose real path was checked. With `durable`,
 * the temp file is fsynced before the rename and the directory after it, so a
 * completed call survives a crash or power loss (a symlink made as the temp file has
 * no data of its own to fsync: its directory's fsync keeps it). Before that the new entry gets a
 * modification time of its own (write-time.ts), so its ETag names this version. Resolves with the new entry's stats.
 * With `exclusive` (a conditional write, `ifNotExists`) nothing is replaced: the temp file is
 * hard-linked in as `target` only where no entry of any kind is there (if-not-exists.ts placeNew),
 * else `Conflict` and the temp file is removed. With `within` (a copy's `destinationWithin`) the
 * directory, and each one made for it, must really lie inside it too (FsPaths.pinDir). A directory
 * removed meanwhile (another call's `deleteDir` of it, empty) is made again and the write done
 * there, up to {@link PLACE_TRIES} times: the file is stored, as on the cloud services. Replacing a
 * regular file, the new one gets its permission bits and owner (kept-attributes.ts), as cp(1) onto
 * an existing file keeps them, unless `keep` is false (a move: the moved file's own mode, as mv(1)).
 * @throws StorageError `ObjectModeInvalid` (target is a directory or a parent a file), `InvalidArgument`
 *   (the directory leads outside the work_dir or `within`), `Conflict` and `CapabilityInsufficient` (`exclusive`,
 *   see placeNew), `Aborted`, whatever `produce` throws, or the mapped fs error.
 */
export async function replaceAtomically(
  paths: FsPaths,
  target: string,
  produce: (temp: string, dir: DirPin) => Promise<void>,
  signal?: AbortSignal,
  durable = false,
  exclusive = false,
  within?: Within,
  keep = true,
): Promise<BigIntStats> {
  throwIfAborted(signal);
  for (let attempt = 1; ; attempt++) {
    let dir: DirPin;
    try {
      dir = await paths.pinDir(posix.dirname(target), true, within);
    } catch (e) {
      // Made, then removed before it could be opened: made again.
      if (attempt < PLACE_TRIES && isStorageError(e, ErrorCode.ObjectNotExist)) continue;
      throw e;
    }
    try {
      return await replaceIn(dir, posix.basename(target), produce, signal, durable, exclusive, keep);
    } catch (e) {
      // Removed before the temp file was made in it (only an empty directory can be): each
      // `produce` makes its temp file before it reads a byte of a body it was given, so it is all
      // done again (a fetch asks its URL again).
      if (attempt < PLACE_TRIES && isStorageError(e, ErrorCode.ObjectNotExist) && (await removed(dir))) continue;
      throw e;
    } finally {
      await dir.close();
    }
  }
}

/** How many times {@link replaceAtomically} makes a directory removed under it again. */
const PLACE_TRIES = 4;

/** Whether the pinned directory `dir` was removed (its handle names a directory with no links; without a handle, its path names none). */
async function removed(dir: DirPin): Promise<boolean> {
  try {
    return (await stat(dir.self)).nlink === 0;
  } catch (e) {
    return isErrno(e, "ENOENT");
  }
}

/**
 * {@link replaceAtomically} of the entry `name` of the directory `dir`, already pinned by the
 * caller (which closes it): nothing is created but the temp file and, by the rename, the entry.
 * A directory removed meanwhile (its pin then names a directory without a name) takes no new
 * entries: the call fails `ObjectNotExist` and leaves nothing. A regular file replaced passes its
 * permission bits and owner on to the new one, unless `keep` is false.
 * @throws StorageError as {@link replaceAtomically}.
 */
export async function replaceIn(
  dir: DirPin,
  name: string,
  produce: (temp: string, dir: DirPin) => Promise<void>,
  signal?: AbortSignal,
  durable = false,
  exclusive = false,
  keep = true,
): Promise<BigIntStats> {
  throwIfAborted(signal);
  const temp = dir.at(tempName());
  let st: BigIntStats;
  try {
    await produce(temp, dir);
    throwIfAborted(signal);
    // A modification time of its own (write-time.ts): with its inode, the ETag tells this version from any other.
    await stampWriteTime(temp);
    // The new entry's stats (its ETag): neither fsync nor the rename (nor a link) changes its size, mtime or inode.
    st = await lstat(temp, { bigint: true });
    // Opening a symlink would follow it: never done.
    if (durable && !st.isSymbolicLink()) await syncPath(temp);
    // An overwrite keeps the file's permission bits and owner (kept-attributes.ts); with `exclusive` nothing is replaced.
    const kept = keep && !exclusive && st.isFile() ? await attributesToKeep(dir.at(name)) : undefined;
    if (kept !== undefined) await giveAttributes(temp, kept);
    if (exclusive) await placeNew(temp, dir.at(name));
    else await rename(temp, dir.at(name));
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    if (isStorageError(e)) throw e;
    if (isErrno(e, "EISDIR", "ENOTEMPTY", "EEXIST")) throw storageError(ErrorCode.ObjectModeInvalid, "a directory exists at this path", { cause: e });
    throw fsError(e);
  }
  if (durable) await syncDir(dir, name);
  return st;
}
