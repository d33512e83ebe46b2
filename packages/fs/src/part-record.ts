import type { BigIntStats } from "node:fs";
import { crc64Equal, type Part } from "@stowage/core";
import { readOwnText } from "./files.js";
import { etagOf, partOf } from "./objects.js";

// The record a staged multipart part keeps beside it (`part-<n>.crc64.json`): the CRC-64 of the
// bytes its writer sent, and which file those bytes went into. Only multipart.ts uses it.

/** The file beside a part that records the CRC-64 it was written with. */
export function recordFile(part: string): string {
  return part + ".crc64.json";
}

/** Largest record read (one holds five short fields). */
const RECORD_LIMIT = 4096;

/** What a record holds. `dev` and `ino` as decimal strings (they may exceed 2^53). */
interface PartRecord {
  dev: string;
  ino: string;
  etag: string;
  size: number;
  crc64: string;
}

/**
 * The record of a part written with CRC-64 `crc64` into the file whose stats `st` are: taken
 * from the temp file before it was renamed into place (replaceAtomically), so the record names
 * exactly the file these bytes went into, whatever another writer put at the part's path since.
 * Device and inode tell two files apart where mtime and size alone do not (two writes within
 * one tick of a coarse file clock). @throws nothing.
 */
export function recordText(st: BigIntStats, crc64: string): string {
  const record: PartRecord = { dev: st.dev.toString(), ino: st.ino.toString(), etag: etagOf(st), size: Number(st.size), crc64 };
  return JSON.stringify(record);
}

/**
 * `part` (stats `st` of its file `file`) with the CRC-64 recorded when it was written, if the
 * record names this very file (same device, inode, ETag and size); otherwise `part` as it is
 * (no record, an unreadable one, one of another file, or of an older format without device and
 * inode), which a resuming writer treats as unverifiable and sends again. @throws nothing.
 */
export async function withRecordedCrc(file: string, st: BigIntStats, part: Part): Promise<Part> {
  let record: Partial<Record<keyof PartRecord, unknown>> | null;
  try {
    record = JSON.parse(await readOwnText(recordFile(file), RECORD_LIMIT)) as Partial<Record<keyof PartRecord, unknown>> | null;
  } catch {
    return part;
  }
  if (record === null || typeof record !== "object" || typeof record.crc64 !== "string") return part;
  const same = record.dev === st.dev.toString() && record.ino === st.ino.toString() && record.etag === part.etag && record.size === part.size;
  return same ? { ...part, crc64: record.crc64 } : part;
}

/**
 * Whether the part file `file` (stats `st`), another version than the caller's `part` (its ETag
 * changed: another writer of the same part, such as a second resume of the upload, put its own
 * file there since), holds bytes of the size and CRC-64 the caller sent (a CRC-64, not a
 * cryptographic match): its record names this very file ({@link withRecordedCrc}) and says its writer sent `part.size` bytes hashing to `part.crc64`. A
 * part given without a CRC-64, or a file without such a record (not yet written: the writer
 * records it after the rename), is not. Complete still hashes every byte it copies against
 * `part.crc64` (concatenate-parts.ts), so bytes written behind the record are refused there.
 * @throws nothing.
 */
export async function recordedAsSent(file: string, st: BigIntStats, part: Part): Promise<boolean> {
  if (part.crc64 === undefined || Number(st.size) !== part.size) return false;
  const recorded = (await withRecordedCrc(file, st, partOf(part.index, st))).crc64;
  return recorded !== undefined && crc64Equal(recorded, part.crc64);
}
