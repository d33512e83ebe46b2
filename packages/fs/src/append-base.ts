import type { BigIntStats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { crc64, ErrorCode, storageError, throwIfAborted } from "@stowage/core";

/** What this process last knew of a file it appended to: its state then, and the CRC-64 of its bytes. */
interface Known {
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  crc64: bigint;
}

/** How many files {@link known} remembers; past that the oldest is forgotten (and read again if appended to). */
export const KNOWN_FILES = 1024;

/** Bytes read at a time when a file's CRC-64 must be worked out. */
const READ_CHUNK = 1024 * 1024;

/** By `dev:ino`, in the order they were last appended to. */
const known = new Map<string, Known>();

function idOf(st: BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * Checks, before an append, that the file `handle` has open (stats `st`, taken with the file's
 * append lock held) still holds the bytes the append object describes: `expected` is the object's
 * CRC-64 (DriverBody.appendBaseCrc64). A file this process appended to last, unchanged since (same
 * device, inode, size, mtime and ctime), is known to; any other (another inode: replaced by a
 * write, a move or a new append object; another process's append; times that moved: edited in
 * place) is read whole and its CRC-64 worked out. Files keep no mark of how they were made, so
 * the bytes are what tells the append object's file from another one. Resolves with the CRC-64
 * `expected` names.
 * @throws StorageError `ObjectModeInvalid` (the bytes differ: the file was replaced or edited since
 *   the append object last saw it), `InvalidArgument` (`expected` is not a decimal CRC-64),
 *   `Aborted`; what reading the file throws.
 */
export async function checkAppendBase(handle: FileHandle, st: BigIntStats, expected: string, signal?: AbortSignal): Promise<bigint> {
  const base = parseCrc64(expected);
  if (base === undefined) throw storageError(ErrorCode.InvalidArgument, "the append object's crc64 is not a decimal CRC-64");
  const was = known.get(idOf(st));
  if (was !== undefined && was.size === st.size && was.mtimeNs === st.mtimeNs && was.ctimeNs === st.ctimeNs && was.crc64 === base) return base;
  const actual = await crc64Of(handle, Number(st.size), signal);
  if (actual !== base) {
    throw storageError(
      ErrorCode.ObjectModeInvalid,
      "the file is not the append object's any more: its bytes changed since the object's last append (another write replaced it, or a program edited it); create a new append object",
    );
  }
  rememberAppend(st, actual);
  return base;
}

/**
 * The CRC-64 a decimal string names (as core sends them: DriverBody.crc64 and appendBaseCrc64;
 * surrounding spaces and leading zeros are tolerated, as by core's crc64Equal), or undefined when
 * it names none (not decimal digits, or 2^64 and over).
 * @throws nothing.
 */
export function parseCrc64(text: string): bigint | undefined {
  const t = text.trim();
  if (!/^\d{1,25}$/.test(t)) return undefined;
  const n = BigInt(t);
  return n < 1n << 64n ? n : undefined;
}

/**
 * Records that the file whose stats (taken after an append, with the lock still held) are `st`
 * holds bytes whose CRC-64 is `crc`, so the next append through this process need not read it.
 * @throws nothing.
 */
export function rememberAppend(st: BigIntStats, crc: bigint): void {
  const id = idOf(st);
  known.delete(id);
  known.set(id, { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, crc64: crc });
  if (known.size > KNOWN_FILES) known.delete(known.keys().next().value!);
}

/** Forgets what {@link rememberAppend} recorded of the file with stats `st`. @throws nothing. */
export function forgetAppend(st: BigIntStats): void {
  known.delete(idOf(st));
}

/** The CRC-64 of the first `size` bytes of `handle` (undefined when it ends sooner). */
async function crc64Of(handle: FileHandle, size: number, signal?: AbortSignal): Promise<bigint | undefined> {
  const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, size)));
  let crc = 0n;
  let position = 0;
  while (position < size) {
    throwIfAborted(signal);
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
    if (bytesRead === 0) return undefined; // shorter than its size said: cut meanwhile
    crc = crc64(buffer.subarray(0, bytesRead), crc);
    position += bytesRead;
  }
  return crc;
}
