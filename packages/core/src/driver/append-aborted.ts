import { answerOf } from "../errors/answer-of.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";

/** The words that mark an `Aborted` error as already explained. */
const APPLIED_HINT = "the append may have been applied";

/**
 * What an append aborted while its request was under way (sent, answered 5xx and waiting for a
 * retry, or its lost answer being judged) becomes: still `Aborted`, not retryable, its message
 * saying that the service may have applied it and how to tell. The append object was not
 * advanced; a stat of the object tells: `offset + size` bytes long, the append was applied (a
 * retry at `offset` would then fail `Conflict`); `offset` long, it was not.
 * Any other error is returned as it is.
 * @throws nothing (returns the error).
 */
export function abortedAppendError(e: unknown, offset: number, size: number): unknown {
  if (!isStorageError(e, ErrorCode.Aborted) || e.detail.includes(APPLIED_HINT)) return e;
  const aborted: StorageError = e;
  return storageError(
    ErrorCode.Aborted,
    `${aborted.detail}; ${APPLIED_HINT} before the abort (its request may have reached the service), and the append object was not advanced: stat the object to tell (${offset + size} bytes long: applied; ${offset}: not)`,
    { ...answerOf(aborted), cause: aborted, retryable: false },
  );
}
