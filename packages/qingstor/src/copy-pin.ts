import { ErrorCode, isStorageError, storageError, type DriverCallOptions, type StorageError } from "@stowage/core";
import type { QingStorClient } from "./client.js";
import { isMissingBucket } from "./errors.js";
import { headObject } from "./requests.js";
import { objectFromHeaders } from "./responses.js";

// A copy is pinned to the source version its HEAD saw: every copy request carries
// `x-qs-copy-source-if-match` (requests.ts `copySourcePin`), and a multipart copy looks at the source
// once more before Complete (QingStor documents the condition for PUT Object - Copy, not for
// UploadMultipart with a copy source: a service that ignored it there is caught by that look).

/** An ETag without `W/`, quotes or case, for comparing. */
function bare(etag: string | undefined): string | undefined {
  return etag?.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1").toLowerCase();
}

/** The `Conflict` of a copy whose source is no longer the version with ETag `etag`. */
function changedError(etag: string, why: string, cause?: StorageError): StorageError {
  return storageError(ErrorCode.Conflict, `the copy source changed after it was looked at (it is no longer ETag ${etag}): nothing was copied (${why})`, {
    ...(cause?.statusCode !== undefined ? { statusCode: cause.statusCode } : {}),
    ...(cause?.requestId !== undefined ? { requestId: cause.requestId } : {}),
    ...(cause !== undefined ? { cause } : {}),
    retryable: false,
  });
}

/**
 * A copy refused because its source condition did not hold (412 `precondition_failed`) as a
 * `Conflict` that says the source changed; any other failure unchanged (as COS and OSS report it).
 * @throws nothing.
 */
export function sourceChanged(e: unknown, etag: string | undefined): unknown {
  if (etag === undefined || !isStorageError(e, ErrorCode.Conflict) || e.statusCode !== 412) return e;
  if (e.detail.startsWith("the copy source changed")) return e;
  return changedError(etag, e.detail, e);
}

/**
 * Checks, with a HEAD of `key` (the source, with its SSE-C key from `options`' copy-source key),
 * that the source still has ETag `etag`: after a multipart copy's ranges, before Complete.
 * @throws StorageError `Conflict` (another ETag, or no object any more), `Aborted`; a HEAD's other failure as is
 */
export async function checkSourceUnchanged(client: QingStorClient, key: string, etag: string, options: DriverCallOptions): Promise<void> {
  const head: DriverCallOptions = { signal: options.signal };
  if (options.copySourceEncryptionCustomerKey !== undefined) {
    head.encryptionCustomerKey = options.copySourceEncryptionCustomerKey;
    head.encryptionCustomerAlgorithm = options.copySourceEncryptionCustomerAlgorithm;
  }
  let now: string | undefined;
  try {
    const res = await client.sendBuffered(headObject(key, head, client.secure), { signal: options.signal });
    now = objectFromHeaders(key, res.status, res.headers).etag;
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist) && !isMissingBucket(e)) throw changedError(etag, "it is gone", e);
    throw e;
  }
  if (bare(now) !== bare(etag)) throw changedError(etag, `it is now ${now ?? "without an ETag"}`);
}
