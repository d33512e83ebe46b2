import { isStorageError, throwIfAborted, type StorageError, type Storager } from "@stowage/core";
import { isAbort } from "./errors.js";
import { plural } from "./format.js";
import { shownPath } from "./shown-path.js";
import { SHOWN_DELETE_FAILURES, unanswered } from "./transfer/delete-report.js";

/** Aborts (one request each) in flight at once. */
export const UPLOAD_ABORTS = 8;

/** One upload to abort: the storager that lists it, its path there, and as `uploads` shows it. */
export interface UploadToAbort {
  readonly store: Storager;
  /** Its path in `store`. */
  readonly own: string;
  /** Its path as `uploads` prints it. */
  readonly path: string;
  readonly multipartId: string;
}

/** An upload whose abort failed, and why. */
export interface FailedAbort {
  readonly upload: UploadToAbort;
  readonly error: StorageError;
}

/** What {@link abortUploads} did: each upload aborted, failed, or never attempted. */
export interface AbortOutcome {
  readonly aborted: number;
  /** In the order of the uploads given. */
  readonly failed: readonly FailedAbort[];
  /** Never sent: after a failure no further abort starts. */
  readonly notAttempted: number;
}

/**
 * Aborts `uploads`, {@link UPLOAD_ABORTS} at once, calling `finished` as each one settles. As a
 * batch delete does, after a failure no further abort starts, and the call resolves once those in
 * flight settled, saying which failed (an abort of an upload that is gone already succeeds).
 * @throws StorageError `Aborted` once those in flight settled (Ctrl-C: the command is interrupted),
 *   and the first error that is no StorageError
 */
export async function abortUploads(uploads: readonly UploadToAbort[], signal: AbortSignal, finished: () => void): Promise<AbortOutcome> {
  const failures: Array<FailedAbort | undefined> = new Array(uploads.length);
  let aborted = 0;
  let next = 0;
  let stop = false;
  let thrown: unknown;
  const worker = async (): Promise<void> => {
    while (next < uploads.length && !stop && !signal.aborted) {
      const upload = uploads[next++]!;
      const at = next - 1;
      try {
        await upload.store.delete(upload.own, { multipartId: upload.multipartId, signal });
        aborted++;
      } catch (e) {
        stop = true;
        if (!isStorageError(e) || isAbort(e)) thrown ??= e;
        else failures[at] = { upload, error: e };
      }
      finished();
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOAD_ABORTS, uploads.length) }, worker));
  if (thrown !== undefined) throw thrown;
  throwIfAborted(signal);
  const failed = failures.filter((f): f is FailedAbort => f !== undefined);
  return { aborted, failed, notAttempted: uploads.length - next };
}

/**
 * The lines (without the `stowage: ` prefix) for the uploads whose abort failed: one each
 * (`uploads <path> <id>: not aborted: <code>: <detail>`) for the first SHOWN_DELETE_FAILURES, then
 * one counting the others, and one counting those never attempted.
 * @throws nothing
 */
export function abortFailureLines(outcome: AbortOutcome): string[] {
  const lines = outcome.failed.slice(0, SHOWN_DELETE_FAILURES).map(({ upload, error }) => {
    // An abort that got no answer may have ended the upload all the same.
    const lost = unanswered(error);
    return `uploads ${shownPath(upload.path)} ${upload.multipartId}: ${lost ? "not confirmed aborted" : "not aborted"}: ${error.code}: ${error.detail}${lost ? " (it may be gone)" : ""}`;
  });
  const rest = outcome.failed.length - SHOWN_DELETE_FAILURES;
  if (rest > 0) lines.push(`uploads: … and ${rest} more not aborted`);
  if (outcome.notAttempted > 0) lines.push(`uploads: ${outcome.notAttempted} more not attempted after the failure`);
  return lines;
}

/**
 * The summary of an abort that failed part-way: `uploads: aborted 5 of 8 uploads, failed 1, not attempted 2`
 * (`failed 2 (1 not confirmed aborted)` when aborts got no answer: they may have ended their uploads).
 * @throws nothing
 */
export function abortSummary(outcome: AbortOutcome, of: number): string {
  const notAttempted = outcome.notAttempted > 0 ? `, not attempted ${outcome.notAttempted}` : "";
  const notConfirmed = outcome.failed.filter(({ error }) => unanswered(error)).length;
  return `uploads: aborted ${outcome.aborted} of ${plural(of, "upload")}, failed ${outcome.failed.length}${notConfirmed > 0 ? ` (${notConfirmed} not confirmed aborted)` : ""}${notAttempted}`;
}
