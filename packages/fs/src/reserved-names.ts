import { randomBytes } from "node:crypto";

// The only names the fs driver makes entries under for itself. They are reserved: no key may name
// one (InvalidArgument), and listings leave them out (reporting those the driver did not make,
// reserved-entries.ts). Every other name, `.stowage-` ones included, is an ordinary key. Matched in
// either case: on a case-insensitive filesystem (macOS) `.STOWAGE-MULTIPART` is the staging directory.

/** The multipart staging directory's name (in the work_dir; below it, another store's). */
export const STAGING_NAME = ".stowage-multipart";

/** Temp file names start with this (see {@link tempName}). */
export const TEMP_PREFIX = ".stowage-tmp-";

/** How many random hex digits follow {@link TEMP_PREFIX} in a temp file's name. */
const TEMP_DIGITS = 24;

/** A temp file's name, in either case. */
const TEMP_NAME = /^\.stowage-tmp-[0-9a-f]{24}$/i;

/** Append lock file names start with this (see {@link lockName}). */
export const LOCK_PREFIX = ".stowage-lock-";

/** How many hex digits (the file's inode number) follow {@link LOCK_PREFIX} in an append lock's name. */
const LOCK_DIGITS = 16;

/** What follows an append lock's name in the name of the guard taken while a stale one is removed (see {@link lockGuardName}). */
const GUARD_SUFFIX = "-b";

/** An append lock's name or its guard's, in either case. */
const LOCK_NAME = /^\.stowage-lock-[0-9a-f]{16}(?:-b)?$/i;

/** The reserved names, as a message shows them. */
export const RESERVED_NAMES = `${STAGING_NAME}, ${TEMP_PREFIX}<${TEMP_DIGITS} hex digits> and ${LOCK_PREFIX}<${LOCK_DIGITS} hex digits>[${GUARD_SUFFIX}]`;

/** True for the name of a temp file of an atomic write ({@link tempName}: `.stowage-tmp-` and 24 hex digits), in either case. @throws nothing. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** True for a temp file's name exactly as {@link tempName} makes it (lower-case hex): the driver's own, not another case of it. @throws nothing. */
export function isOwnTempName(name: string): boolean {
  return name === name.toLowerCase() && TEMP_NAME.test(name);
}

/** True for the name of an append lock or of its guard ({@link lockName}, {@link lockGuardName}), in either case. @throws nothing. */
export function isLockName(name: string): boolean {
  return LOCK_NAME.test(name);
}

/** True for an append lock's (or its guard's) name exactly as {@link lockName} makes it (lower-case hex). @throws nothing. */
export function isOwnLockName(name: string): boolean {
  return name === name.toLowerCase() && LOCK_NAME.test(name);
}

/** True for the name of a guard ({@link lockGuardName}), not of a lock. @throws nothing. */
export function isLockGuardName(name: string): boolean {
  return name.endsWith(GUARD_SUFFIX);
}

/** True for the name of the multipart staging directory (in either case). @throws nothing. */
export function isStagingName(name: string): boolean {
  return name.length === STAGING_NAME.length && name.toLowerCase() === STAGING_NAME;
}

/**
 * True for a name the driver makes entries under itself: the multipart staging directory
 * (`STAGING_NAME`), the temp files of atomic writes (`tempName`) and the append locks
 * (`lockName`, `lockGuardName`), in any directory (a store whose work_dir lies below
 * this one's keeps its staging there). Such names are never listed and no key may name them;
 * every other name, `.stowage-` ones included, is an ordinary key.
 * @throws nothing.
 */
export function isReserved(name: string): boolean {
  return isStagingName(name) || isTempName(name) || isLockName(name);
}

/** A fresh hidden temp file name (`.stowage-tmp-` and 24 random lower-case hex digits). @throws nothing. */
export function tempName(): string {
  return `${TEMP_PREFIX}${randomBytes(TEMP_DIGITS / 2).toString("hex")}`;
}

/**
 * The name of the append lock of the file whose inode number is `ino`, made in the file's
 * directory (append-lock.ts): `.stowage-lock-` and the number in 16 lower-case hex digits. The
 * inode, not the file's name, so appends through any name of the file in that directory meet.
 * @throws nothing.
 */
export function lockName(ino: bigint): string {
  return `${LOCK_PREFIX}${BigInt.asUintN(64, ino).toString(16).padStart(LOCK_DIGITS, "0")}`;
}

/** The name of the guard taken while the stale append lock `lock` ({@link lockName}) is removed: `lock` and `-b`. @throws nothing. */
export function lockGuardName(lock: string): string {
  return lock + GUARD_SUFFIX;
}
