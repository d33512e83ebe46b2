import { lstat, unlink, type FileHandle } from "node:fs/promises";
import { fsError } from "./errors.js";
import { padded, type CreatedLock } from "./lock-file.js";
import { ownerText, type LockSeen } from "./lock-owner.js";
import type { LockTiming } from "./lock-timing.js";

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
 * Holds the lock file just created (`created`, at `path`, named `name`): refreshes its mtime every
 * `timing.refreshMs` until released. Released, it is removed, unless it was seen taken over, or
 * held so long (half the stale bound) that another process may have taken it for stale and made
 * its own in its place: then only if it is still this one.
 * @throws nothing.
 */
export function holdLock(created: CreatedLock, path: string, name: string, timing: LockTiming): HeldLock {
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
