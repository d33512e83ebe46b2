import { constants, type BigIntStats } from "node:fs";
import { lstat, open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { ErrorCode, storageError, type DriverBody, type StorageError } from "@stowage/core";
import { writeBody } from "./body.js";
import { fsError, isErrno } from "./errors.js";

/** The `ObjectNotExist` error for a missing file. */
export function notExist(): StorageError {
  return storageError(ErrorCode.ObjectNotExist, "no such object");
}

/**
 * Opens an existing file.
 * @throws StorageError `ObjectNotExist` when it (or a parent) is missing, mapped fs errors otherwise.
 */
export async function openExisting(path: string, flags: string | number): Promise<FileHandle> {
  try {
    return await open(path, flags);
  } catch (e) {
    if (isErrno(e, "ENOENT", "ENOTDIR")) throw notExist();
    throw fsError(e);
  }
}

/** Read stream chunk size. */
const READ_CHUNK = 1024 * 1024;

/**
 * Ranges up to this size are read with one `read` into a buffer, the file closed at once, instead
 * of through a file stream: 4 KiB files read through a storager cost 105 µs of CPU each instead of
 * 117 at 64 reads in flight (188 instead of 195 one at a time); the path checks are the rest.
 */
const READ_AT_ONCE = 64 * 1024;

/**
 * The bytes `[start, end)` of the open file as a stream, which owns `handle` from here on: it is
 * closed once read (or when the stream is destroyed). A file that shrank meanwhile yields fewer
 * bytes (core's resume then finds another size: `IntegrityMismatch`, the object changed).
 * @throws raw fs errors (the handle is closed).
 */
export async function readRange(handle: FileHandle, start: number, end: number): Promise<Readable> {
  if (end <= start) {
    await handle.close();
    return Readable.from([]);
  }
  if (end - start > READ_AT_ONCE) return handle.createReadStream({ start, end: end - 1, highWaterMark: READ_CHUNK });
  try {
    const data = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < data.length) {
      const { bytesRead } = await handle.read(data, got, data.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return Readable.from([got === data.length ? data : data.subarray(0, got)]);
  } finally {
    await handle.close();
  }
}

/**
 * Writes `body` into the new file `temp` (created with `wx`), streaming.
 * @throws StorageError `InvalidArgument` (wrong length), `IntegrityMismatch`, `Aborted`, raw fs errors.
 */
export async function fillFile(temp: string, body: DriverBody, signal?: AbortSignal): Promise<void> {
  const handle = await open(temp, "wx");
  try {
    await writeBody(handle, body, signal);
  } finally {
    await handle.close();
  }
}

/**
 * Flags to open a file the driver wrote itself (a multipart upload's record, parts and their
 * records) for reading: never through a symlink in its place (ELOOP), never waiting for a fifo's
 * writer. What was opened must still be checked to be a regular file (fstat).
 */
export const OWN_FILE_READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The stats of `path` itself when it is a regular file; undefined when it is missing or anything else (a symlink is not followed). @throws nothing. */
export async function lstatRegular(path: string): Promise<BigIntStats | undefined> {
  const st = await lstat(path, { bigint: true }).catch(() => undefined);
  return st?.isFile() === true ? st : undefined;
}

/**
 * The text of the driver's own small file `path`, opened with {@link OWN_FILE_READ_FLAGS}: it must
 * be a regular file of at most `limit` bytes (a symlink, fifo, device or directory in its place,
 * or a larger file, is not one the driver wrote).
 * @throws StorageError `InvalidArgument` (not such a file), raw fs errors (ENOENT...).
 */
export async function readOwnText(path: string, limit: number): Promise<string> {
  const handle = await open(path, OWN_FILE_READ_FLAGS).catch((e: unknown) => Promise.reject(isErrno(e, "ELOOP") ? notOwn() : e));
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size > limit) throw notOwn();
    // One byte more than it says it holds: a file that grew since is noticed.
    const data = Buffer.alloc(st.size + 1);
    let got = 0;
    for (;;) {
      const { bytesRead } = await handle.read(data, got, data.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got === data.length) throw notOwn();
    }
    return data.subarray(0, got).toString("utf8");
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function notOwn(): StorageError {
  return storageError(ErrorCode.InvalidArgument, "not a regular file the fs driver wrote");
}
