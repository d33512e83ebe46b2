import { constants, type BigIntStats } from "node:fs";
import { lstat, open } from "node:fs/promises";
import { ErrorCode, storageError, type StorageError } from "@stowage/core";
import { whenDescriptorsFree } from "./descriptor-wait.js";
import { isErrno } from "./errors.js";

/** The `ObjectNotExist` error for a missing file. */
export function notExist(): StorageError {
  return storageError(ErrorCode.ObjectNotExist, "no such object");
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
  const handle = await whenDescriptorsFree(() => open(path, OWN_FILE_READ_FLAGS)).catch((e: unknown) => Promise.reject(isErrno(e, "ELOOP") ? notOwn() : e));
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
