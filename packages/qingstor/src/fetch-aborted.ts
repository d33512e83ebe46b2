import { ErrorCode, isStorageError, storageError } from "@stowage/core";

/**
 * `e`, or for an abort of a fetch whose request may have gone out (`mayBeSent`: the signal was not
 * yet aborted when the fetch began; QingStor, once it has the request, fetches on its own) an
 * `Aborted` that says the object may still be stored. Its `cause` stays what core's abort error
 * keeps: the signal's reason, when that is an Error. An abort seen before the fetch began is `e`
 * as it is, a plain `Aborted`: nothing was sent.
 * @throws nothing
 */
export function abortedFetchError(e: unknown, mayBeSent: boolean): unknown {
  if (!mayBeSent || !isStorageError(e, ErrorCode.Aborted)) return e;
  const message = `${e.detail}; QingStor fetches on its own once the request reached it, so the whole object may still be stored: stat it to tell`;
  return storageError(ErrorCode.Aborted, message, e.cause === undefined ? { retryable: false } : { cause: e.cause, retryable: false });
}
