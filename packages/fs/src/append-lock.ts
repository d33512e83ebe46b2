import { constants } from "node:fs";
import { lstat, open, unlink, type FileHandle } from "node:fs/promises";
import { abortableSleep, ErrorCode, storageError, throwIfAborted, type StorageError } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";
import { describeOwner, isLockFile, ownerText, staleness, type LockSeen } from "./lock-owner.js";
import type { DirPin } from "./pinned-dir.js";
import { isLockGuardName, lockGuardName, lockName } from "./reserved-names.js";

// Appends to one file from several processes, serialised by a lock file in the file's directory.
// Node has no flock/fcntl locks, so the lock is a file created with O_CREAT|O_EXCL (atomic on
// local filesystems and on NFSv3+): whoever creates it holds the lock, removing it lets go. The
// holder writes who it is into it (lock-owner.ts) and refreshes its mtime while it holds it, so a
// lock whose holder died is known as stale and removed, under a second lock of the same kind (the
// guard), so that two processes removing one stale lock never remove a fresh one in its place.

/** How long appends wait for a lock, when a lock counts as stale, how often a holder refreshes its own (ms). */
export interface LockTiming {
  /** How long to wait for a lock another process holds before giving up (`Conflict`). */
  waitMs: number;
  /** A lock not refreshed for longer than this is stale (lock-owner.ts staleness). */
  staleMs: number;
  /** How often a holder refreshes its lock's mtime. */
  refreshMs: number;
}

/** The timing appends use: wait up to 10 s; stale after 30 s without a refresh; refreshed every 5 s. */
export const APPEND_LOCK_TIMING: Readonly<LockTiming> = { waitMs: 10_000, staleMs: 30_000, refreshMs: 5_000 };

/** Longest pause between two tries to take a lock another process holds (ms); the first is 1 ms, doubling. */
const MAX_PAUSE_MS = 50;

/** Bytes of a lock file read to learn who holds it. */
const OWNER_BYTES = 1024;

/** What an append does while it takes a file's lock (append.ts). */
export interface LockHooks {
  /**
   * Called, under the guard, with a stale lock about to be removed (its holder gone), before it is
   * removed; what it throws stops the taking (the lock is left). An append notes here what a
   * holder that died mid-append had committed (committed.ts), to cut its torn tail back off once
   * it holds the lock and its offset is checked (append.ts).
   */
  recover?: (seen: LockSeen) => Promise<void>;
  /**
   * Called once the lock file is made, before its holder's name is written into it: fields to
   * write with the name (an append's committed state, committed.ts). The text is then written,
   * and waited for, before the lock is handed out. What it throws lets go of the lock and is thrown.
   */
  describe?: () => Promise<Record<string, unknown>>;
}

/** A lock this process holds; let go of it with {@link HeldLock.release}. */
export interface HeldLock {
  /** The lock file's name (reserved-names.ts lockName). */
  readonly name: string;
  /** Whether the lock file in its place is still this one (not removed as stale, nor replaced). @throws nothing. */
  stillHeld(): Promise<boolean>;
  /**
   * Writes the lock's text again, naming this process with the fields of `extra` (an append's
   * committed state, once its bytes are written: committed.ts), in one write, padded with spaces
   * to at least the length of the text before (JSON allows them), so no text of another length
   * is ever seen.
   * @throws StorageError mapped fs errors (the lock's text is then in doubt).
   */
  record(extra: Record<string, unknown>): Promise<void>;
  /**
   * Makes {@link HeldLock.release} put the stale lock `seen` back (its text and mtime) instead of
   * removing the lock file: an append refused without cutting a dead holder's torn tail keeps that
   * holder's record of what was committed, so readers go on hiding the tail. @throws nothing.
   */
  restoreOnRelease(seen: LockSeen): void;
  /** Stops refreshing the lock, removes its file (if it is still this process's), closes it. @throws nothing. */
  release(): Promise<void>;
}

/**
 * Runs `fn` while holding the append lock of the file whose inode number is `ino`, in `dir` (the
 * pinned directory the file lies in), then lets go of it, whatever `fn` did.
 * @throws StorageError as {@link acquireAppendLock}, and whatever `fn` throws.
 */
