import type { BigIntStats } from "node:fs";
import { link, lstat, lutimes, readlink, symlink } from "node:fs/promises";
import { posix } from "node:path";
import { isStorageError, throwIfAborted } from "@stowage/core";
import { syncDir } from "./atomic.js";
import type { CopySteps } from "./copy-file.js";
import { fsError, isErrno } from "./errors.js";
import { notExist } from "./files.js";
import { occupied } from "./if-not-exists.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";
import { inMoveFrame } from "./move-frame.js";
import { copyInside } from "./relocate.js";
import { asCopied, sameInode, sourceChanged, sourceSwapped, takeSourceName, unplace } from "./source-name.js";
import { escapesWithin, type Confinement } from "./within.js";
import { utimeSeconds } from "./write-time.js";

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
 * linked in the same way (copy-file.ts, if-not-exists.ts placeNew), and the source name then
 * taken away only while it holds the file as it was copied (same inode, size and mtime): a source
 * replaced or written to during the copy is kept, the copy stays at `dst`, `Conflict`. A source
 * name another object took after the link keeps that object (the move succeeds: the file itself
 * moved at the link). A source gone meanwhile (another move or a delete won) takes the new name
 * away again: `ObjectNotExist`.
 * `steps.onProgress` gets the size once, before anything is linked; an abort or a listener that
 * throws leaves both names as they were. With `durable` the destination's directory is fsynced
 * before the source name goes, then the source's. With `confine` (confinement.ts) each directory
 * pinned must really lie inside its side's directory, and with `confine.source` a symbolic link at
 * `src` is refused (`InvalidArgument`). The source name is looked at (lstat) before the link, and
 * what was linked must be what it held (the same inode), else it is taken away again (`Conflict`,
 * nothing moved; with `confine.source`, a symbolic link linked in is `InvalidArgument`): on macOS
 * and the BSDs link(2) follows a symbolic link, so one swapped in would place what it leads to. A
 * symbolic link at `src` (no `confine.source`: one whose target is not lexically in the work_dir,
 * which the storager does not move as a link to that target) is moved as itself: a link with the
 * same text and times is made as `dst` only where no entry is (symlink(2) fails with EEXIST), never
 * hard-linked. `dst`'s directory, removed by another call (it was empty) before the file is linked
 * into it, is made again and the move done there, up to 4 times (remade-dir.ts); an
 * `ObjectNotExist` is the source's only where the source name is gone.
 * @throws StorageError `Conflict` (statusCode 409: an entry is at `dst`; nothing changed, the source
 *   kept; the source replaced between its look and its link: nothing moved; or, after a copy, not
 *   retryable: the source changed during the move, both kept; retryable: `dst`'s directory removed
 *   each time it was made, nothing moved),
 *   `CapabilityInsufficient` (no hard links on the filesystem: nothing changed), `ObjectNotExist`,
 *   `ObjectModeInvalid`, `InvalidArgument`, `PermissionDenied` (the source's directory refuses the
 *   removal: the new name is taken away again), `Aborted`, what `onProgress` throws, mapped fs errors.
 */
export async function moveNew(paths: FsPaths, src: string, dst: string, steps: CopySteps = {}, durable = false, confine: Confinement = {}): Promise<void> {
  await inMoveFrame(paths, src, dst, steps, confine, async ({ from, name, to, dstName, srcEntry, dstEntry }) => {
    throwIfAborted(steps.signal);
    // What the source name holds, looked at before it is linked (link(2) follows a symbolic link on macOS and the BSDs).
    const seen = await lstat(srcEntry, { bigint: true }).catch((e: unknown) => Promise.reject(isErrno(e, "ENOENT", "ENOTDIR") ? notExist() : fsError(e)));
    if (confine.source !== undefined && seen.isSymbolicLink()) escapesWithin(confine.source, "the source is a symbolic link (never moved here)");
    const placed = seen.isSymbolicLink() ? await symlinkNew(srcEntry, dstEntry, seen) : await linkNew(srcEntry, dstEntry);
    if (placed !== undefined) {
      if (!seen.isSymbolicLink() && (placed.isSymbolicLink() || !sameInode(placed, seen))) {
        // Not what was looked at (a link swapped in: on Linux the link itself, maybe under the inode number just
        // freed; elsewhere what it leads to): taken away again.
        await unplace(dstEntry, placed);
        if (confine.source !== undefined && placed.isSymbolicLink()) escapesWithin(confine.source, "the source is a symbolic link (never moved here)");
        throw sourceSwapped();
      }
      if (durable) await syncDir(to, dstName);
      // The entry itself moved at the link: a file put under the source name since is a later write, kept.
      await takeName(from, name, dstEntry, placed, (now) => sameInode(now, seen));
    } else {
      // The size was reported before: the copy reports nothing more.
      const copied = await copyInside(paths, src, dst, { signal: steps.signal }, durable, true, true, confine);
      if (!(await takeName(from, name, dstEntry, copied.placed, asCopied(copied.source)))) throw sourceChanged();
    }
    if (durable) await syncDir(from);
  });
}

