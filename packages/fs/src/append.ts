import { constants, type BigIntStats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { crc64Combine, ErrorCode, storageError, type DriverBody, type RawObject } from "@stowage/core";
import { checkAppendBase, forgetAppend, parseCrc64, rememberAppend } from "./append-base.js";
import { withAppendLock } from "./append-lock.js";
import { replaceAtomically } from "./atomic.js";
import { writeBody } from "./body.js";
import { committedFields, committedOf, isDeadTail, parseCommitted, type Committed } from "./committed.js";
import { fsError } from "./errors.js";
import type { HeldLock } from "./held-lock.js";
import { isLocalFilesystem } from "./local-fs.js";
import { withFileLock } from "./file-lock.js";
import type { LockSeen } from "./lock-owner.js";
import { APPEND_LOCK_TIMING } from "./lock-timing.js";
import { dateOf, etagOf } from "./objects.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";
import { stampOpenFile, utimeSeconds } from "./write-time.js";

/**
 * Creates `path` empty, or truncates it, atomically (and durably with `durable`); returns the append object.
 * @throws StorageError `ObjectModeInvalid`, `Aborted`, mapped fs errors.
 */
export async function createAppendFile(paths: FsPaths, key: string, path: string, signal?: AbortSignal, durable = false): Promise<RawObject> {
  // The stats of the file made, taken before its rename (as `write` reports): not of whatever another write put there since.
  const st = await replaceAtomically(paths, path, { fill: async () => undefined }, signal, durable);
  return { key, mode: "append", appendOffset: 0, size: 0, etag: etagOf(st), lastModified: dateOf(st) };
}

/**
 * Appends `body` to `path` at `offset`, which must be the file's size (the file
 * opened is checked to lie inside the work_dir of `paths`). With
 * `body.appendBaseCrc64` (core sends the append object's CRC-64), the file must
 * also still hold the bytes the append object describes (append-base.ts), so an
 * append never goes onto a file that replaced the object. A
 * failed or aborted append is cut back off, leaving the file as it was. With
 * `durable`, the file is fsynced before the append reports success.
 *
 * Appends to one file are serialised (check, then write), so of two at one offset the second
 * fails with `Conflict`: in this process by an in-memory lock (file-lock.ts), between processes
 * by a lock file in the file's directory (append-lock.ts), taken within the first. On a
 * filesystem other hosts may share (local-fs.ts), the file is then opened again by its name, so
 * on NFS its size is the server's (close-to-open), and closed before the lock is let go of, so
 * the next holder sees the bytes. Before it writes a byte, the append records in its lock the
 * file as committed and where the append ends (committed.ts), which readers report and serve
 * until the lock is gone, and once its bytes are written, records them as committed before it
 * lets go. Once its offset is checked against what a holder that died mid-append had committed,
 * it cuts back the bytes that one left past it, up to where that one's append ended, when nothing
 * wrote to the file since (a refused append cuts nothing, and leaves that holder's lock in place).
 * Between slices and before it reports success it checks
 * (fencing) that the lock is still its own and the file still the size its bytes left it at:
 * else `Conflict`, and it cuts back nothing (the bytes past its offset may be another append's).
 * Returns the file's CRC-64 (the checked bytes' combined with the
 * chunk's) when the bytes were checked and the file is then exactly the append's
 * end long; else none.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (not a file, or not the append object's
 *   bytes), `Conflict` (offset; or, retryable, another process held the file's append lock for
 *   longer than the wait, append-lock.ts), `IntegrityMismatch`, `InvalidArgument` (a `crc64` or
 *   `appendBaseCrc64` that is not a decimal CRC-64, before anything is written), `Aborted`,
 *   `PermissionDenied` (no lock file can be made in the file's directory).
 */
export async function appendToFile(paths: FsPaths, path: string, offset: number, body: DriverBody, signal?: AbortSignal, durable = false): Promise<{ appendOffset: number; crc64?: string }> {
  const chunkCrc = body.crc64 === undefined ? undefined : parseCrc64(body.crc64);
  if (body.crc64 !== undefined && chunkCrc === undefined) throw storageError(ErrorCode.InvalidArgument, "the body's crc64 is not a decimal CRC-64");
  // Checked after opening: only a file inside the work_dir is ever written to.
  const handle = await paths.openInside(path, constants.O_RDWR);
  // Where the file's lock goes, pinned while the file's stats are fetched.
  const place = paths.pinPlaceOf(handle, path);
  place.catch(() => undefined); // awaited below, or in the end to close it
  try {
    const opened = await handle.stat({ bigint: true });
    if (!opened.isFile()) throw storageError(ErrorCode.ObjectModeInvalid, "this path is not a file");
    const { dir, name } = await place;
    return await withFileLock(
      opened.dev,
      opened.ino,
      async () => {
        const local = await isLocalFilesystem(opened.dev, dir.self);
        // Both taken once the lock file is made, before it names its holder and what is committed.
        let fresh: FileHandle | undefined;
        let before: BigIntStats | undefined;
        // The last stale lock removed on the way to the lock, with the file's stats then (under its guard).
        let stale: { seen: LockSeen; st: BigIntStats } | undefined;
        // A torn tail that lock's holder (died mid-append) left, still as it left it: cut back once the offset is checked.
        let dead: Dead | undefined;
        const describe = async (): Promise<Record<string, unknown>> => {
          // Local: the handle sees every append. Elsewhere the file is opened again (close-to-open).
          fresh = local ? undefined : await reopen(dir, name, opened);
          // The size now, with the locks held: an append that got in first moved it.
          before = await (fresh ?? handle).stat({ bigint: true });
          dead = deadTailOf(stale, before);
          const committed = dead?.committed ?? committedOf(before);
          const writes = committed.size === BigInt(offset) ? BigInt(body.size) : 0n;
          // Readers see the committed bytes, up to where this append (or the dead one) can have written.
          const ends = [committed.size + writes, committed.end ?? 0n];
          const end = ends[0]! > ends[1]! ? ends[0]! : ends[1]!;
          return committedFields({ ...committed, end });
        };
        const recover = async (seen: LockSeen): Promise<void> => {
          stale = { seen, st: await handle.stat({ bigint: true }) };
        };
        try {
          return await withAppendLock(dir, opened.ino, signal, (lock) => appendLocked(fresh ?? handle, before!, dead, lock, offset, body, chunkCrc, signal, durable), APPEND_LOCK_TIMING, { describe, recover });
        } finally {
          await fresh?.close();
        }
      },
      signal,
    );
  } catch (e) {
    throw fsError(e);
  } finally {
    await place.then(({ dir }) => dir.close(), () => undefined);
    await handle.close().catch(() => undefined);
  }
}

/**
 * Appends with both locks held (`before`: the file's stats once the lock was made): the checks,
 * the write (fenced, and cut back off when it fails while the bytes are still its own), the CRC-64.
 */
async function appendLocked(
  handle: FileHandle,
  before: BigIntStats,
  dead: Dead | undefined,
  lock: HeldLock,
  offset: number,
  body: DriverBody,
  chunkCrc: bigint | undefined,
  signal: AbortSignal | undefined,
  durable: boolean,
): Promise<{ appendOffset: number; crc64?: string }> {
  const position = dead?.committed.size ?? before.size;
  if (position !== BigInt(offset)) {
    // Refused: the dead holder's torn tail stays, and so does its record of what was committed.
    if (dead !== undefined) lock.restoreOnRelease(dead.seen);
    throw storageError(ErrorCode.Conflict, `append position is ${position}, not ${offset}`);
  }
  if (dead !== undefined) {
    await handle.truncate(offset);
    forgetAppend(before);
    before = await handle.stat({ bigint: true });
  }
  const base = body.appendBaseCrc64 === undefined ? undefined : await checkAppendBase(handle, before, body.appendBaseCrc64, signal);
  // Whether the bytes past `offset` are still this append's to cut back: not once the fence failed.
  let owned = true;
  const fence = async (written: number): Promise<void> => {
    const held = await lock.stillHeld();
    const size = held ? (await handle.stat({ bigint: true })).size : undefined;
    if (held && size === BigInt(offset + written)) return;
    owned = false;
    const why = held ? `the file is ${size} bytes long, not ${offset + written}: something else wrote to it` : `its lock ${lock.name} was taken over (held too long)`;
    throw storageError(ErrorCode.Conflict, `append stopped after ${written} of its ${body.size} bytes: ${why}; nothing was cut back`);
  };
  try {
    await writeBody(handle, body, signal, offset, fence);
    await fence(body.size);
    // A modification time of its own (write-time.ts), as every write through the driver gets; the access time kept.
    await stampOpenFile(handle, utimeSeconds(before.atimeNs));
    if (durable) await handle.sync();
    // The bytes are committed: the lock says so before it is removed, so one left behind (its unlink failed) hides nothing.
    const written = await handle.stat({ bigint: true });
    await lock.record(committedFields({ ...committedOf(written), end: written.size }));
  } catch (e) {
    if (owned && (await lock.stillHeld())) await handle.truncate(offset).catch(() => undefined);
    forgetAppend(before);
    throw e;
  }
  const after = await handle.stat({ bigint: true }).catch(() => undefined);
  const end = offset + body.size;
  // What the file now holds: the bytes checked above and the chunk, when nothing else moved it meanwhile.
  const crc = base !== undefined && chunkCrc !== undefined ? crc64Combine(base, chunkCrc, body.size) : undefined;
  const known = crc !== undefined && after !== undefined && after.size === BigInt(end);
  if (known) rememberAppend(after, crc);
  else if (after !== undefined) forgetAppend(after);
  // The file's CRC-64 for core (the append object's `crc64`, checked again by the next append), only when known.
  return known ? { appendOffset: end, crc64: crc.toString() } : { appendOffset: end };
}

/** A torn tail left by an append whose holder died: the stale lock it left, and what that lock says was committed. */
interface Dead {
  seen: LockSeen;
  committed: Committed;
}

/**
 * The torn tail the stale lock `stale` (removed on the way to this append's lock) says its holder
 * left, when the file (stats `now`, with the lock held) is still as it was when that lock was
 * seen (nothing wrote to it since) and the tail is that holder's (committed.ts isDeadTail); else
 * undefined: nothing is cut.
 * @throws nothing.
 */
function deadTailOf(stale: { seen: LockSeen; st: BigIntStats } | undefined, now: BigIntStats): Dead | undefined {
  if (stale === undefined) return undefined;
  const { seen, st } = stale;
  if (st.ino !== now.ino || st.size !== now.size || st.mtimeNs !== now.mtimeNs || st.ctimeNs !== now.ctimeNs) return undefined;
  const committed = parseCommitted(seen.text);
  return committed !== undefined && isDeadTail(committed, now) ? { seen, committed } : undefined;
}

/**
 * The file `name` of `dir` opened again for writing, when it is still the file `opened` describes
 * (else undefined: the append goes on through the handle first opened).
 */
async function reopen(dir: DirPin, name: string, opened: BigIntStats): Promise<FileHandle | undefined> {
  const handle = await open(dir.at(name), constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (handle === undefined) return undefined;
  const st = await handle.stat({ bigint: true }).catch(() => undefined);
  if (st?.dev === opened.dev && st.ino === opened.ino) return handle;
  await handle.close().catch(() => undefined);
  return undefined;
}