export async function withAppendLock<T>(
  dir: DirPin,
  ino: bigint,
  signal: AbortSignal | undefined,
  fn: (lock: HeldLock) => Promise<T>,
  timing: LockTiming = APPEND_LOCK_TIMING,
  hooks: LockHooks = {},
): Promise<T> {
  const lock = await acquireAppendLock(dir, ino, signal, timing, hooks);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}

/**
 * Takes the append lock of the file whose inode number is `ino`: creates the file
 * `.stowage-lock-<ino in hex>` in `dir` (the pinned directory the file lies in) with O_EXCL and
 * writes this process's name into it (lock-owner.ts). While another process holds it, tries
 * again after a pause (1 ms, doubling up to 50 ms) for up to `timing.waitMs`; a stale lock (its
 * holder gone, lock-owner.ts staleness) is removed, under its guard, and taken. A file in its
 * place (or its guard's) that is not a lock (lock-owner.ts isLockFile) is a user's: waited for
 * while it was modified within the stale bound (it may be a lock being written), then `Conflict`,
 * never removed. An abort while waiting stops at once; nothing of this call is left behind.
 * `hooks` (an append's) see a stale lock before it is removed and add to the lock's text.
 * @throws StorageError `Conflict` (retryable: another process held the lock all along; not
 *   retryable: an entry the driver did not make is in its way), `Aborted`, `PermissionDenied`
 *   (the directory refuses new files), mapped fs errors; what `hooks` throw.
 */
export async function acquireAppendLock(dir: DirPin, ino: bigint, signal?: AbortSignal, timing: LockTiming = APPEND_LOCK_TIMING, hooks: LockHooks = {}): Promise<HeldLock> {
  const name = lockName(ino);
  const path = dir.at(name);
  const deadline = Date.now() + timing.waitMs;
  let pause = 1;
  let last: LockSeen | undefined;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal);
    if (attempt > 0 && Date.now() > deadline) throw busy(name, last, timing.waitMs);
    const created = await create(path, name, hooks.describe);
    if (created !== undefined) return hold(created, path, name, timing);
    const seen = await inspect(path, name);
    if (seen === undefined) continue; // let go of meanwhile: try again at once
    last = seen;
    if (!isLockFile(seen, timing.staleMs)) {
      if (Date.now() - seen.mtimeMs > timing.staleMs) throw inTheWay(name);
    } else if (staleness(seen, timing.staleMs) !== undefined && (await breakStale(dir, name, timing.staleMs, hooks.recover))) continue;
    const left = deadline - Date.now();
    if (left > 0) await abortableSleep(Math.min(pause, left), signal);
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
}

/**
 * Removes the append lock (or guard) `name` of `dir` when it is stale (its holder gone,
 * lock-owner.ts staleness with {@link APPEND_LOCK_TIMING}), as an append waiting for it would;
 * for deleteDir, so a lock left by a process that died never keeps a directory. A file under that
 * name that is not a lock (lock-owner.ts isLockFile: a user's) is never removed. Resolves with
 * whether it is gone.
 * @throws nothing.
 */
export async function removeStaleLock(dir: DirPin, name: string): Promise<boolean> {
  const path = dir.at(name);
  const seen = await inspect(path, name).catch(() => undefined);
  if (seen === undefined || !isLockFile(seen, APPEND_LOCK_TIMING.staleMs) || staleness(seen, APPEND_LOCK_TIMING.staleMs) === undefined) return false;
  if (isLockGuardName(name)) return unlink(path).then(() => true, () => false);
  return breakStale(dir, name, APPEND_LOCK_TIMING.staleMs).catch(() => false);
}

/**
 * Whether the regular file `name` of `dir`, named as an append lock or its guard, is one
 * (lock-owner.ts isLockFile with {@link APPEND_LOCK_TIMING}), for listings: "gone" when there is
 * none by now. A file that cannot be read counts as not a lock (reported, never removed).
 * @throws nothing.
 */
export async function lockEntry(dir: DirPin, name: string): Promise<"lock" | "other" | "gone"> {
  try {
    const seen = await inspect(dir.at(name), name);
    if (seen === undefined) return "gone";
    return isLockFile(seen, APPEND_LOCK_TIMING.staleMs) ? "lock" : "other";
  } catch {
    return "other";
  }
}

