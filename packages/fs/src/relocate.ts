import type { BigIntStats } from "node:fs";
import { lstat, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";
import { ErrorCode, storageError, throwIfAborted } from "@stowage/core";
import { replaceAtomically, syncDir } from "./atomic.js";
import { openSource } from "./confinement.js";
import { committedStats, isCommittedView, lockDirOf, openFileLook } from "./committed-view.js";
import { copyContents, type CopySteps } from "./copy-file.js";
import { fsError, isErrno } from "./errors.js";
import type { FsPaths } from "./paths.js";
import { relinkFile } from "./relink.js";
import { inMoveFrame } from "./move-frame.js";
import type { DirPin } from "./pinned-dir.js";
import type { Confinement, Within } from "./within.js";
import { asCopied, sourceChanged, takeSourceName } from "./source-name.js";

/**
 * Copies the file `src` over `dst` atomically, in chunks (copy-file.ts) into a temp file renamed
 * into place, reading only what was checked, once open, to lie inside the work_dir. `steps.signal`
 * stops the copy between chunks; `steps.onProgress` gets `{ bytes, total }` after each chunk, the
 * last being `{ bytes: size, total: size }` before the rename. An abort, or a listener that throws,
 * removes the temp file and leaves `dst` as it was. A new copy's permission bits are the source's
 * less the umask (as cp(1) without `-p`: never more open than the source, nor than a new file
 * `write` makes); a copy over a regular file keeps that file's permission bits and owner (as cp(1)
 * onto an existing file; made 0600 until then, atomic.ts replaceAtomically); with `keepMode`
 * the copy has the source's own bits, whatever it replaces (a move across filesystems, as mv(1):
 * the file moved keeps its mode, as a rename would). With `exclusive`
 * (`ifNotExists`) the temp file is hard-linked in only where no entry of any kind is at `dst`
 * (if-not-exists.ts placeNew), else `Conflict`, the temp file removed. With `confine`
 * (confinement.ts) the source is opened never through a link at `src` and must really lie inside
 * `confine.source`, and `dst`'s directory (and each one made for it) inside `confine.destination`:
 * the source is opened and checked before anything is made. A source an append writes to is
 * copied as it was before (committed-view.ts): its committed bytes only. Resolves with the source's
 * stats as the copy opened it (what was copied: while an append wrote, the size and mtime it had
 * before) and the copy's.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `InvalidArgument` (outside the work_dir, or `confine`), `Conflict` and
 *   `CapabilityInsufficient` (`exclusive`), `Aborted`, what `onProgress` throws, mapped fs errors.
 */
export async function copyInside(
  paths: FsPaths,
  src: string,
  dst: string,
  steps: CopySteps = {},
  durable = false,
  keepMode = false,
  exclusive = false,
  confine: Confinement = {},
): Promise<CopiedFile> {
  throwIfAborted(steps.signal);
  // A regular file (open-regular.ts), with its stats as looked at.
  const { handle: source, st: opened } = await openSource(paths, src, confine.source);
  try {
    const lockDir = await lockDirOf(source, src);
    const look = await openFileLook(source, opened, lockDir);
    const st = await committedStats(opened, look, lockDir).catch((e: unknown) => Promise.reject(fsError(e)));
    // A sparse source (fewer blocks allocated than its size) is copied with its holes (copy-file.ts).
    const fill = async (target: FileHandle): Promise<void> => {
      await copyContents(source, target, Number(st.size), steps, isCommittedView(st), st.blocks * 512n < st.size);
    };
    // A new copy gets the source's bits less the umask, one onto a file that file's mode and owner
    // (cp(1)); a move's copy the moved file's own bits exactly (mv(1)).
    const placed = await replaceAtomically(paths, dst, { fill, mode: Number(st.mode & 0o777n), exact: keepMode }, steps.signal, durable, exclusive, confine.destination);
    return { source: st, placed };
  } finally {
    await source.close().catch(() => undefined);
  }
}

/** What {@link copyInside} copied: the source's stats when it was opened, and the copy's as placed at `dst`. */
export interface CopiedFile {
  source: BigIntStats;
  placed: BigIntStats;
}

/**
 * Renames `src` to `dst`, both taken in their pinned directories, so the
 * rename happens where the checks looked; across devices (EXDEV), a copy and then the source
 * name taken away, only while it still holds the file as it was copied (source-name.ts: the same
 * inode, size and mtime). A source replaced or written to during the copy is kept, the copy stays
 * at `dst`: `Conflict`. With `durable`, both directories are fsynced (the new name first,
 * so a crash never loses the object). `steps.onProgress` gets the file's size once
 * (`{ bytes: size, total: size }`), just before the rename: a listener that throws, or aborts
 * `steps.signal`, leaves both names as they were. With `confine` (confinement.ts) each directory
 * pinned must really lie inside its side's directory (`dst`'s, and each one made for it, before it
 * is made), and with `confine.source` the file is never renamed by its name: it is hard-linked in
 * beside `dst` and renamed over it only when what was linked is a regular file (relink.ts), so a
 * symbolic link at `src`, even one swapped in during the call, is refused with nothing changed.
 * `dst`'s directory, removed by another call (it was empty) before the file is renamed (or linked)
 * into it, is made again and the move done there, up to 4 times (remade-dir.ts); an
 * `ObjectNotExist` is the source's only where the source name is gone.
 * @throws StorageError `ObjectNotExist` (the source is gone; also the source name gone after the copy: the copy kept),
 *   `ObjectModeInvalid` (a directory at `dst`), `InvalidArgument` (also outside `confine`), `Conflict` (the source changed
 *   during a copy; retryable: `dst`'s directory removed each time it was made, the source kept),
 *   `Aborted`, what `onProgress` throws, mapped fs errors.
 */
export async function moveInside(paths: FsPaths, src: string, dst: string, steps: CopySteps = {}, durable = false, confine: Confinement = {}): Promise<void> {
  await inMoveFrame(paths, src, dst, steps, confine, async ({ from, name, to, dstName, srcEntry, dstEntry }) => {
    // The entries themselves: a link at `dst` that leads to `src` is another entry, which the
    // rename replaces (following it here took the source for a hard link of itself and deleted it).
    if (await sameFile(srcEntry, dstEntry, lstat)) {
      // One file under both names. The same entry seen through two mounts (a bind mount): nothing
      // to do, as rename(2) of a name onto itself. Two hard links: the source name goes, as mv(1)
      // does (rename(2) would leave both).
      if (name !== dstName || !(await sameFile(from.self, to.self))) {
        await unlink(srcEntry).catch((err: unknown) => Promise.reject(fsError(err)));
        if (durable) await syncDir(from);
      }
      return;
    }
    if (!(await renameOrRelink(from, to, name, dstName, confine.source, durable))) {
      // Another filesystem (or, relinking, no hard link there): the size was reported before, the copy reports nothing more.
      const copied = await copyInside(paths, src, dst, { signal: steps.signal }, durable, true, false, confine);
      // The source name goes only while it holds the file as it was copied (source-name.ts).
      if (!(await takeSourceName(from, name, asCopied(copied.source)))) throw sourceChanged();
    }
    if (durable) {
      await syncDir(to, dstName);
      if (posix.dirname(src) !== posix.dirname(dst)) await syncDir(from);
    }
  });
}

/**
 * Renames entry `name` of pinned `from` to `dstName` of pinned `to`; with `source` (a move's
 * `sourceWithin`) relinks it instead (relink.ts). False where the file must be copied instead
 * (EXDEV; relinking: no hard link there either).
 * @throws StorageError `ObjectModeInvalid` (a directory at the destination), `InvalidArgument` (relinking: not a regular file), mapped fs errors.
 */
async function renameOrRelink(from: DirPin, to: DirPin, name: string, dstName: string, source: Within | undefined, durable: boolean): Promise<boolean> {
  if (source !== undefined) return relinkFile(from, name, to, dstName, source, durable);
  try {
    await rename(from.at(name), to.at(dstName));
    return true;
  } catch (e) {
    if (isErrno(e, "EXDEV")) return false;
    throw isErrno(e, "EISDIR") ? storageError(ErrorCode.ObjectModeInvalid, "a directory exists at the destination") : fsError(e);
  }
}

/** Whether two paths name one file or directory (device and inode; `lstat` compares links themselves); false when either is missing. */
async function sameFile(a: string, b: string, look: typeof stat = stat): Promise<boolean> {
  const [x, y] = await Promise.all([look(a).catch(() => undefined), look(b).catch(() => undefined)]);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}
