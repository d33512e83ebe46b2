import { unlink } from "node:fs/promises";
import { fsError, isErrno } from "./errors.js";
import { createLock, inspectLock, lockInTheWay } from "./lock-file.js";
import { isLockFile, staleness, type LockSeen } from "./lock-owner.js";
import { APPEND_LOCK_TIMING } from "./lock-timing.js";
import type { DirPin } from "./pinned-dir.js";
import { isLockGuardName, lockGuardName } from "./reserved-names.js";

// A lock whose holder is gone (lock-owner.ts staleness) is removed under a second lock of the same
// kind, its guard, so that two processes removing one stale lock never remove a fresh one that
// one of them took in its place.

/**
 * Removes the stale lock `name` of `dir`, holding its guard (reserved-names.ts lockGuardName,
 * taken the same way) meanwhile, and checking again under it that the lock there is stale: of
 * two processes that found one stale lock, the second cannot remove the lock the first took
 * next. A guard whose holder died (between taking it and letting go: a few system calls) is
 * stale too, and removed without a guard of its own. A guard or lock that is not a lock file
 * (lock-owner.ts isLockFile: a user's) is never removed: a guard like that, older than the stale
 * bound, is `Conflict`. `recover` sees the stale lock first, under the guard. Resolves with whether the lock is gone.
 * @throws StorageError `Conflict` (a user's file in the lock's or guard's place), `PermissionDenied`, mapped fs errors; what `recover` throws.
 */
export async function breakStale(dir: DirPin, name: string, staleMs: number, recover?: (seen: LockSeen) => Promise<void>): Promise<boolean> {
  const guardName = lockGuardName(name);
  const guardPath = dir.at(guardName);
  const guard = await createLock(guardPath, guardName);
  if (guard === undefined) {
    const seen = await inspectLock(guardPath, guardName).catch(() => undefined);
    if (seen === undefined) return false;
    if (!isLockFile(seen, staleMs)) {
      if (Date.now() - seen.mtimeMs > staleMs) throw lockInTheWay(guardName);
      return false;
    }
    if (staleness(seen, staleMs) !== undefined) await unlink(guardPath).catch(() => undefined);
    return false;
  }
  try {
    const path = dir.at(name);
    const again = await inspectLock(path, name);
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
 * Removes the append lock (or guard) `name` of `dir` when it is stale (its holder gone,
 * lock-owner.ts staleness with {@link APPEND_LOCK_TIMING}), as an append waiting for it would;
 * for deleteDir, so a lock left by a process that died never keeps a directory. A file under that
 * name that is not a lock (lock-owner.ts isLockFile: a user's) is never removed. Resolves with
 * whether it is gone.
 * @throws nothing.
 */
export async function removeStaleLock(dir: DirPin, name: string): Promise<boolean> {
  const path = dir.at(name);
  const seen = await inspectLock(path, name).catch(() => undefined);
  if (seen === undefined || !isLockFile(seen, APPEND_LOCK_TIMING.staleMs) || staleness(seen, APPEND_LOCK_TIMING.staleMs) === undefined) return false;
  if (isLockGuardName(name)) return unlink(path).then(() => true, () => false);
  return breakStale(dir, name, APPEND_LOCK_TIMING.staleMs).catch(() => false);
}