/** A lock file this process just created, and the write of its owner's name into it (not waited for). */
interface Created {
  handle: FileHandle;
  named: Promise<unknown>;
  /** The length of the text written into it. */
  length: number;
}

/**
 * Creates the lock file `path` and starts writing this process's name into it; undefined when it
 * exists. The write is not waited for here (it overlaps the append): until it lands, the lock
 * names nobody, and is stale by age only. With `describe`, its fields go into the text too, and
 * the text is written before this resolves (a `describe` that throws: the file is removed).
 */
async function create(path: string, name: string, describe?: () => Promise<Record<string, unknown>>): Promise<Created | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (e) {
    if (isErrno(e, "EEXIST")) return undefined;
    if (isErrno(e, "EACCES", "EPERM", "EROFS")) {
      throw storageError(ErrorCode.PermissionDenied, `cannot create the append lock ${name} in the file's directory: appending needs write access to the directory`, { cause: e });
    }
    throw fsError(e);
  }
  let extra: Record<string, unknown> = {};
  if (describe !== undefined) {
    try {
      extra = await describe();
    } catch (e) {
      await Promise.all([unlink(path).catch(() => undefined), handle.close().catch(() => undefined)]);
      throw e;
    }
  }
  const text = Buffer.from(ownerText(extra));
  // A failed write leaves the lock naming nobody: it still holds, and is stale by age only.
  const named = handle.write(text, 0, text.length, 0).catch(() => undefined);
  if (describe !== undefined) await named;
  return { handle, named, length: text.length };
}

/** `text` padded with spaces to at least `length` bytes (JSON.parse allows trailing whitespace). */
function padded(text: string, length: number): Buffer {
  const bytes = Buffer.from(text);
  return bytes.length >= length ? bytes : Buffer.concat([bytes, Buffer.alloc(length - bytes.length, " ")]);
}

/**
 * The lock file at `path` as it is now, for a reader (committed.ts); undefined when there is none,
 * or it cannot be read, or it is no regular file.
 * @throws nothing.
 */
export async function peekLock(path: string): Promise<LockSeen | undefined> {
  return inspect(path, "").catch(() => undefined);
}

