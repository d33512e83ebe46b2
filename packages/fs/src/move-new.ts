import type { BigIntStats } from "node:fs";
import { link, lstat, rename, unlink } from "node:fs/promises";
import { posix } from "node:path";
import { throwIfAborted } from "@stowage/core";
import { syncPath } from "./atomic.js";
import type { CopySteps } from "./copy-file.js";
import { fsError, isErrno } from "./errors.js";
import { notExist } from "./files.js";
import { occupied } from "./if-not-exists.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";
import { copyInside, reportMoving } from "./relocate.js";
import { tempName } from "./reserved-names.js";

// A conditional move (`ifNotExists`) of a file: never a rename(2), which replaces what is at the
// destination. The file is hard-linked in as the destination (link(2) fails with EEXIST when any
// entry is there: the kernel decides), then its source name is taken away.

/**
 * Moves the file `src` to `dst` (both checked paths inside the work_dir, in their pinned
 * directories) only where no entry of any kind is at `dst`: `link(src, dst)`, then the source name
 * is renamed to a temp name in its directory and that name unlinked. The file keeps its inode, so
 * its mode, owner and ETag, as a rename keeps them. Where the file cannot be linked (another
 * filesystem: EXDEV; a filesystem without hard links, or a file the kernel will not link for this
 * user: EPERM, ENOTSUP...) it is copied with its mode into a temp file beside `dst`, which is
 * linked in the same way (copy-file.ts, if-not-exists.ts placeNew), and the source then removed.
 * A source name another object took between the link and the rename keeps that object. A source
 * gone meanwhile (another move or a delete won) takes the new name away again: `ObjectNotExist`.
 * `steps.onProgress` gets the size once, before anything is linked; an abort or a listener that
 * throws leaves both names as they were. With `durable` the destination's directory is fsynced
 * before the source name goes, then the source's.
 * @throws StorageError `Conflict` (statusCode 409: an entry is at `dst`; nothing changed, the source
 *   kept), `CapabilityInsufficient` (no hard links on the filesystem: nothing changed),
 *   `ObjectNotExist`, `ObjectModeInvalid`, `InvalidArgument`, `PermissionDenied` (the source's
 *   directory refuses the removal: the new name is taken away again), `Aborted`, what `onProgress`
 *   throws, mapped fs errors.
 */
export async function moveNew(paths: FsPaths, src: string, dst: string, steps: CopySteps = {}, durable = false): Promise<void> {
  const from = await paths.pinDir(posix.dirname(src));
  try {
    const to = await paths.pinDir(posix.dirname(dst), true);
    try {
      const [srcEntry, dstEntry] = [from.at(posix.basename(src)), to.at(posix.basename(dst))];
      await reportMoving(srcEntry, steps);
      throwIfAborted(steps.signal);
      if (await linkNew(srcEntry, dstEntry)) {
        const placed = await lstat(dstEntry, { bigint: true }).catch((e: unknown) => Promise.reject(fsError(e)));
        if (durable) await syncPath(to.self).catch((e: unknown) => Promise.reject(fsError(e)));
        await takeSourceName(from, posix.basename(src), dstEntry, placed);
      } else {
        // The size was reported before: the copy reports nothing more.
        await copyInside(paths, src, dst, { signal: steps.signal }, durable, true, true);
        const placed = await lstat(dstEntry, { bigint: true }).catch((e: unknown) => Promise.reject(fsError(e)));
        await unlink(srcEntry).catch(async (e: unknown) => {
          await unplace(dstEntry, placed);
          throw fsError(e);
        });
      }
      if (durable) await syncPath(from.self).catch((e: unknown) => Promise.reject(fsError(e)));
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}

/**
 * Links the file `srcEntry` in as `dstEntry`, which must not exist. False when the filesystem
 * will not link it (the caller copies instead).
 * @throws StorageError `Conflict` (EEXIST: any entry at `dstEntry`, never followed), `ObjectNotExist`, mapped fs errors.
 */
async function linkNew(srcEntry: string, dstEntry: string): Promise<boolean> {
  try {
    await link(srcEntry, dstEntry);
    return true;
  } catch (e) {
    // Unlike a write's own temp file (if-not-exists.ts placeNew), an EEXIST here is never taken as
    // "already placed" when the entry there is the source's inode: another move of the same source
    // to the same path placed it, and this one must not go on to take the source name (nor undo).
    if (isErrno(e, "EEXIST")) throw occupied(e);
    if (isErrno(e, "EXDEV", "EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK")) return false;
    throw isErrno(e, "ENOENT") ? notExist() : fsError(e);
  }
}

/**
 * Takes the source name `name` of pinned `dir` away once its file is linked in as `dstEntry`
 * (whose stats are `placed`): renamed to a temp name, then unlinked. Should the name hold another
 * file by then (replaced between the link and the rename), that file is put back under it (unless
 * yet another took the name meanwhile). When the name cannot be taken (gone: another move or a delete
 * won; the directory refuses), the link at `dstEntry` is taken away again, as far as it is still the one made.
 * @throws StorageError `ObjectNotExist` (the source name gone), mapped fs errors.
 */
async function takeSourceName(dir: DirPin, name: string, dstEntry: string, placed: BigIntStats): Promise<void> {
  const temp = dir.at(tempName());
  try {
    await rename(dir.at(name), temp);
  } catch (e) {
    await unplace(dstEntry, placed);
    throw isErrno(e, "ENOENT") ? notExist() : fsError(e);
  }
  const taken = await lstat(temp, { bigint: true }).catch(() => undefined);
  if (taken !== undefined && !sameInode(taken, placed)) {
    // Put back under its name; where a newer file took the name since, this one is stale.
    const back = await link(temp, dir.at(name)).then(
      () => true,
      (e: unknown) => isErrno(e, "EEXIST"),
    );
    if (!back) {
      await rename(temp, dir.at(name)).catch(() => undefined);
      return;
    }
  }
  // A temp name that fails to go is a second name of a file kept elsewhere: left for the stale-temp sweep.
  await unlink(temp).catch(() => undefined);
}

/** Takes the name `entry` away again when it still holds the file `placed` (a move that could not finish). @throws nothing. */
async function unplace(entry: string, placed: BigIntStats): Promise<void> {
  const now = await lstat(entry, { bigint: true }).catch(() => undefined);
  if (now !== undefined && sameInode(now, placed)) await unlink(entry).catch(() => undefined);
}

/** True when two stats are of one inode. @throws nothing. */
function sameInode(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}
