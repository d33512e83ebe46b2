import { lstat, readdir, rmdir, unlink } from "node:fs/promises";
import { ErrorCode, storageError, type StorageError } from "@stowage/core";
import { fsError, isErrno } from "./errors.js";
import { recordFile } from "./part-record.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";
import { isOwnTempName } from "./reserved-names.js";
import { whenDescriptorsFree } from "./descriptor-wait.js";

// One upload's staging directory, `<work_dir>/.stowage-multipart/<uploadId>/` (multipart.ts and
// upload-record.ts use it). It is flat: the driver makes `upload.json`, `part-<n>`, `part-<n>.crc64.json` and temp
// files in it, never a directory. Its entries are never followed: a symlink, fifo, device or
// directory under one of those names is not the driver's file, so it is not read, listed as a
// part or removed.

/** The upload's record: its key and when it started. */
export const UPLOAD_RECORD = "upload.json";

/** A part's file or its CRC-64 record (part-record.ts recordFile). */
const PART_ENTRY = /^part-\d+(?:\.crc64\.json)?$/;

/** Passes over the entries of an upload's directory made while it was being removed: at most this many. */
const REMOVE_ROUNDS = 100;

/** Throws the `ObjectNotExist` of an upload that does not exist (or no longer). @throws StorageError `ObjectNotExist`, always. */
export function noUpload(): never {
  throw storageError(ErrorCode.ObjectNotExist, "no such multipart upload");
}

/**
 * The `ObjectNotExist` of an upload that ended while a call was using it: an abort or another
 * complete removed its record (first) and its parts. It names the upload, never the object at its
 * key, which may well exist. @throws nothing.
 */
export function uploadGone(): StorageError {
  return storageError(ErrorCode.ObjectNotExist, "no such multipart upload (aborted or completed meanwhile)");
}

/**
 * Runs `fn` on upload `id`'s directory, pinned as an entry of the pinned staging directory (also
 * given) that is a directory, never a link to one.
 * @throws StorageError `ObjectNotExist` when the upload's directory is gone, `InvalidArgument`
 *   (the staging directory leads outside the work_dir), or what `fn` throws (mapped).
 */
export async function inUpload<T>(paths: FsPaths, id: string, fn: (dir: DirPin, staging: DirPin) => Promise<T>): Promise<T> {
  const staging = await paths.pinExisting(paths.staging);
  if (staging === undefined) noUpload();
  try {
    const dir = await staging.pinChild(id).catch((e: unknown) => Promise.reject(fsError(e)));
    if (dir === undefined) noUpload();
    try {
      return await fn(dir, staging);
    } catch (e) {
      if (isErrno(e, "ENOENT")) noUpload();
      throw fsError(e);
    } finally {
      await dir.close();
    }
  } finally {
    await staging.close();
  }
}

/** True for a name the driver makes entries under in an upload's directory (its record, a part, a part's record, a temp file). @throws nothing. */
export function isUploadEntry(name: string): boolean {
  return name === UPLOAD_RECORD || PART_ENTRY.test(name) || isOwnTempName(name);
}

/** True while the upload in the pinned directory `dir` has its record (an abort removes it first). @throws nothing. */
export async function hasRecord(dir: DirPin): Promise<boolean> {
  return lstat(dir.at(UPLOAD_RECORD)).then(
    () => true,
    (e: unknown) => !isErrno(e, "ENOENT", "ENOTDIR"),
  );
}

/** Unlinks `path` (never following it); nothing there is fine. @throws raw fs errors. */
export async function unlinkIfThere(path: string): Promise<void> {
  await unlink(path).catch((e: unknown) => (isErrno(e, "ENOENT") ? undefined : Promise.reject(e)));
}

/**
 * Removes the parts at `indexes` of the upload in `dir` (and their records): they hold other bytes
 * than their writers sent, so a resumed upload must send them again. Returns the `IntegrityMismatch`
 * to fail complete with, saying whether they were removed. @throws nothing.
 */
export async function dropCorrupt(dir: DirPin, indexes: number[]): Promise<StorageError> {
  const removed = await (async () => {
    for (const index of indexes) {
      await unlinkIfThere(dir.at(`part-${index}`));
      await unlinkIfThere(dir.at(recordFile(`part-${index}`)));
    }
  })().then(
    () => "they were removed from the upload, which is kept",
    (e: unknown) => `removing them from the upload failed (${e instanceof Error ? e.message : String(e)})`,
  );
  const which = indexes.length > 1 ? `parts ${indexes.join(", ")} hold` : `part ${indexes[0]} holds`;
  return storageError(ErrorCode.IntegrityMismatch, `${which} other bytes than were written to the upload (crc64 differs); nothing was completed, ${removed}`);
}

/**
 * Removes upload `id` from the pinned staging directory `staging`: its record first (from then on
 * the upload is gone for every call; a part write in flight removes what it wrote), then every
 * other entry the driver makes there ({@link isUploadEntry}, unless it is a directory) by unlink in
 * the upload's pinned directory, then the directory. Entries made meanwhile (writes in flight) are
 * removed in further passes, {@link REMOVE_ROUNDS} at most. Nothing is followed or recursed into:
 * an `id` that is a symlink is left alone, and so is anything else in the directory, which then
 * stays with it. Resolves when the upload is gone.
 * @throws raw fs errors (EACCES...).
 */
export async function removeUpload(staging: DirPin, id: string): Promise<void> {
  const dir = await staging.pinChild(id);
  if (dir === undefined) return;
  try {
    await unlinkEntry(dir, UPLOAD_RECORD);
    for (let round = 1; ; round++) {
      const own = (await whenDescriptorsFree(() => readdir(dir.self, { withFileTypes: true }))).filter((e) => !e.isDirectory() && isUploadEntry(e.name));
      let removed = 0;
      for (const entry of own) if (await unlinkEntry(dir, entry.name)) removed++;
      try {
        await rmdir(staging.at(id));
        return;
      } catch (e) {
        if (isErrno(e, "ENOENT", "ENOTDIR")) return; // gone already, or no longer the directory (a link put there: left alone)
        if (!isErrno(e, "ENOTEMPTY", "EEXIST")) throw e;
      }
      // Not empty: entries the driver did not make (kept), or made since the listing (another pass).
      if (removed === 0 || round === REMOVE_ROUNDS) return;
    }
  } finally {
    await dir.close();
  }
}

/**
 * Unlinks the entry `name` of `dir` (never following it); resolves with whether it did. Gone
 * already, or a directory (EISDIR; EPERM where unlink(2) says so of directories): false.
 * @throws raw fs errors.
 */
async function unlinkEntry(dir: DirPin, name: string): Promise<boolean> {
  try {
    await unlink(dir.at(name));
    return true;
  } catch (e) {
    if (isErrno(e, "ENOENT", "EISDIR")) return false;
    if (isErrno(e, "EPERM") && (await lstat(dir.at(name)).then((st) => st.isDirectory(), () => false))) return false;
    throw e;
  }
}