/**
 * Links the file `srcEntry` in as `dstEntry`, which must not exist, and resolves with the stats of
 * what was placed there; undefined when the filesystem will not link it (the caller copies instead).
 * @throws StorageError `Conflict` (EEXIST: any entry at `dstEntry`, never followed), `ObjectNotExist`, mapped fs errors.
 */
async function linkNew(srcEntry: string, dstEntry: string): Promise<BigIntStats | undefined> {
  try {
    await link(srcEntry, dstEntry);
    return await lstat(dstEntry, { bigint: true }).catch((e: unknown) => Promise.reject(fsError(e)));
  } catch (e) {
    // Unlike a write's own temp file (if-not-exists.ts placeNew), an EEXIST here is never taken as
    // "already placed" when the entry there is the source's inode: another move of the same source
    // to the same path placed it, and this one must not go on to take the source name (nor undo).
    if (isErrno(e, "EEXIST")) throw occupied(e);
    if (isStorageError(e)) throw e;
    if (isErrno(e, "EXDEV", "EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK")) return undefined;
    throw isErrno(e, "ENOENT") ? notExist() : fsError(e);
  }
}

/**
 * Moves the symbolic link `srcEntry` (stats `seen`) as a link: one with the same text is made as
 * `dstEntry`, which fails with EEXIST where any entry is there (as link(2) would), and given the
 * link's times, as a hard link of it keeps them. Never hard-linked: link(2) follows a symbolic
 * link on macOS and the BSDs. Resolves with the new link's stats.
 * @throws StorageError `Conflict` (EEXIST; or the source no longer a link: replaced meanwhile), `ObjectNotExist`, mapped fs errors.
 */
async function symlinkNew(srcEntry: string, dstEntry: string, seen: BigIntStats): Promise<BigIntStats> {
  try {
    await symlink(await readlink(srcEntry), dstEntry);
  } catch (e) {
    if (isErrno(e, "EEXIST")) throw occupied(e);
    if (isErrno(e, "EINVAL")) throw sourceSwapped();
    throw isErrno(e, "ENOENT") ? notExist() : fsError(e);
  }
  // The times of the link itself; where they cannot be set, the kernel's stay.
  await lutimes(dstEntry, utimeSeconds(seen.atimeNs), utimeSeconds(seen.mtimeNs)).catch(() => undefined);
  return lstat(dstEntry, { bigint: true }).catch((e: unknown) => Promise.reject(fsError(e)));
}

/**
 * Takes the source name `name` of pinned `dir` away (source-name.ts takeSourceName) once the file
 * is placed at `dstEntry` (stats `placed`), when it holds what `holds` accepts. When the name
 * cannot be taken (gone: another move or a delete won; the directory refuses), the new name is
 * taken away again, as far as it is still the one made. Resolves false when the name holds
 * another file (or the copied one changed): both kept.
 * @throws StorageError `ObjectNotExist` (the source name gone), mapped fs errors.
 */
async function takeName(dir: DirPin, name: string, dstEntry: string, placed: BigIntStats, holds: (now: BigIntStats) => boolean): Promise<boolean> {
  try {
    return await takeSourceName(dir, name, holds);
  } catch (e) {
    await unplace(dstEntry, placed);
    throw e;
  }
}

