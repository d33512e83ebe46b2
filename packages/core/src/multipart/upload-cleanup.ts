import { ErrorCode } from "../errors/error-code.js";
import { contextOf, isStorageError, StorageError, storageError } from "../errors/storage-error.js";
import { graceSignal, raceAbort, throwIfAborted } from "../io/abort.js";
import { thrownText } from "../errors/thrown-text.js";

// How a multipart upload's own requests are bounded once the call fails or its caller aborts:
// Initiate and Complete already sent get a grace to answer, and the abort of a failed upload a
// time limit, so an aborted call settles within seconds whatever the service does.

/**
 * How long a multipart Initiate or Complete already sent may still run after the caller aborts:
 * the service may apply either whatever happens to the request, so the engine waits for the
 * answer (an upload to abort; an object to report) — but not for every retry of a service that
 * does not answer.
 */
export const SENT_REQUEST_GRACE_MS = 10_000;

/**
 * How long the abort of a multipart upload that failed, or whose caller aborted, may take
 * (AbortMultipartUpload and its retries): it runs with a signal of its own that aborts then, and
 * the call settles with its failure (`Aborted` for an aborted caller) whatever became of the
 * abort. An error whose upload may have been left behind says so and names it (see
 * {@link abortFailedUpload}).
 */
export const UPLOAD_CLEANUP_TIMEOUT_MS = 10_000;

/** A multipart upload on the service, as an error names it. */
export interface LeftUpload {
  /** The object's key on the service (the driver's key, below the storager's work_dir). */
  readonly key?: string;
  readonly multipartId: string;
}

/** `ms` as the message says it: whole seconds as "10 s", else milliseconds. */
function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Runs `cleanup` with a signal of its own that aborts `timeoutMs` later, and stops waiting then
 * even for a cleanup that ignores its signal. Resolves with `undefined` when it succeeded, else with
 * why not, to go in an error message (`what` names the work: "AbortMultipartUpload").
 * @throws nothing.
 */
export async function cleanupWithin(what: string, cleanup: (signal: AbortSignal) => Promise<unknown>, timeoutMs = UPLOAD_CLEANUP_TIMEOUT_MS): Promise<string | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    await raceAbort(Promise.resolve().then(() => cleanup(controller.signal)), controller.signal);
    return undefined;
  } catch (e) {
    if (controller.signal.aborted) return `${what} got no answer within ${duration(timeoutMs)}`;
    return `${what} failed: ${isStorageError(e) ? `${e.code}: ${e.detail}` : thrownText(e)}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Deletes an object that was stored with other bytes than sent (a CRC-64 or MD5 mismatch), within
 * {@link UPLOAD_CLEANUP_TIMEOUT_MS} (see {@link cleanupWithin}), and says how that went, for the
 * error's message: "the copy was removed", or that it could not be and is still there.
 * @throws nothing.
 */
export async function removeStoredWrong(remove: (signal: AbortSignal) => Promise<unknown>, what = "object"): Promise<string> {
  const why = await cleanupWithin("DeleteObject", remove);
  return why === undefined ? `the ${what} was removed` : `the ${what} could not be removed (${why}): it is still there, with the wrong bytes`;
}

/**
 * `failure` with a message that also says `upload` may be left on the service (`why`: the abort
 * timed out or failed), naming its id and key so it can be removed later (`Storager.delete` with
 * `multipartId`, `stowage uploads --abort`). Upload ids are no secrets. Code, context fields (the
 * service's code word too), cause and `retryable` stay `failure`'s; a failure that is no
 * StorageError becomes `Unexpected` with it as `cause`.
 * @throws nothing.
 */
export function withUploadLeft(failure: unknown, upload: LeftUpload, why: string): StorageError {
  const of = upload.key === undefined ? "" : ` of key ${JSON.stringify(upload.key)}`;
  const id = JSON.stringify(upload.multipartId);
  const note = `multipart upload ${id}${of} may be left on the service (${why}): remove it with delete(path, { multipartId: ${id} }) or \`stowage uploads --abort\``;
  if (!isStorageError(failure)) {
    return storageError(ErrorCode.Unexpected, `multipart upload failed: ${thrownText(failure)}; ${note}`, { cause: failure });
  }
  const noted = new StorageError({
    code: failure.code,
    message: `${failure.detail}; ${note}`,
    cause: failure.cause,
    ...contextOf(failure, true),
    retryable: failure.retryable,
  });
  if (failure.stack) noted.stack = `${noted.stack?.split("\n")[0]}\n${failure.stack.split("\n").slice(1).join("\n")}`;
  return noted;
}