/** The lock file `path` as it is now, or undefined when there is none. */
async function inspect(path: string, name: string): Promise<LockSeen | undefined> {
  let handle: FileHandle;
  try {
    // Opened, not just stat'ed: on NFS an open fetches the file's attributes afresh (close-to-open).
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (isErrno(e, "ENOENT")) return undefined;
    if (isErrno(e, "ELOOP")) throw inTheWay(name);
    throw fsError(e);
  }
  try {
    const st = await handle.stat({ bigint: true });
    if (!st.isFile()) throw inTheWay(name);
    const buffer = Buffer.alloc(OWNER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, OWNER_BYTES, 0);
    return { ino: st.ino, mtimeMs: Number(st.mtimeNs / 1_000_000n), text: buffer.toString("utf8", 0, bytesRead) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Removes the stale lock `name` of `dir`, holding its guard (reserved-names.ts lockGuardName,
 * taken the same way) meanwhile, and checking again under it that the lock there is stale: of
 * two processes that found one stale lock, the second cannot remove the lock the first took
 * next. A guard whose holder died (between taking it and letting go: a few system calls) is
 * stale too, and removed without a guard of its own. A guard or lock that is not a lock file
 * (lock-owner.ts isLockFile: a user's) is never removed: a guard like that, older than the stale
 * bound, is `Conflict`. `recover` sees the stale lock first, under the guard. Resolves with whether the lock is gone.
 */
async function breakStale(dir: DirPin, name: string, staleMs: number, recover?: (seen: LockSeen) => Promise<void>): Promise<boolean> {
  const guardName = lockGuardName(name);
  const guardPath = dir.at(guardName);
  const guard = await create(guardPath, guardName);
  if (guard === undefined) {
    const seen = await inspect(guardPath, guardName).catch(() => undefined);
    if (seen === undefined) return false;
    if (!isLockFile(seen, staleMs)) {
      if (Date.now() - seen.mtimeMs > staleMs) throw inTheWay(guardName);
      return false;
    }
    if (staleness(seen, staleMs) !== undefined) await unlink(guardPath).catch(() => undefined);
    return false;
  }
  try {
    const path = dir.at(name);
    const again = await inspect(path, name);
    if (again !== undefined && (!isLockFile(again, staleMs) || staleness(again, staleMs) === undefined)) return false;
    if (again !== undefined && recover !== undefined) await recover(again);
    await unlink(path).catch((e: unknown) => (isErrno(e, "ENOENT") ? undefined : Promise.reject(fsError(e))));
    return true;
  } finally {
    await guard.named;
    await Promise.all([unlink(guardPath).catch(() => undefined), guard.handle.close().catch(() => undefined)]);
  }
}

/**
 * Holds the lock file just created: refreshes its mtime every `timing.refreshMs` until released.
 * Released, it is removed, unless it was seen taken over, or held so long (half the stale bound)
 * that another process may have taken it for stale and made its own in its place: then only if
 * it is still this one.
 */
function hold(created: Created, path: string, name: string, timing: LockTiming): HeldLock {
  const { handle, named } = created;
  let length = created.length;
  // A stale lock to put back in place of this one when released (HeldLock.restoreOnRelease).
  let restore: LockSeen | undefined;
  const since = Date.now();
  const timer = setInterval(() => {
    const now = new Date();
    handle.utimes(now, now).catch(() => undefined);
  }, timing.refreshMs);
  timer.unref();
  let released = false;
  // Seen taken over (HeldLock.stillHeld): the lock file there is another's, never removed.
  let lost = false;
  return {
    name,
    async stillHeld(): Promise<boolean> {
      if (released || lost) return false;
      lost = !(await stillOurs(handle, path));
      return !lost;
    },
    async record(extra: Record<string, unknown>): Promise<void> {
      await named;
      const text = padded(ownerText(extra), length);
      try {
        await handle.write(text, 0, text.length, 0);
      } catch (e) {
        throw fsError(e);
      }
      length = text.length;
    },
    restoreOnRelease(seen: LockSeen): void {
      restore = seen;
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      clearInterval(timer);
      await named;
      if (!lost && (Date.now() - since < timing.staleMs / 2 || (await stillOurs(handle, path)))) {
        if (restore !== undefined && (await putBack(handle, restore, length))) return;
        await Promise.all([unlink(path).catch(() => undefined), handle.close().catch(() => undefined)]);
      } else {
        await handle.close().catch(() => undefined);
      }
    },
  };
}

/**
 * Writes the stale lock `seen`'s text (padded to `length`) and mtime into the lock file `handle`
 * has open, and closes it; false (nothing closed) when that failed: the lock is then removed.
 */
async function putBack(handle: FileHandle, seen: LockSeen, length: number): Promise<boolean> {
  try {
    const text = padded(seen.text, length);
    await handle.write(text, 0, text.length, 0);
    const mtime = new Date(seen.mtimeMs);
    await handle.utimes(mtime, mtime);
  } catch {
    return false;
  }
  await handle.close().catch(() => undefined);
  return true;
}

/** True when the lock file at `path` is still the one `handle` has open. */
async function stillOurs(handle: FileHandle, path: string): Promise<boolean> {
  const [own, there] = await Promise.all([handle.stat({ bigint: true }).catch(() => undefined), lstat(path, { bigint: true }).catch(() => undefined)]);
  return own !== undefined && there !== undefined && own.ino === there.ino && own.dev === there.dev;
}

/** The Conflict of an append that could not take the lock in time. */
function busy(name: string, seen: LockSeen | undefined, waitMs: number): StorageError {
  const who = seen === undefined ? "" : ` (${describeOwner(seen)})`;
  return storageError(
    ErrorCode.Conflict,
    `another append to this file held its lock ${name}${who} for more than ${waitMs / 1000} s; nothing was appended: try again`,
    { retryable: true },
  );
}

/** The Conflict of an entry the driver did not make where a lock file goes. */
function inTheWay(name: string): StorageError {
  return storageError(ErrorCode.Conflict, `an entry the fs driver did not make, ${name}, is in the way of this file's append lock: remove it to append`);
}
