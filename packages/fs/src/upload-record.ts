import { ErrorCode, storageError } from "@stowage/core";
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
 * The upload `id`, when it uploads to `key`.
 * @throws StorageError `ObjectNotExist` (no such upload, an id that is none, a record unreadable or of another key).
 */
export async function readUpload(paths: FsPaths, key: string, id: string): Promise<Upload> {
  if (!UPLOAD_ID.test(id)) noUpload();
  const upload = await loadUpload(paths, id).catch(() => undefined);
  if (upload === undefined || upload.key !== key) noUpload();
  return upload;
}

/**
 * Upload `id`'s record, read only from a regular file (never followed), at most 64 KiB.
 * @throws StorageError `ObjectNotExist`, `InvalidArgument` (not a record), mapped fs errors; SyntaxError (not JSON).
 */
export async function loadUpload(paths: FsPaths, id: string): Promise<Upload> {
  const text = await inUpload(paths, id, (dir) => readOwnText(dir.at(UPLOAD_RECORD), UPLOAD_RECORD_LIMIT));
  const record = JSON.parse(text) as { key?: unknown; created?: unknown } | null;
  const created = new Date(typeof record?.created === "string" ? record.created : NaN);
  if (typeof record?.key !== "string" || Number.isNaN(created.getTime())) throw storageError(ErrorCode.InvalidArgument, "not an upload record");
  return { key: record.key, id, created };
}
