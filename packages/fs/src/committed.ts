import type { BigIntStats } from "node:fs";
import { staleness, type LockSeen } from "./lock-owner.js";
import { APPEND_LOCK_TIMING } from "./lock-timing.js";

// An append writes its chunk in place, into the file itself (append.ts). Before it writes a byte,
// it records in the file's append lock (append-lock.ts) the file as it was: its size (the bytes
// that are committed), its mtime and its birth time. While that lock is there, readers (stat,
// read, copy, list: committed-view.ts) report and serve the file as it was committed: the chunk's bytes, written
// or cut back off, are not seen until the append let go of its lock. A lock left by an append
// whose process died still says so, until the next append cuts those bytes back off. The lock
// also records where the append ends (`end`): only a tail up to there can be that append's, so a
// file longer than that (another program appended to it) is shown as it is, and never cut. Once
// its bytes are written, the holder records them as committed before it removes its lock, so a
// lock it could not remove hides nothing.

/** The committed state of a file an append is writing to, as its lock records it. */
export interface Committed {
  /** The file's size before the append: the bytes that are committed. */
  size: bigint;
  /** Its mtime then (ns): with size and inode, its ETag then (objects.ts etagOf). */
  mtimeNs: bigint;
  /** Its birth time (ns; 0 where the filesystem keeps none): tells it from a later file given its inode number. */
  birthNs: bigint;
  /** Where the append ends (`size` + its chunk's length; `size` when it writes nothing); undefined in locks of earlier versions. */
  end?: bigint;
}

/** The committed state of the file with stats `st` (taken with its lock held, before the append writes). @throws nothing. */
export function committedOf(st: BigIntStats): Committed {
  return { size: st.size, mtimeNs: st.mtimeNs, birthNs: st.birthtimeNs };
}

/** `committed` as the fields of a lock's text (lock-owner.ts ownerText). @throws nothing. */
export function committedFields(committed: Committed): Record<string, unknown> {
  const { size, mtimeNs, birthNs, end } = committed;
  const fields: Record<string, string> = { size: size.toString(), mtimeNs: mtimeNs.toString(), birthNs: birthNs.toString() };
  if (end !== undefined) fields.end = end.toString();
  return { committed: fields };
}

/** The committed state a lock's text records, or undefined (none, or not readable). @throws nothing. */
export function parseCommitted(text: string): Committed | undefined {
  let v: unknown;
  try {
    v = (JSON.parse(text) as { committed?: unknown }).committed;
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const [size, mtimeNs, birthNs, end] = [o.size, o.mtimeNs, o.birthNs, o.end].map((n) => (typeof n === "string" && /^\d{1,30}$/.test(n) ? BigInt(n) : undefined));
  if (size === undefined || mtimeNs === undefined || birthNs === undefined) return undefined;
  // An end before the committed size is no append's: read as a lock of an earlier version (no end).
  return end === undefined || end < size ? { size, mtimeNs, birthNs } : { size, mtimeNs, birthNs, end };
}

/**
 * Whether the file with stats `st` holds a torn tail that the append `committed` describes (read
 * from the lock of a holder that died) left: the same file (birth time recorded and equal), longer
 * than committed, and no longer than where that append ends (a lock without `end`: never, the
 * bytes past the committed size may be anyone's). Only such a tail is cut back (append.ts).
 * @throws nothing.
 */
export function isDeadTail(committed: Committed, st: BigIntStats): boolean {
  if (committed.end === undefined || committed.birthNs === 0n || committed.birthNs !== st.birthtimeNs) return false;
  return committed.size < st.size && st.size <= committed.end;
}

/**
 * Whether the committed state `committed`, read from the lock `seen` named by the inode number of
 * the file with stats `st`, is that file's: no more bytes than it has, nor more than where the
 * append ends (when the lock says: bytes past it are not the append's), and its lock's holder
 * still there, or its birth time recorded and the same (a holder that died: the file is still
 * the one it wrote to, not a later one given the same inode number).
 * @throws nothing.
 */
export function describesFile(committed: Committed, st: BigIntStats, seen: LockSeen): boolean {
  if (committed.size > st.size || (committed.end !== undefined && st.size > committed.end)) return false;
  if (committed.birthNs !== 0n && committed.birthNs === st.birthtimeNs) return true;
  return staleness(seen, APPEND_LOCK_TIMING.staleMs) === undefined;
}