/**
 * Aborts `upload` after its call failed with `failure`, within `timeoutMs` (see
 * {@link cleanupWithin}; `abort` gets the signal that bounds it), and returns the error to
 * throw: `failure` itself when the upload was aborted, else `failure` naming the upload that
 * may be left (see {@link withUploadLeft}).
 * @throws nothing (the error is returned).
 */
export async function abortFailedUpload(failure: unknown, upload: LeftUpload, abort: (signal: AbortSignal) => Promise<void>, timeoutMs = UPLOAD_CLEANUP_TIMEOUT_MS): Promise<unknown> {
  const why = await cleanupWithin("AbortMultipartUpload", abort, timeoutMs);
  return why === undefined ? failure : withUploadLeft(failure, upload, why);
}

/**
 * The steps of a multipart upload a driver runs itself (a server-side multipart copy), for
 * {@link runUpload}: `run` copies the parts and resolves with what `complete` needs (`P`), and
 * `complete` resolves with the call's result (`T`).
 */
export interface UploadSteps<T, P = T> {
  /** The object's key on the service (named in errors). */
  readonly key: string;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Initiates the upload with `signal`, which aborts {@link SENT_REQUEST_GRACE_MS} after the caller's. */
  create(signal: AbortSignal | undefined): Promise<string>;
  /** Everything between Initiate and Complete (the parts, checks before Complete), under the caller's signal. */
  run(multipartId: string): Promise<P>;
  /**
   * Completes the upload with what `run` resolved with, and whatever checks its answer; `signal`
   * aborts {@link SENT_REQUEST_GRACE_MS} after the caller's (a Complete already sent may have been
   * applied: its answer is waited for).
   */
  complete(multipartId: string, result: P, signal: AbortSignal | undefined): Promise<T>;
  /** Aborts the upload with `signal` (must succeed when it is already gone). */
  abort(multipartId: string, signal: AbortSignal): Promise<void>;
}

/**
 * Initiates a multipart upload, runs it, completes it, and aborts it on any failure, as core's
 * multipart write does: an Initiate or a Complete already sent when the caller aborts gets
 * {@link SENT_REQUEST_GRACE_MS} to answer (the service may apply either whatever happens to the
 * request). The upload an Initiate answered with is then aborted, so an abort leaves no upload
 * behind; a Complete that answered within the grace resolves the call (the object is stored),
 * one that did not or failed has its upload aborted. An abort before Complete was sent rejects
 * `Aborted` (and aborts the upload). The abort of a failed upload is bounded by
 * {@link UPLOAD_CLEANUP_TIMEOUT_MS}, and when it did not succeed the error names the upload (see
 * {@link abortFailedUpload}).
 * @throws StorageError `Aborted` (the caller's signal), and whatever the steps throw.
 */
export async function runUpload<T, P = T>(steps: UploadSteps<T, P>): Promise<T> {
  throwIfAborted(steps.signal);
  const grace = graceSignal(steps.signal, SENT_REQUEST_GRACE_MS);
  let multipartId: string;
  try {
    multipartId = await steps.create(grace.signal);
  } finally {
    grace.release();
  }
  try {
    throwIfAborted(steps.signal);
    const result = await steps.run(multipartId);
    throwIfAborted(steps.signal);
    const completing = graceSignal(steps.signal, SENT_REQUEST_GRACE_MS);
    try {
      return await steps.complete(multipartId, result, completing.signal);
    } finally {
      completing.release();
    }
  } catch (e) {
    throw await abortFailedUpload(e, { key: steps.key, multipartId }, (signal) => steps.abort(multipartId, signal));
  }
}
