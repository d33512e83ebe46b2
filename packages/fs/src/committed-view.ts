import { fstatSync, lstatSync, type BigIntStats } from "node:fs";
import { lstat, realpath, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";
import { describesFile, parseCommitted, type Committed } from "./committed.js";
import { fsError, isErrno } from "./errors.js";
import { notExist } from "./files.js";
import { isLocalFilesystem } from "./local-fs.js";
import { peekLock } from "./lock-file.js";
import { fdPathsWork, realPathOf, type DirPin } from "./pinned-dir.js";
import { lockName } from "./reserved-names.js";

// What readers (stat, read, copy, list) report of a file an append may be writing to: the file as
// its append's lock says it was committed (committed.ts), else stats taken twice alike around a
// look that found no lock. Every reader looks for the lock where the append takes it: in the
// directory the file really lies in (lockDirOf, FsPaths.pinPlaceOf).

/** Tries of {@link committedStats} while the file changes under it without a lock that says what is committed. */
const TRIES = 4;

/**
 * The stats a reader reports of a file (`first`, as `look` fetches them again): while an append's
 * lock in the directory `lockDir` (a path) records the file's committed state
 * (committed.ts describesFile), the file as committed (its size and mtime then, the rest as now);
 * else stats taken with no append writing: `look` is asked again, and while the file changed
 * between the two looks, again, up to {@link TRIES} times (then the last stats). An append writes
 * only while its lock records what is committed, so two equal looks around a lock seen missing
 * are stats of a committed file.
 * @throws what `look` throws.
 */
export async function committedStats(first: BigIntStats, look: () => Promise<BigIntStats>, lockDir: string): Promise<BigIntStats> {
  let st = first;
  for (let i = 0; i < TRIES; i++) {
    const seen = await peekLock(posix.join(lockDir, lockName(st.ino)));
    const committed = seen === undefined ? undefined : parseCommitted(seen.text);
    if (committed !== undefined && describesFile(committed, st, seen!)) return asCommitted(st, committed);
    const again = await look();
    if (again.ino === st.ino && again.size === st.size && again.mtimeNs === st.mtimeNs && again.ctimeNs === st.ctimeNs) return again;
    st = again;
  }
  return st;
}

/**
 * {@link committedStats} of the regular file `name` of the pinned directory `dir` (stats `st`, just
 * looked up there), for stat: its lock looked for in `dir`, and the entry looked at again in
 * `dir`. On a filesystem only this machine writes (local-fs.ts) that second look is a synchronous
 * lstat: the entry was just looked up, so the kernel answers from memory, sparing a thread-pool
 * round trip; elsewhere (NFS: a lookup may wait on the server) through the thread pool.
 * @throws StorageError `ObjectNotExist` (no regular file there any more), mapped fs errors.
 */
export async function committedEntry(dir: DirPin, name: string, st: BigIntStats): Promise<BigIntStats> {
  const at = dir.at(name);
  const local = await isLocalFilesystem(st.dev, dir.self);
  const look = async (): Promise<BigIntStats> => {
    const again = local ? lstatNow(at) : await lstat(at, { bigint: true }).catch(missing);
    if (again === undefined || !again.isFile()) throw notExist();
    return again;
  };
  return committedStats(st, look, dir.self);
}

/**
 * How {@link committedStats} looks again at the file `handle` has open (stats `st`, lying in the
 * directory `dir`, a path): on a filesystem only this machine writes (local-fs.ts) a synchronous
 * fstat, which the kernel answers from the open file's inode in memory, sparing a thread-pool
 * round trip; elsewhere (NFS: a getattr may wait on the server) through the thread pool.
 * @throws nothing (the look throws raw fs errors).
 */
export async function openFileLook(handle: FileHandle, st: BigIntStats, dir: string): Promise<() => Promise<BigIntStats>> {
  if (await isLocalFilesystem(st.dev, dir)) return async () => fstatSync(handle.fd, { bigint: true });
  return () => handle.stat({ bigint: true });
}

/**
 * The directory an append to the file `handle` has open (opened by `path`) takes its lock in
 * (append.ts: FsPaths.pinPlaceOf), as a path: where the file really lies (a file reached through
 * a symlink: where the link leads), on Linux as its handle says, elsewhere as `path` resolves now.
 * `path`'s own directory when that cannot be told.
 * @throws nothing.
 */
export async function lockDirOf(handle: FileHandle, path: string): Promise<string> {
  try {
    return posix.dirname(fdPathsWork() ? realPathOf(handle.fd) : await realpath(path));
  } catch {
    return posix.dirname(path);
  }
}

/** The stats {@link committedStats} made from a lock's record (not the file's own). */
const views = new WeakSet<BigIntStats>();

/** True for stats {@link committedStats} took from an append's lock: a file an append writes to, as it was committed. @throws nothing. */
export function isCommittedView(st: BigIntStats): boolean {
  return views.has(st);
}

/** `st` with the committed size and mtime (the same kind of object: its methods, as isFile, still answer). */
function asCommitted(st: BigIntStats, committed: Committed): BigIntStats {
  const view = Object.create(Object.getPrototypeOf(st) as object) as BigIntStats;
  views.add(view);
  const mtimeMs = committed.mtimeNs / 1_000_000n;
  return Object.assign(view, st, { size: committed.size, mtimeNs: committed.mtimeNs, mtimeMs, mtime: new Date(Number(mtimeMs)) });
}

/** The entry at `path` (not followed) now, synchronously; undefined when there is none. @throws StorageError mapped fs errors. */
function lstatNow(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch (e) {
    return missing(e);
  }
}

/** Undefined for an entry that is not there (ENOENT, ENOTDIR); any other fs error mapped and thrown. */
function missing(e: unknown): undefined {
  if (isErrno(e, "ENOENT", "ENOTDIR")) return undefined;
  throw fsError(e);
}
