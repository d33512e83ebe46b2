import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { ErrorCode, raceAbort, storageError, throwIfAborted, type DriverBody, type StorageError } from "@stowage/core";

/** Largest slice of an in-memory body written in one call (abort is checked between slices). */
const SLICE = 8 * 1024 * 1024;

/** A check before a write of an append (append.ts), given the bytes written so far; what it throws stops the write. */
export type Fence = (written: number) => Promise<void>;

/** A fence is checked before a write once this many bytes, or {@link FENCE_MS}, went by since the last check. */
const FENCE_BYTES = SLICE;

/** See {@link FENCE_BYTES} (ms): a process stopped for longer checks before its next write. */
const FENCE_MS = 1000;

/**
 * Streams `body` into `handle` starting at `position`, never holding more
 * than one chunk, reporting `body.onProgress` after each chunk (an in-memory body: each 8 MiB slice). Checks that exactly `body.size` bytes arrive and, when the
 * body carries a Content-MD5, that they hash to it. A stalled stream stops at
 * once when `signal` aborts (and is destroyed). With `fence` (an append), it is awaited before a
 * write once {@link FENCE_BYTES} were written or {@link FENCE_MS} went by since it last was
 * (never before the first write).
 * @throws StorageError `InvalidArgument` (wrong length), `IntegrityMismatch`, `Aborted`, what `fence` throws, or fs errors (raw).
 */
export async function writeBody(handle: FileHandle, body: DriverBody, signal?: AbortSignal, position = 0, fence?: Fence): Promise<void> {
  throwIfAborted(signal);
  const md5 = body.contentMd5 === undefined ? undefined : createHash("md5");
  let total = 0;
  let fencedAt = 0;
  let fencedTime = Date.now();
  const put = async (chunk: Uint8Array): Promise<void> => {
    if (total + chunk.length > body.size) throw sizeMismatch(total + chunk.length, body.size);
    if (fence !== undefined && total > 0 && (total - fencedAt >= FENCE_BYTES || Date.now() - fencedTime >= FENCE_MS)) {
      await fence(total);
      [fencedAt, fencedTime] = [total, Date.now()];
    }
    md5?.update(chunk);
    await writeAll(handle, chunk, position + total);
    total += chunk.length;
    throwIfAborted(signal);
  };
  const { data } = body;
  if (Buffer.isBuffer(data)) {
    if (data.length !== body.size) throw sizeMismatch(data.length, body.size);
    for (let at = 0; at < data.length; at += SLICE) {
      await put(data.subarray(at, at + SLICE));
      body.onProgress?.(total);
    }
  } else {
    let done = false;
    const iterator = data[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    try {
      for (;;) {
        const next = await raceAbort(iterator.next(), signal);
        if (next.done) break;
        await put(typeof next.value === "string" ? Buffer.from(next.value) : next.value);
        body.onProgress?.(total);
      }
      done = true;
    } finally {
      if (!done) data.destroy();
    }
  }
  if (total !== body.size) throw sizeMismatch(total, body.size);
  const actual = md5?.digest("base64");
  if (actual !== undefined && actual !== body.contentMd5) {
    throw storageError(ErrorCode.IntegrityMismatch, `Content-MD5 ${body.contentMd5} does not match the body (${actual})`, {
      // Refused before anything is stored, as a cloud's 400 BadDigest: core then knows no part was kept with other bytes.
      statusCode: 400,
    });
  }
}

/** Writes all of `chunk` at `position` (a single write may be short). */
export async function writeAll(handle: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.length - written, position + written);
    written += bytesWritten;
  }
}

function sizeMismatch(actual: number, size: number): StorageError {
  const got = actual > size ? `more than ${size}` : `${actual}`;
  return storageError(ErrorCode.InvalidArgument, `body has ${got} bytes, expected exactly ${size}`);
}
