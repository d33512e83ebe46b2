import { link, lstat, unlink } from "node:fs/promises";
import { ErrorCode, storageError, type DriverCallOptions, type StorageError } from "@stowage/core";
import { isErrno } from "./errors.js";
import { lstatOrUndefined } from "./objects.js";

// Conditional writes (`ifNotExists`, feature `writeIfNotExists`): an object is put in place only
// where no entry of any kind is at its path, the kernel deciding (link(2) fails with EEXIST), so
// of writers racing for one path, in this process or in others on the same filesystem, one wins.

/** True when a call's options ask for a conditional write (`ifNotExists`). @throws nothing. */
export function wantsNew(options: DriverCallOptions): boolean {
  return options.ifNotExists === true;
}

/** The `Conflict` of a conditional write that found an entry at its path. @throws nothing. */
export function occupied(cause?: unknown): StorageError {
  return storageError(ErrorCode.Conflict, "something exists at this path (if_not_exists): nothing was written", {
    statusCode: 409,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The quick look of a conditional write, before a body is read: refuses when an entry of any kind
 * is at `path` itself (never followed): a file, a directory, a symlink wherever it leads (a
 * dangling one, an outward one), a fifo or socket. {@link placeNew} is what decides.
 * @throws StorageError `Conflict` (statusCode 409, not retryable), mapped fs errors.
 */
export async function refuseOccupied(path: string): Promise<void> {
  if ((await lstatOrUndefined(path)) !== undefined) throw occupied();
}

/**
 * Puts the finished temp file `temp` in place as the new entry `target` (both entries of one pinned
 * directory) only where nothing is there: `link(temp, target)`, which fails with EEXIST when any
 * entry is at `target` (a symlink there not followed), then `temp` is unlinked. The object is never
 * seen partial (the link names the complete file) and nothing is replaced. Over NFS a retried link
 * whose first try had succeeded answers EEXIST: a `target` that is `temp`'s own inode is taken as
 * placed. A `temp` name that fails to go (the object is in place) is left for the stale-temp sweep.
 * @throws StorageError `Conflict` (statusCode 409: an entry is at `target`; `temp` is left for the
 *   caller to remove), `CapabilityInsufficient` (the filesystem has no hard links: FAT, exFAT, some
 *   FUSE and SMB mounts), raw fs errors otherwise.
 */
export async function placeNew(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (e) {
    if (isErrno(e, "EEXIST")) {
      if (!(await sameInode(temp, target))) throw occupied(e);
    } else if (isErrno(e, "EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS")) {
      // EPERM from link(2) of a file this process just made in a directory it can write to: the
      // filesystem makes no hard links.
      throw storageError(
        ErrorCode.CapabilityInsufficient,
        "this filesystem makes no hard links, which if_not_exists needs to place an object only where none exists: nothing was written",
        { cause: e },
      );
    } else {
      throw e;
    }
  }
  await unlink(temp).catch(() => undefined);
}

/** True when `a` and `b` are one inode (lstat, never followed). @throws nothing. */
async function sameInode(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([lstat(a, { bigint: true }).catch(() => undefined), lstat(b, { bigint: true }).catch(() => undefined)]);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}
