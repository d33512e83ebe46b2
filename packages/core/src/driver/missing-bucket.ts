import { ErrorCode } from "../errors/error-code.js";
import { isStorageError } from "../errors/storage-error.js";

// A request on a bucket that does not exist fails with `ObjectNotExist`, like one on a missing key
// or upload. Code that takes `ObjectNotExist` as "already gone" (a delete, an abort) must not take
// this one: the whole bucket is missing. The services say which by their own code word, which the
// drivers' error mappers keep as `StorageError.serviceCode`.

/**
 * The service code words that say the bucket does not exist: `NoSuchBucket` (the S3 family: COS,
 * OSS) and `bucket_not_exists` (QingStor). A driver for another service adds its word here.
 */
export const MISSING_BUCKET_CODES: ReadonlySet<string> = new Set(["NoSuchBucket", "bucket_not_exists"]);

/**
 * True for the error of a request on a bucket that does not exist: an `ObjectNotExist` whose
 * `serviceCode` is one of {@link MISSING_BUCKET_CODES}. An answer without an error document (a
 * HEAD's 404) names no bucket, and is not one.
 *
 * @throws nothing.
 */
export function isMissingBucket(e: unknown): boolean {
  return isStorageError(e, ErrorCode.ObjectNotExist) && e.serviceCode !== undefined && MISSING_BUCKET_CODES.has(e.serviceCode);
}

/**
 * Waits for `request`, a delete or an abort that may find its target gone: an `ObjectNotExist`
 * (no such key, no such upload) is success, as the call's work is done, unless it says the bucket
 * is missing ({@link isMissingBucket}), which is rethrown: a delete in a mistyped bucket must not
 * report success.
 * @throws StorageError what `request` throws, but an `ObjectNotExist` that is not a missing bucket:
 *   `ObjectNotExist` (the bucket is missing), `PermissionDenied`, `Aborted`, ...
 */
export async function goneIsDone(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (e) {
    if (!isStorageError(e, ErrorCode.ObjectNotExist) || isMissingBucket(e)) throw e;
  }
}
