import { constants } from "node:fs";
import { access, link, lstat, rename, unlink } from "node:fs/promises";
import { ErrorCode, isStorageError, storageError } from "@stowage/core";
import { syncDir } from "./atomic.js";
import { fsError, isErrno } from "./errors.js";
import { notExist } from "./files.js";
import type { DirPin } from "./pinned-dir.js";
import { tempName } from "./reserved-names.js";
import { sameInode, sourceSwapped, takeSourceName } from "./source-name.js";
import { escapesWithin, type Within } from "./within.js";

// A move confined to its source directory (`sourceWithin`) never renames the source by its name:
// rename(2) moves whatever entry holds the name when it runs, so a symbolic link swapped in after
// any look would be moved, leading out of the destination. The entry is looked at, then hard-linked
// under a temp name, and what was linked is looked at before it takes any name: it must be the
// regular file first looked at. Linux's link(2) never follows a symbolic link (one swapped in is
// linked itself, and refused); on macOS and the BSDs link(2) follows it, and what it leads to is
// linked: another inode than the one looked at, refused all the same.

/**
 * Moves the regular file at entry `name` of pinned `from` to entry `dstName` of pinned `to`: the
 * entry is looked at (lstat: a symbolic link there is refused), hard-linked under a temp name in
 * `to`, and when that is the regular file looked at (the same inode) it is renamed over
 * `dstName` (the file keeps its inode, mode bits and mtime, as a rename keeps them), then the
 * source name is taken away while it still holds that inode (source-name.ts; a file that took the
 * name since is kept, a name gone since is let be). Anything else linked (a symbolic link,
 * whatever it leads to; another file, the name replaced between the look and the link) is unlinked
 * again: refused, nothing changed. False when the filesystem
 * will not link the file (another filesystem: EXDEV; none, or not this user's: EPERM, ENOTSUP...):
 * nothing changed, the caller copies. A source directory this process may not write to is refused
 * first (a rename would be). With `durable` the destination directory is fsynced before the
 * source name is taken away.
 * @throws StorageError `InvalidArgument` (a symbolic link: "path escapes source_within"), `PermissionDenied`,
 *   `ObjectModeInvalid` (not a regular file; a directory at the destination), `Conflict` (the name
 *   replaced between the look and the link: nothing moved), `ObjectNotExist`, mapped fs errors.
 */
export async function relinkFile(from: DirPin, name: string, to: DirPin, dstName: string, within: Within, durable = false): Promise<boolean> {
  // The source name must be taken away at the end, as a rename would (which fails first where it cannot).
  await access(from.self, constants.W_OK | constants.X_OK).catch((e: unknown) => Promise.reject(fsError(e)));
  // Looked at first: link(2) follows a symbolic link on macOS and the BSDs, so a link there is refused before it.
  const seen = await lstat(from.at(name), { bigint: true }).catch((e: unknown) => Promise.reject(isErrno(e, "ENOENT", "ENOTDIR") ? notExist() : fsError(e)));
  if (seen.isSymbolicLink()) escapesWithin(within, "the source is a symbolic link (never moved here)");
  if (!seen.isFile()) throw storageError(ErrorCode.ObjectModeInvalid, "this path is not a file");
  const temp = to.at(tempName());
  try {
    await link(from.at(name), temp);
  } catch (e) {
    if (isErrno(e, "EXDEV", "EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK")) return false;
    throw isErrno(e, "ENOENT", "ENOTDIR") ? notExist() : fsError(e);
  }
  let placed;
  try {
    placed = await lstat(temp, { bigint: true });
    if (placed.isSymbolicLink()) escapesWithin(within, "the source is a symbolic link (never moved here)");
    if (!placed.isFile()) throw storageError(ErrorCode.ObjectModeInvalid, "this path is not a file");
    // Another file than the one looked at (replaced since; on macOS and the BSDs, where a link
    // swapped in is followed, what it leads to): taken away again.
    if (!sameInode(placed, seen)) throw sourceSwapped();
    await rename(temp, to.at(dstName));
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    if (isStorageError(e)) throw e;
    throw isErrno(e, "EISDIR", "ENOTEMPTY", "EEXIST") ? storageError(ErrorCode.ObjectModeInvalid, "a directory exists at the destination", { cause: e }) : fsError(e);
  }
  const moved = placed;
  // With `durable`, the new name is on disk before the source name goes (as a copy's move does it).
  if (durable) await syncDir(to, dstName);
  // The file moved at the link: a file put under the source name since is a later write, kept.
  await takeSourceName(from, name, (now) => sameInode(now, moved)).catch((e: unknown) => (isStorageError(e, ErrorCode.ObjectNotExist) ? false : Promise.reject(e)));
  return true;
}
