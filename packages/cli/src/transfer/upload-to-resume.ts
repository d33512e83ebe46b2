import { ErrorCode, isStorageError, type Storager } from "@stowage/core";
import type { Checkpoint, SourceId, UploadRecord } from "./checkpoint.js";

/** What {@link uploadToResume} found recorded for a copy. */
export interface ToResume {
  /** The recorded upload to go on with; undefined when there is nothing to resume. */
  record?: UploadRecord;
  /**
   * True when an upload of this very source version was recorded but the destination no longer
   * has it: it may have been completed (by a run killed or interrupted before it recorded the
   * object done, or by another run), so the caller checks what the destination holds before it
   * starts over (completed-elsewhere.ts `holdsSource`).
   */
  gone?: boolean;
  /**
   * With `gone`: the record said so already ({@link UploadRecord.ended}: its Complete was answered
   * by an earlier run, or a run found it gone), so its upload was not looked up.
   */
  ended?: boolean;
}

/**
 * The multipart upload of `key` that an earlier run recorded and this copy resumes: the recorded
 * one, while its source is unchanged and the upload still exists at the destination. A recorded
 * upload this copy does not use (the copy is not `resumable`, e.g. an earlier run had a lower
 * `--large-threshold`; or its source changed) is aborted (best effort) and forgotten, and so is one
 * the destination no longer has (then `gone`; its record is kept, marked ended, until the caller
 * knows whether the destination holds the object). A record already marked ended (its Complete
 * was answered) is `gone` and `ended` at once, with no request. No `record` when there is nothing to resume.
 * @throws StorageError from the stat of the recorded upload (not `ObjectNotExist`: then it is gone), `Aborted`.
 */
export async function uploadToResume(
  dst: Storager,
  checkpoint: Checkpoint | undefined,
  key: string,
  source: SourceId,
  resumable: boolean,
  signal: AbortSignal,
): Promise<ToResume> {
  const leftover = checkpoint?.staleUpload(key);
  if (!resumable && leftover !== undefined) {
    // An upload an earlier run started (e.g. with a lower --large-threshold): this copy will not use it.
    if (leftover.ended !== true) await abortRecorded(dst, key, leftover.multipartId, signal);
    checkpoint!.dropUpload(key);
  }
  if (!resumable || checkpoint === undefined) return {};
  // Completed by an earlier run that did not record the object done (Ctrl-C stopped its --verify re-read).
  if (checkpoint.endedUpload(key, source)) return { gone: true, ended: true };
  const resume = checkpoint.upload(key, source);
  const stale = checkpoint.staleUpload(key);
  if (stale !== undefined && stale !== resume) {
    if (stale.ended !== true) await abortRecorded(dst, key, stale.multipartId);
    checkpoint.dropUpload(key);
  }
  if (resume === undefined) return {};
  if (await uploadExists(dst, key, resume.multipartId, signal)) return { record: resume };
  // Kept (ended) until the caller knows whether the destination holds the object: a Ctrl-C meanwhile leaves it for the next run.
  checkpoint.endUpload(key);
  return { gone: true };
}

/**
 * Whether the multipart upload `multipartId` of `path` still exists.
 * @throws StorageError from the stat other than `ObjectNotExist` (`PermissionDenied`, `Aborted`...).
 */
export async function uploadExists(store: Storager, path: string, multipartId: string, signal: AbortSignal): Promise<boolean> {
  try {
    await store.stat(path, { multipartId, signal });
    return true;
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist)) return false;
    throw e;
  }
}

/**
 * Aborts the recorded upload `multipartId` of `key`, best effort. Never a plain delete: without an
 * upload id, `delete` would remove the object itself (records always have one, checkpoint-tables.ts;
 * this holds whatever a record says).
 * @throws nothing
 */
async function abortRecorded(dst: Storager, key: string, multipartId: string, signal?: AbortSignal): Promise<void> {
  if (typeof multipartId !== "string" || multipartId === "") return;
  await dst.delete(key, signal === undefined ? { multipartId } : { multipartId, signal }).catch(() => undefined);
}
