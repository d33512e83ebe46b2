import { constants } from "node:fs";
import { open, unlink, type FileHandle } from "node:fs/promises";
import { ErrorCode, storageError, type StorageError } from "@stowage/core";
import { whenDescriptorsFree } from "./descriptor-wait.js";
import { fsError, isErrno } from "./errors.js";
import { isLockFile, ownerText, type LockSeen } from "./lock-owner.js";
import { APPEND_LOCK_TIMING } from "./lock-timing.js";
import type { DirPin } from "./pinned-dir.js";

// One append lock file (or its guard) as a file: made with O_CREAT|O_EXCL and this process's name
// written into it (append-lock.ts takes it), and read back, never followed, by whoever looks at it.

/** Bytes of a lock file read to learn who holds it. */
const OWNER_BYTES = 1024;

/** A lock file this process just created, and the write of its owner's name into it (not waited for). */
export interface CreatedLock {
  /** The lock file, open for writing. */
  handle: FileHandle;
  /** The write of its owner's text (failures ignored: the lock then names nobody). */
  named: Promise<unknown>;
  /** The length of the text written into it. */
  length: number;
}

/**
 * Creates the lock file `path` (named `name`, for errors) and starts writing this process's name
 * into it; undefined when it exists. The write is not waited for here (it overlaps the append):
 * until it lands, the lock names nobody, and is stale by age only. With `describe`, its fields go
 * into the text too, and the text is written before this resolves (a `describe` that throws: the
 * file is removed).
 * @throws StorageError `PermissionDenied` (the directory refuses new files), mapped fs errors; what `describe` throws.
 */
export async function createLock(path: string, name: string, describe?: () => Promise<Record<string, unknown>>): Promise<CreatedLock | undefined> {
  let handle: FileHandle;
  try {
    handle = await whenDescriptorsFree(() => open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644));
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

/** `text` padded with spaces to at least `length` bytes (JSON.parse allows trailing whitespace). @throws nothing. */
export function padded(text: string, length: number): Buffer {
  const bytes = Buffer.from(text);
  return bytes.length >= length ? bytes : Buffer.concat([bytes, Buffer.alloc(length - bytes.length, " ")]);
}

/**
 * The lock file `path` (named `name`, for errors) as it is now, or undefined when there is none.
 * Opened, never followed (O_NOFOLLOW, O_NONBLOCK), its first 1,024 bytes read.
 * @throws StorageError `Conflict` (a link or no regular file in its place: {@link lockInTheWay}), mapped fs errors.
 */
export async function inspectLock(path: string, name: string): Promise<LockSeen | undefined> {
  let handle: FileHandle;
  try {
    // Opened, not just stat'ed: on NFS an open fetches the file's attributes afresh (close-to-open).
    handle = await whenDescriptorsFree(() => open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK));
  } catch (e) {
    if (isErrno(e, "ENOENT")) return undefined;
    if (isErrno(e, "ELOOP")) throw lockInTheWay(name);
    throw fsError(e);
  }
  try {
    const st = await handle.stat({ bigint: true });
    if (!st.isFile()) throw lockInTheWay(name);
    const buffer = Buffer.alloc(OWNER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, OWNER_BYTES, 0);
    return { ino: st.ino, mtimeMs: Number(st.mtimeNs / 1_000_000n), text: buffer.toString("utf8", 0, bytesRead) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The lock file at `path` as it is now, for a reader (committed.ts); undefined when there is none,
 * or it cannot be read, or it is no regular file.
 * @throws nothing.
 */
export async function peekLock(path: string): Promise<LockSeen | undefined> {
  return inspectLock(path, "").catch(() => undefined);
}

/**
 * Whether the regular file `name` of `dir`, named as an append lock or its guard, is one
 * (lock-owner.ts isLockFile with the stale bound of {@link APPEND_LOCK_TIMING}), for listings:
 * "gone" when there is none by now. A file that cannot be read counts as not a lock (reported,
 * never removed).
 * @throws nothing.
 */
export async function lockEntry(dir: DirPin, name: string): Promise<"lock" | "other" | "gone"> {
  try {
    const seen = await inspectLock(dir.at(name), name);
    if (seen === undefined) return "gone";
    return isLockFile(seen, APPEND_LOCK_TIMING.staleMs) ? "lock" : "other";
  } catch {
    return "other";
  }
}

/** The Conflict of an entry the driver did not make where the lock file (or guard) `name` goes. @throws nothing. */
export function lockInTheWay(name: string): StorageError {
  return storageError(ErrorCode.Conflict, `an entry the fs driver did not make, ${name}, is in the way of this file's append lock: remove it to append`);
}
