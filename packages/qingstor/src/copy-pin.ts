import { copySourceChangedError, ErrorCode, isMissingBucket, isStorageError, sameEtag, type DriverCallOptions } from "@stowage/core";
import type { QingStorClient } from "./client.js";
import { headObject } from "./requests.js";
import { objectFromHeaders } from "./responses.js";

// A copy is pinned to the source version its HEAD saw: every copy request carries
// `x-qs-copy-source-if-match` (requests.ts `copySourcePin`), and a multipart copy looks at the source
// once more before Complete (QingStor documents the condition for PUT Object - Copy, not for
// UploadMultipart with a copy source: a service that ignored it there is caught by that look).

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
    if (isStorageError(e, ErrorCode.ObjectNotExist) && !isMissingBucket(e)) throw copySourceChangedError(etag, "it is gone", e);
    throw e;
  }
  if (!sameEtag(now, etag)) throw copySourceChangedError(etag, `it is now ${now ?? "without an ETag"}`);
}
