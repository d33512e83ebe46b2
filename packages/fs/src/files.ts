import { open, type FileHandle } from "node:fs/promises";
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
