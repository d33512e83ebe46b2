import type { FileHandle } from "node:fs/promises";
import { abortError, type ProgressListener } from "@stowage/core";

/** Bytes one read (and one write) moves; the copy checks its signal and reports progress after each. */
const COPY_CHUNK = 4 * 1024 * 1024;

/** The smallest buffer a copy reads into (a file that grows while it is copied still goes in steps of at least this). */
const MIN_CHUNK = 64 * 1024;

/** The block a copy of a sparse file tests for zeros: an all-zero one is left a hole ({@link copyContents}). */
const HOLE_BLOCK = 64 * 1024;

/** {@link HOLE_BLOCK} zero bytes, compared with. */
const ZEROS = Buffer.alloc(HOLE_BLOCK);

/** What {@link copyContents} reports to and stops on. */
export interface CopySteps {
  signal?: AbortSignal | undefined;
  /** Gets `{ bytes, total }` after every chunk written, and `{ bytes: size, total: size }` at the end. */
  onProgress?: ProgressListener | undefined;
}

/**
 * Copies everything `source` holds, from its start to its end, into `target` (an empty file open
 * for writing), in {@link COPY_CHUNK} steps. Two buffers take turns: the next chunk is read while
 * the last one is written. The signal is checked between chunks, so an abort stops the copy after
 * at most one more chunk. `size` is the source's size when it was opened: the `total` reported
 * (raised to the bytes copied if the file grew meanwhile); with `upTo`, no byte past it is copied
 * (an append object's committed bytes, committed.ts). With `holes` (a sparse source: fewer blocks
 * allocated than its size), each {@link HOLE_BLOCK} of zeros is not written but left a hole, and the
 * target is given its full length at the end: the same bytes, as sparse as the source (cp(1)'s
 * `--sparse=auto`). Resolves with the bytes copied.
 * @throws StorageError `Aborted`, whatever `onProgress` throws; raw fs errors (callers map them).
 */
export async function copyContents(source: FileHandle, target: FileHandle, size: number, steps: CopySteps = {}, upTo = false, holes = false): Promise<number> {
  const end = upTo ? size : Infinity;
  const { signal, onProgress } = steps;
  // Sized to the file (one byte more, so the read after the last sees the end), up to COPY_CHUNK:
  // two 4 MiB buffers for every small file made copying many of them mostly garbage collection.
  const chunk = Math.min(COPY_CHUNK, Math.max(MIN_CHUNK, size + 1));
  const buffers = [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)] as const;
  let done = 0;
  let turn = 0;
  let reading = readChunk(source, buffers[turn]!, 0, end);
  let reported: { bytes: number; total: number } | undefined;
  for (;;) {
    const got = await reading;
    if (got === 0) break;
    if (signal?.aborted) throw abortError(signal);
    const filled = buffers[turn]!;
    turn = 1 - turn;
    // The next read goes into the other buffer while this one is written.
    reading = readChunk(source, buffers[turn]!, done + got, end);
    try {
      await (holes ? writeData : writeAll)(target, filled, got, done);
    } catch (e) {
      await reading.catch(() => undefined);
      throw e;
    }
    done += got;
    if (onProgress !== undefined) {
      reported = { bytes: done, total: Math.max(size, done) };
      try {
        onProgress(reported);
      } catch (e) {
        await reading.catch(() => undefined);
        throw e;
      }
    }
  }
  if (signal?.aborted) throw abortError(signal);
  // Zeros left as holes at the end: the file is given its length.
  if (holes) await target.truncate(done);
  if (onProgress !== undefined && (reported?.bytes !== done || reported.total !== done)) onProgress({ bytes: done, total: done });
  return done;
}

/** Reads up to a buffer's length at `position`, never past `end`; 0 at the end of the file (or at `end`). */
async function readChunk(source: FileHandle, buffer: Buffer, position: number, end: number): Promise<number> {
  const length = Math.min(buffer.length, end - position);
  if (length <= 0) return 0;
  const { bytesRead } = await source.read(buffer, 0, length, position);
  return bytesRead;
}

/** {@link writeAll} of the blocks of `buffer` that hold a byte other than zero: a run of such blocks in one write, an all-zero block not at all (a hole). */
async function writeData(target: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  let run = -1;
  for (let at = 0; at < length; at += HOLE_BLOCK) {
    const end = Math.min(length, at + HOLE_BLOCK);
    const zero = buffer.compare(ZEROS, 0, end - at, at, end) === 0;
    if (!zero && run < 0) run = at;
    if (zero && run >= 0) {
      await writeAll(target, buffer.subarray(run, at), at - run, position + run);
      run = -1;
    }
  }
  if (run >= 0) await writeAll(target, buffer.subarray(run, length), length - run, position + run);
}

/** Writes the first `length` bytes of `buffer` at `position`, however many writes that takes. */
async function writeAll(target: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  let written = 0;
  while (written < length) {
    const { bytesWritten } = await target.write(buffer, written, length - written, position + written);
    if (bytesWritten === 0) throw new Error("the copy's write made no progress");
    written += bytesWritten;
  }
}
