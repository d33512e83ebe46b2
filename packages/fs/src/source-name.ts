import type { BigIntStats } from "node:fs";
import { link, lstat, rename, unlink } from "node:fs/promises";
import { ErrorCode, storageError, type StorageError } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";
import { notExist } from "./files.js";
import type { DirPin } from "./pinned-dir.js";
import { tempName } from "./reserved-names.js";

// The last step of a move that could not simply rename its file: the source name is taken away
// only while it still names the file the move placed (linked, or copied) at the destination.
// Nothing removes a name "if it is this inode" in one step, so the name is first looked at, then
// renamed to a temp name (which takes it, whatever it holds by then), and what it held checked.

/** True when two stats are of one inode. @throws nothing. */
export function sameInode(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * A test of what a source name holds: the file `copied` (stats taken when the copy opened it)
 * as it was copied: the same inode, size and modification time (a file replaced since, or
 * written to in place, as an append does, fails it). @throws nothing.
 */
export function asCopied(copied: BigIntStats): (now: BigIntStats) => boolean {
  return (now) => sameInode(now, copied) && now.size === copied.size && now.mtimeNs === copied.mtimeNs;
}

/**
 * The `Conflict` (not retryable) of a move that copied its file and then found the source name
 * holding another file, or the file changed: the destination keeps the copy, the source is kept.
 * @throws nothing (the error is returned).
 */
export function sourceChanged(): StorageError {
  return storageError(
    ErrorCode.Conflict,
    "move: the source changed during the move (replaced or written to while it was copied): the destination holds the version that was copied, the newer source is kept",
    { retryable: false },
  );
}

/**
 * The `Conflict` of a move whose source name held another entry when it was linked than
 * when it was looked at just before (replaced in between; on macOS and the BSDs, where link(2)
 * follows a symbolic link, also a link swapped in: what it leads to was linked). What was linked is
 * taken away again: nothing moved. @throws nothing (the error is returned).
 */
export function sourceSwapped(): StorageError {
  return storageError(ErrorCode.Conflict, "move: the source was replaced while it was being moved: nothing was moved");
}

/**
 * Takes the source name `name` of pinned `dir` away when it holds what `holds` accepts: looked at
 * first (anything else there is left untouched), then renamed to a temp name, checked again
 * (a file that took the name between the look and the rename is put back under it, unless yet
 * another took the name meanwhile), and unlinked. Resolves true when the name was taken, false
 * when it held something else (left or put back). Between the rename and the put back the name is
 * free: see the README (Conditional writes) for what a write landing there does.
 * @throws StorageError `ObjectNotExist` (the name gone: nothing taken), mapped fs errors (the
 *   directory refuses: nothing taken).
 */
export async function takeSourceName(dir: DirPin, name: string, holds: (now: BigIntStats) => boolean): Promise<boolean> {
  const entry = dir.at(name);
  const seen = await lstat(entry, { bigint: true }).catch((e: unknown) => Promise.reject(isErrno(e, "ENOENT") ? notExist() : fsError(e)));
  if (!holds(seen)) return false;
  const temp = dir.at(tempName());
  try {
    await rename(entry, temp);
  } catch (e) {
    throw isErrno(e, "ENOENT") ? notExist() : fsError(e);
  }
  const taken = await lstat(temp, { bigint: true }).catch(() => undefined);
  if (taken !== undefined && !holds(taken)) {
    // Put back under its name; where a newer file took the name since, this one is stale.
    const back = await link(temp, entry).then(
      () => true,
      (e: unknown) => isErrno(e, "EEXIST"),
    );
    if (!back) await rename(temp, entry).catch(() => undefined);
    else await unlink(temp).catch(() => undefined);
    return false;
  }
  // A temp name that fails to go is a second name of a file kept elsewhere: left for the stale-temp sweep.
  await unlink(temp).catch(() => undefined);
  return true;
}

/** Takes the name `entry` away again when it still holds the file `placed` (a move that could not finish). @throws nothing. */
export async function unplace(entry: string, placed: BigIntStats): Promise<void> {
  const now = await lstat(entry, { bigint: true }).catch(() => undefined);
  if (now !== undefined && sameInode(now, placed)) await unlink(entry).catch(() => undefined);
}
