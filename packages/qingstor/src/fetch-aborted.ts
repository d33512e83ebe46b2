import { ErrorCode, isStorageError, storageError } from "@stowage/core";

/**
 * `e`, or for an abort of a fetch (whose request may have reached QingStor, which then fetches on
 * its own) an `Aborted` that says the object may still be stored.
 * @throws nothing
 */
export function abortedFetchError(e: unknown): unknown {
  if (!isStorageError(e, ErrorCode.Aborted)) return e;
  return storageError(ErrorCode.Aborted, `${e.detail}; QingStor fetches on its own once the request reached it, so the whole object may still be stored: stat it to tell`, { cause: e, retryable: false });
}
