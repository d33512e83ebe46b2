import { closeSync, constants, fstat, type BigIntStats } from "node:fs";
import { lstat, open, stat, type FileHandle } from "node:fs/promises";
import { ErrorCode, storageError, type StorageError } from "@stowage/core";
import { whenDescriptorsFree } from "./descriptor-wait.js";
import { O_PATH, openFd, pathDescriptorsWork } from "./pinned-dir.js";

// Opening a file the driver means to read, copy or append to: only a regular file is ever opened.
// open(2) of anything else has effects of its own before any type check could refuse it: a fifo's
// writer blocked in its own open is released (and gets SIGPIPE when the reader closes at once), a
// device's driver runs its open (a tape rewinds, a serial line raises DTR), a socket answers ENXIO.

/** A regular file {@link openRegular} opened, and its stats as it was looked at (before the open, the same inode). */
export interface OpenedFile {
  handle: FileHandle;
  st: BigIntStats;
}

/**
 * Opens the regular file at `path` with `flags` (numeric; `O_NOFOLLOW` is added with `noFollow`),
 * never opening anything else. On Linux `path` is first opened with `O_PATH` (pinned-dir.ts), which
 * names the file without opening it; `check` runs on that descriptor (the caller's confinement
 * check: what it really is, FsPaths.checkOpened), fstat says what it is, and only a regular file
 * is then opened, through `/proc/self/fd/<fd>`: the very inode checked and looked at. Elsewhere
 * (no /proc) the path is stat'ed first (lstat with `noFollow`), then opened, then `check` runs on
 * the opened file and fstat looks again: a swap between the look and the open is caught only by
 * that second look, after the open. Resolves with the handle and the stats looked at (callers need
 * not fstat again).
 * @throws StorageError `ObjectModeInvalid` (not a regular file: a directory, fifo, socket or device),
 *   what `check` throws; raw fs errors of open or stat (ENOENT, ENOTDIR, EACCES; ELOOP: with
 *   `noFollow`, a symbolic link at `path`, as `O_NOFOLLOW` answers, or a loop of links).
 */
export async function openRegular(path: string, flags: number, noFollow: boolean, check: (fd: number) => Promise<void>): Promise<OpenedFile> {
  const follow = noFollow ? constants.O_NOFOLLOW : 0;
  if (!pathDescriptorsWork()) return openLookedAt(path, flags | follow, noFollow, check);
  const fd = await openFd(path, O_PATH | follow);
  try {
    await check(fd);
    const st = await fstatOf(fd);
    if (noFollow && st.isSymbolicLink()) throw symlinkRefused();
    if (!st.isFile()) throw notRegular(st);
    // A magic link to the inode itself: O_NOFOLLOW here would refuse the /proc link, never the file.
    return { handle: await whenDescriptorsFree(() => open(`/proc/self/fd/${fd}`, flags)), st };
  } finally {
    closeSync(fd);
  }
}

/** {@link openRegular} without /proc: a look, the open, the check and a second look at what was opened. */
async function openLookedAt(path: string, flags: number, noFollow: boolean, check: (fd: number) => Promise<void>): Promise<OpenedFile> {
  const first = await (noFollow ? lstat : stat)(path, { bigint: true });
  if (noFollow && first.isSymbolicLink()) throw symlinkRefused();
  if (!first.isFile()) throw notRegular(first);
  const handle = await whenDescriptorsFree(() => open(path, flags | constants.O_NONBLOCK));
  try {
    await check(handle.fd);
    const st = await handle.stat({ bigint: true });
    if (!st.isFile()) throw notRegular(st);
    return { handle, st };
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw e;
  }
}

/** fstat of a descriptor (an `O_PATH` one too), as bigint stats. */
function fstatOf(fd: number): Promise<BigIntStats> {
  return new Promise((resolve, reject) => fstat(fd, { bigint: true }, (error, st) => (error ? reject(error) : resolve(st))));
}

/** What kind of entry `st` describes, for messages. @throws nothing. */
export function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSymbolicLink(): boolean }): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a fifo";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSymbolicLink()) return "a symbolic link";
  return "no regular file";
}

/** The `ObjectModeInvalid` of an entry that is no regular file (never opened). @throws nothing. */
export function notRegular(st: BigIntStats): StorageError {
  return storageError(ErrorCode.ObjectModeInvalid, `this path is not a file (${kindOf(st)})`);
}

/** The error `O_NOFOLLOW` gives for a symbolic link, for `O_PATH`, which opens the link itself instead. */
function symlinkRefused(): Error {
  return Object.assign(new Error("ELOOP: a symbolic link, not followed"), { code: "ELOOP", errno: -40, syscall: "open" });
}
