import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { crc64, crc64Combine, crc64Equal, ErrorCode, storageError, throwIfAborted, type Part } from "@stowage/core";
import { writeAll } from "./body.js";
import { whenDescriptorsFree } from "./descriptor-wait.js";
import { fsError, isErrno } from "./errors.js";
import { notExist, OWN_FILE_READ_FLAGS } from "./files.js";
import type { FsPaths } from "./paths.js";

// Multipart complete's copy of the staged parts into the object (only multipart.ts uses it).

/** A staged part to complete with: its file and the part the caller gave (size, and the CRC-64 its writer sent, when known). */
export interface StagedPart {
  file: string;
  part: Part;
}

/** What {@link concatenateParts} found. */
export interface Concatenated {
  /** CRC-64 (decimal) of everything written: the object's, when `corrupt` is empty. */
  crc64: string;
  /** Indexes of the parts whose file holds other bytes than the part's `crc64` says (then the temp file is incomplete). */
  corrupt: number[];
}

/** Bytes read (and written) at a time; two buffers of it take turns. */
const CHUNK = 1024 * 1024;

/** The copy in progress: the output (none once only hashing), where the next write goes, the buffers and the write in flight. */
interface Copy {
  out: FileHandle | undefined;
  position: number;
  buffers: [Buffer, Buffer];
  turn: 0 | 1;
  writing: Promise<void>;
}

/**
 * Streams the staged parts' files, in order, into the new, empty file open as `out` (left open),
 * each opened without following a link or waiting on a fifo, and checked to be a regular file
 * inside the work_dir once open (openPart), hashing them with CRC-64. Reads, writes and hashing overlap: while
 * one chunk is written and hashed, the next is read into the other buffer. Every file must yield
 * exactly its part's size and, where the part carries a `crc64` (what its writer sent), hash to
 * it. A file that holds other bytes (rewritten behind its record, or by another writer of the
 * same part) stops the writing; the remaining parts with a `crc64` are still read and hashed, so
 * that `corrupt` names every part that holds wrong bytes.
 * @throws StorageError `Conflict` (a part's file changed size, or is no longer a regular file), `ObjectNotExist`, `Aborted`, raw fs errors.
 */
export async function concatenateParts(paths: FsPaths, out: FileHandle, staged: readonly StagedPart[], signal?: AbortSignal): Promise<Concatenated> {
  const copy: Copy = { out, position: 0, buffers: [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)], turn: 0, writing: Promise.resolve() };
  const corrupt: number[] = [];
  let whole = 0n;
  try {
    for (const { file, part } of staged) {
      // Once a part is known bad nothing more is written; parts without a CRC-64 need no reading then.
      if (corrupt.length > 0 && part.crc64 === undefined) continue;
      const input = await openPart(paths, file, part.index);
      let crc: bigint;
      try {
        crc = await copyHashed(input, part, copy, signal);
      } finally {
        await input.close();
      }
      if (part.crc64 !== undefined && !crc64Equal(part.crc64, crc)) {
        corrupt.push(part.index);
        copy.out = undefined;
      }
      whole = crc64Combine(whole, crc, part.size);
    }
    await copy.writing;
  } finally {
    await copy.writing.catch(() => undefined);
  }
  return { crc64: whole.toString(), corrupt };
}

/**
 * Opens the staged part `index`'s file `file` for reading: never through a link, never waiting for
 * a fifo's writer (OWN_FILE_READ_FLAGS), and only a regular file inside the work_dir.
 * @throws StorageError `Conflict` (a link or not a regular file in its place), `ObjectNotExist`, `InvalidArgument`, mapped fs errors.
 */
async function openPart(paths: FsPaths, file: string, index: number): Promise<FileHandle> {
  const changed = (): Error => storageError(ErrorCode.Conflict, `part ${index} is no longer the regular file it was uploaded as`);
  let input: FileHandle;
  try {
    input = await whenDescriptorsFree(() => open(file, OWN_FILE_READ_FLAGS));
  } catch (e) {
    if (isErrno(e, "ELOOP")) throw changed();
    if (isErrno(e, "ENOENT", "ENOTDIR")) throw notExist();
    throw fsError(e);
  }
  try {
    await paths.checkOpened(input);
    if (!(await input.stat()).isFile()) throw changed();
  } catch (e) {
    await input.close().catch(() => undefined);
    throw e;
  }
  return input;
}

/**
 * Copies `input`, which must hold `part.size` bytes, to `copy.out` at `copy.position` (when there
 * is an output) and returns its CRC-64. The last write may still be in flight (`copy.writing`).
 * @throws StorageError `Conflict` (the file is shorter or longer), `Aborted`, raw fs errors.
 */
async function copyHashed(input: FileHandle, part: Part, copy: Copy, signal?: AbortSignal): Promise<bigint> {
  const size = part.size;
  const readInto = (buffer: Buffer, at: number): Promise<number> => {
    // One byte past the end is asked for, so a file that grew is noticed.
    const reading = input.read(buffer, 0, Math.min(buffer.length, size - at + 1), at).then((r) => r.bytesRead);
    reading.catch(() => undefined);
    return reading;
  };
  let crc = 0n;
  let got = 0;
  // The buffer of this turn is free: the write from it was awaited before the other one's read began.
  let buffer = copy.buffers[copy.turn];
  let reading = readInto(buffer, 0);
  try {
    for (;;) {
      const count = await reading;
      throwIfAborted(signal);
      if (count === 0) break;
      got += count;
      if (got > size) break;
      const chunk = buffer.subarray(0, count);
      // The other buffer's write is done: it takes the next read while this chunk is written and hashed.
      await copy.writing;
      copy.turn = copy.turn === 0 ? 1 : 0;
      buffer = copy.buffers[copy.turn];
      reading = readInto(buffer, got);
      if (copy.out !== undefined) {
        const writing = writeAll(copy.out, chunk, copy.position);
        writing.catch(() => undefined); // awaited at the next turn or at the end
        copy.writing = writing;
      }
      copy.position += count;
      crc = crc64(chunk, crc);
    }
  } finally {
    // Never leave a read in flight on a handle about to be closed.
    await reading.catch(() => undefined);
  }
  if (got !== size) throw storageError(ErrorCode.Conflict, `part ${part.index} changed size while the upload was completed`);
  return crc;
}

/**
 * Checks that `parts` is not empty and numbered 0, 1, 2... without gaps.
 * @throws StorageError `InvalidArgument`.
 */
export function checkContiguous(parts: readonly Part[]): void {
  if (parts.length === 0) throw storageError(ErrorCode.InvalidArgument, "completing a multipart upload needs at least one part");
  parts.forEach((part, i) => {
    if (part.index !== i) throw storageError(ErrorCode.InvalidArgument, `parts must be numbered 0, 1, 2... without gaps; found ${part.index} at position ${i}`);
  });
}
