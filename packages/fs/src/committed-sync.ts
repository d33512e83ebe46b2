import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { describesFile, parseCommitted } from "./committed.js";
import { lockName } from "./reserved-names.js";

/** Bytes of a lock file read for its committed state (as lock-file.ts reads). */
const LOCK_BYTES = 1024;

/** A local file as the fs driver's readers report it (committed.ts): its size, mtime and inode. */
export interface CommittedLook {
  size: bigint;
  mtimeNs: bigint;
  ino: bigint;
}

/**
 * The local file at `path` (symlinks followed) as the fs driver's stat reports it, synchronously:
 * while an append's lock records its committed state (committed.ts describesFile), the size and
 * mtime committed; else as it is. For a caller that compares a file with what the driver said of
 * it (its ETag: mtime, size, inode) where it cannot wait (a progress listener). Undefined when
 * nothing is there, or it cannot be looked at.
 * @throws nothing.
 */
export function committedStatSync(path: string): CommittedLook | undefined {
  let st;
  let real: string;
  try {
    st = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (st === undefined) return undefined;
    real = realpathSync(path);
  } catch {
    return undefined;
  }
  const look = { size: st.size, mtimeNs: st.mtimeNs, ino: st.ino };
  const seen = readLock(join(dirname(real), lockName(st.ino)));
  const committed = seen === undefined ? undefined : parseCommitted(seen.text);
  if (committed === undefined || !describesFile(committed, st, seen!)) return look;
  return { ...look, size: committed.size, mtimeNs: committed.mtimeNs };
}

/** The lock file at `path` as read now, or undefined (none, no regular file, unreadable). */
function readLock(path: string): { ino: bigint; mtimeMs: number; text: string } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) return undefined;
    const buffer = Buffer.alloc(LOCK_BYTES);
    const bytesRead = readSync(fd, buffer, 0, LOCK_BYTES, 0);
    return { ino: st.ino, mtimeMs: Number(st.mtimeNs / 1_000_000n), text: buffer.toString("utf8", 0, bytesRead) };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
