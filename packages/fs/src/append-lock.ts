import { abortableSleep, ErrorCode, storageError, throwIfAborted, type StorageError } from "@stowage/core";
import { holdLock, type HeldLock } from "./held-lock.js";
import { createLock, inspectLock, lockInTheWay } from "./lock-file.js";
import { describeOwner, isLockFile, staleness, type LockSeen } from "./lock-owner.js";
import { APPEND_LOCK_TIMING, type LockTiming } from "./lock-timing.js";
import type { DirPin } from "./pinned-dir.js";
import { lockName } from "./reserved-names.js";
import { breakStale } from "./stale-lock.js";

// Appends to one file from several processes, serialised by a lock file in the file's directory.
// Node has no flock/fcntl locks, so the lock is a file created with O_CREAT|O_EXCL (atomic on
// local filesystems and on NFSv3+; lock-file.ts): whoever creates it holds the lock, removing it
// lets go. The holder writes who it is into it (lock-owner.ts) and refreshes its mtime while it
// holds it (held-lock.ts), so a lock whose holder died is known as stale and removed, under a
// second lock of the same kind (the guard, stale-lock.ts), so that two processes removing one
// stale lock never remove a fresh one in its place.

/** Longest pause between two tries to take a lock another process holds (ms); the first is 1 ms, doubling. */
const MAX_PAUSE_MS = 50;

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
    const created = await createLock(path, name, hooks.describe);
    if (created !== undefined) return holdLock(created, path, name, timing);
    const seen = await inspectLock(path, name);
    if (seen === undefined) continue; // let go of meanwhile: try again at once
    last = seen;
    if (!isLockFile(seen, timing.staleMs)) {
      if (Date.now() - seen.mtimeMs > timing.staleMs) throw lockInTheWay(name);
    } else if (staleness(seen, timing.staleMs) !== undefined && (await breakStale(dir, name, timing.staleMs, hooks.recover))) continue;
    const left = deadline - Date.now();
    if (left > 0) await abortableSleep(Math.min(pause, left), signal);
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
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
