import type { FileHandle } from "node:fs/promises";
import { lutimes } from "node:fs/promises";
import { isErrno } from "./errors.js";

// The modification time a write through this driver gives the file it made. The kernel stamps a
// file with a coarse clock (one tick: a few milliseconds), so two versions written within one tick
// carry the same mtime, and on ext4 a version two writes later often takes the inode number freed
// by the one before it (two inode numbers taking turns, measured): mtime, size and inode, the ETag (objects.ts), would then not tell
// them apart. Each write sets the time itself instead: now, plus a random number of microseconds
// below one millisecond (so two processes writing in the same millisecond most likely differ too),
// and in this process always above the one before.

/** The last time handed out, in whole microseconds since the epoch. */
let last = 0;

/**
 * The modification time for a file version written now, in seconds since the epoch (what
 * `utimes` takes; Node sets it to the microsecond): the current time plus a random number of
 * microseconds below one millisecond, and above the last one this process handed out when that
 * is less than a millisecond away (a clock set back further is followed, not run ahead of).
 * @throws nothing.
 */
export function nextWriteTime(): number {
  let micros = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  if (micros <= last && last - micros < 1000) micros = last + 1;
  last = micros;
  // Half a microsecond more: the double rounds either way, and Node cuts the time down to whole microseconds.
  return (micros + 0.5) / 1e6;
}

/**
 * A time in nanoseconds (a stat's `mtimeNs`) as the seconds `utimes` takes, to the microsecond
 * Node sets: whole microseconds plus half of one, as {@link nextWriteTime} gives them
 * (`Number(ns) / 1e9` set 53 of 400 random times 1 µs early). Exact for times up to about the year
 * 2112; later ones, whose seconds as a double keep less than half a microsecond, may land 1 µs early.
 * @throws nothing.
 */
export function utimeSeconds(ns: bigint): number {
  return (Number(ns / 1000n) + 0.5) / 1e6;
}

/** Errors of a stamp that is not possible here (a file of another owner, a filesystem without it): the kernel's time stays. */
const CANNOT_STAMP = ["EPERM", "EACCES", "ENOSYS", "ENOTSUP", "EOPNOTSUPP", "EINVAL"];

/**
 * Stamps the entry `path` itself (a symlink is not followed) with {@link nextWriteTime}, as its
 * modification and access time. A filesystem or owner that refuses it leaves the kernel's times.
 * @throws raw fs errors other than those (callers map them).
 */
export async function stampWriteTime(path: string): Promise<void> {
  const time = nextWriteTime();
  await lutimes(path, time, time).catch((e: unknown) => (isErrno(e, ...CANNOT_STAMP) ? undefined : Promise.reject(e)));
}

/**
 * Stamps the file `handle` has open with {@link nextWriteTime} as its modification time, keeping
 * `atime` (seconds since the epoch) as its access time: for a file written in place (an append).
 * A filesystem or owner that refuses it (a file of another user, writable but not ours) leaves the kernel's times.
 * @throws raw fs errors other than those (callers map them).
 */
export async function stampOpenFile(handle: FileHandle, atime: number): Promise<void> {
  await handle.utimes(atime, nextWriteTime()).catch((e: unknown) => (isErrno(e, ...CANNOT_STAMP) ? undefined : Promise.reject(e)));
}

/**
 * Stamps the new file `handle` has open (a temp file the driver wrote, atomic.ts) with
 * {@link nextWriteTime} as its modification and access time, through the descriptor. A
 * filesystem that refuses it leaves the kernel's times.
 * @throws raw fs errors other than those (callers map them).
 */
export async function stampNewFile(handle: FileHandle): Promise<void> {
  const time = nextWriteTime();
  await handle.utimes(time, time).catch((e: unknown) => (isErrno(e, ...CANNOT_STAMP) ? undefined : Promise.reject(e)));
}
