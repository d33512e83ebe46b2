import { ErrorCode, isStorageError } from "@stowage/core";
import { fsErrnoOf, fsError } from "./errors.js";
import { readOwnText } from "./files.js";
import type { FsPaths } from "./paths.js";
import { inUpload, noUpload, UPLOAD_RECORD } from "./upload-dir.js";

// An upload's record, `upload.json` in its staging directory (upload-dir.ts): the key it uploads
// to and when it started. Its id names the directory; the record is what makes it an upload.

/** An upload's id, which names its directory in the staging directory: 32 lower-case hex digits. */
export const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** Largest `upload.json` read (a key of the longest path, JSON-escaped, fits many times over). */
const UPLOAD_RECORD_LIMIT = 64 * 1024;

/** What `upload.json` in an upload's staging directory holds, with the upload's id. */
export interface Upload {
  /** The key the upload completes to. */
  key: string;
  /** The upload's id ({@link UPLOAD_ID}). */
  id: string;
  /** When it was created. */
  created: Date;
}

/** The text of the record of an upload to `key` created now. @throws nothing. */
export function uploadRecordText(key: string): string {
  return JSON.stringify({ key, created: new Date().toISOString() });
}

/**
 * The upload `id`, when it uploads to `key`. Only what says there is no such upload makes it
 * `ObjectNotExist`: an id that is none, no directory or record for it (ENOENT, ENOTDIR), a record
 * that is none (not a regular file, too large, not JSON, not a record) or one of another key. A
 * record that is there but cannot be read now (EMFILE, EACCES, EIO) fails with that error, so a
 * caller never takes an upload for gone (an abort that then did nothing) when it may not be.
 * @throws StorageError `ObjectNotExist` (no such upload), `InvalidArgument` (the staging directory
 *   leads outside the work_dir), mapped fs errors (`PermissionDenied`, `ServiceInternal`, `Unexpected`).
 */
export async function readUpload(paths: FsPaths, key: string, id: string): Promise<Upload> {
  if (!UPLOAD_ID.test(id)) noUpload();
  let upload: Upload | undefined;
  try {
    upload = await loadUpload(paths, id);
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist) || isNoEntry(e)) noUpload();
    throw fsError(e);
  }
  if (upload === undefined || upload.key !== key) noUpload();
  return upload;
}

/**
 * True for an ENOENT or ENOTDIR, raw or as the StorageError {@link fsError} made of it.
 * @throws nothing
 */
export function isNoEntry(e: unknown): boolean {
  const code = fsErrnoOf(e);
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * Upload `id`'s record, read only from a regular file (never followed), at most 64 KiB; undefined
 * when the file there is no record (not a regular file, too large, not JSON, not a record: someone
 * else's, as the driver writes its records whole, by rename).
 * @throws StorageError `ObjectNotExist` (no upload directory or no record), `InvalidArgument` (the
 *   staging directory leads outside the work_dir), mapped fs errors.
 */
export async function loadUpload(paths: FsPaths, id: string): Promise<Upload | undefined> {
  // readOwnText's only StorageError is the InvalidArgument of a file that is no regular file of the driver's.
  const text = await inUpload(paths, id, (dir) =>
    readOwnText(dir.at(UPLOAD_RECORD), UPLOAD_RECORD_LIMIT).catch((e: unknown) => (isStorageError(e, ErrorCode.InvalidArgument) ? undefined : Promise.reject(e))),
  );
  if (text === undefined) return undefined;
  let record: { key?: unknown; created?: unknown } | null;
  try {
    record = JSON.parse(text) as { key?: unknown; created?: unknown } | null;
  } catch {
    return undefined;
  }
  const created = new Date(typeof record?.created === "string" ? record.created : NaN);
  if (typeof record?.key !== "string" || Number.isNaN(created.getTime())) return undefined;
  return { key: record.key, id, created };
}
