import { ErrorCode, isStorageError, type Storager } from "@stowage/core";
import type { Checkpoint, SourceId, UploadRecord } from "./checkpoint.js";

/**
 * The multipart upload of `key` that an earlier run recorded and this copy resumes: the recorded
 * one, while its source is unchanged and the upload still exists at the destination. A recorded
 * upload this copy does not use (the copy is not `resumable`, e.g. an earlier run had a lower
 * `--large-threshold`; or its source changed) is aborted (best effort) and forgotten, and so is one
 * the destination no longer has. Undefined when there is nothing to resume.
 * @throws StorageError from the stat of the recorded upload (not `ObjectNotExist`: then it is gone), `Aborted`.
 */
export async function uploadToResume(
  dst: Storager,
  checkpoint: Checkpoint | undefined,
  key: string,
  source: SourceId,
  resumable: boolean,
  signal: AbortSignal,
): Promise<UploadRecord | undefined> {
  const leftover = checkpoint?.staleUpload(key);
  if (!resumable && leftover !== undefined) {
    // An upload an earlier run started (e.g. with a lower --large-threshold): this copy will not use it.
    await dst.delete(key, { multipartId: leftover.multipartId, signal }).catch(() => undefined);
    checkpoint!.dropUpload(key);
  }
  if (!resumable || checkpoint === undefined) return undefined;
  let resume = checkpoint.upload(key, source);
  const stale = checkpoint.staleUpload(key);
  if (stale !== undefined && stale !== resume) {
    await dst.delete(key, { multipartId: stale.multipartId }).catch(() => undefined);
    checkpoint.dropUpload(key);
  }
  if (resume !== undefined) {
    if (!(await uploadExists(dst, key, resume.multipartId, signal))) {
      checkpoint.dropUpload(key);
      resume = undefined;
    }
  }
  return resume;
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
