import { answerOf } from "../errors/answer-of.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, StorageError } from "../errors/storage-error.js";
import { sameEtag } from "../object/etag.js";
import type { DriverCallOptions, RawObject } from "./storage-driver.js";

// A copy or a move made from one version of its source (the ETag a HEAD found) while another
// client may overwrite it: how drivers say that the source changed, and check it is unchanged.

/**
 * The `Conflict` (not retryable) of a copy whose source is no longer the version with ETag
 * `etag`: nothing was copied. `why` says what showed it (the service's refusal, a later HEAD).
 * @throws nothing (the error is returned).
 */
export function copySourceChangedError(etag: string, why: string, cause?: StorageError): StorageError {
  return storageError(ErrorCode.Conflict, `the copy source changed after it was looked at (it is no longer ETag ${etag}): nothing was copied (${why})`, {
    ...(cause !== undefined ? { ...answerOf(cause), cause } : {}),
    retryable: false,
  });
}

/**
 * What a copy pinned to the source's ETag (`x-*-copy-source-if-match: etag`) throws: its
 * precondition failure (412, or a `PreconditionFailed` answer) as {@link copySourceChangedError};
 * anything else, or without a pin, `e` itself.
 * @throws nothing (the error is returned).
 */
export function copySourceChanged(e: unknown, etag: string | undefined): unknown {
  if (etag === undefined || !isStorageError(e, ErrorCode.Conflict) || !(e.statusCode === 412 || e.detail.includes("PreconditionFailed"))) return e;
  if (e.detail.startsWith("the copy source changed")) return e;
  return copySourceChangedError(etag, e.detail, e);
}

/**
 * For a driver whose move is a copy and then a delete of the source (no conditional DELETE on the
 * service): looks at `srcKey` again after the copy and tells whether deleting it loses nothing,
 * i.e. it is still `moved`, the object the copy was made from (same mode, same ETag when `moved`
 * had one, and for a link the same target). The window between this look and the DELETE stays
 * open; the driver documents it.
 *
 * @param stat the driver's stat, called once with `options`.
 * @returns true when the source is still `moved`; false when it is gone (nothing to delete).
 * @throws StorageError `Conflict` (not retryable) when the source changed: the destination holds
 *   the version that was copied, the newer source is kept; `Aborted`; any other failure of the stat,
 *   with its code, saying the source is kept.
 */
export async function movedSourceUnchanged(
  stat: (key: string, options: DriverCallOptions) => Promise<RawObject>,
  srcKey: string,
  moved: RawObject,
  options: DriverCallOptions,
): Promise<boolean> {
  let now: RawObject;
  try {
    now = await stat(srcKey, options);
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist)) return false;
    if (!isStorageError(e) || e.code === ErrorCode.Aborted) throw e;
    throw new StorageError({
      code: e.code,
      message: `move: the source was copied, but it could not be looked at again before its delete (${e.detail}): the destination holds the copy, the source is kept`,
      ...answerOf(e),
      retryable: e.retryable,
      cause: e,
    });
  }
  const sameTarget = moved.mode !== "link" || now.linkTarget === moved.linkTarget;
  const sameVersion = moved.etag === undefined || sameEtag(now.etag, moved.etag);
  if (now.mode === moved.mode && sameTarget && sameVersion) return true;
  const was = moved.mode === "link" ? `a link to ${moved.linkTarget}` : `ETag ${moved.etag}`;
  const is = now.mode === "link" ? `a link to ${now.linkTarget}` : now.mode === "file" ? `ETag ${now.etag ?? "(none)"}` : `an object of mode ${now.mode}`;
  throw storageError(
    ErrorCode.Conflict,
    `move: the source changed during the move (${was} was copied, it is now ${is}): the destination holds the version that was copied, the newer source is kept`,
    { retryable: false },
  );
}
