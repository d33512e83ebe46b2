import { ErrorCode, isStorageError, type BatchFailure, type StorageError, type Storager } from "@stowage/core";
import { plural } from "../format.js";
import { isAbort } from "../errors.js";
import { shownPath } from "../shown-path.js";

/** Failed paths a command prints a line for; the rest are counted in one more line. */
export const SHOWN_DELETE_FAILURES = 20;

/** What a `deleteMany` did: each distinct path given in exactly one of the three lists. */
export interface DeleteResult {
  readonly deleted: readonly string[];
  readonly failed: readonly BatchFailure[];
  /** Never sent: after a failure no further delete starts. */
  readonly notAttempted: readonly string[];
  /** The rejection (its code is the command's exit code); undefined when every path was deleted. */
  readonly error?: StorageError;
}

/**
 * Deletes `paths` from `store` in one `deleteMany` and says, path by path, what it did: a rejection
 * that carries its `batch` (a delete failed once something was sent) becomes a result, not an error.
 * @throws StorageError `Aborted` (interrupted: the command stops as interrupted), and a rejection
 *   without `batch` (a path refused before anything was deleted: `InvalidArgument`,
 *   `ObjectModeInvalid`, or what a check of a directory path failed with)
 */
export async function deleteReporting(store: Storager, paths: readonly string[], signal: AbortSignal): Promise<DeleteResult> {
  try {
    await store.deleteMany(paths, { signal });
    return { deleted: [...new Set(paths)], failed: [], notAttempted: [] };
  } catch (e) {
    if (!isStorageError(e) || e.batch === undefined || isAbort(e)) throw e;
    return { ...e.batch, error: e };
  }
}

/**
 * True when a single request (a delete, an abort) failed without an answer from the service: a
 * network failure, a lost or 5xx answer (`ServiceInternal`), or an answer that could not be read
 * (`Unexpected`), with no HTTP status. What it asked for may have happened all the same.
 * @throws nothing
 */
export function unanswered(error: StorageError): boolean {
  return error.statusCode === undefined && (error.code === ErrorCode.ServiceInternal || error.code === ErrorCode.Unexpected);
}

/**
 * True when `failure` does not say the path is still there: no answer refused it (it carries no
 * service code of its own) and it failed as a request that may have been carried out does
 * (`ServiceInternal`: a network failure, a lost or 5xx answer; `Unexpected`: an answer that could
 * not be read). Its delete was sent, so the path may in fact be gone. A refusal (a per-key error of
 * a batch answer, or `PermissionDenied`, `InvalidArgument`... for the request) left it in place.
 * @throws nothing
 */
export function mayBeGone(failure: BatchFailure): boolean {
  return failure.serviceCode === undefined && (failure.code === ErrorCode.ServiceInternal || failure.code === ErrorCode.Unexpected);
}

/**
 * Why one path was not deleted, printable: `not deleted: <code> (<service code>)`, or, when its
 * delete failed without saying the path is still there ({@link mayBeGone}),
 * `not confirmed deleted: <code> (it may be gone)`.
 * @throws nothing
 */
export function notDeletedReason(failure: BatchFailure): string {
  if (mayBeGone(failure)) return `not confirmed deleted: ${failure.code} (it may be gone)`;
  return `not deleted: ${failure.code}${failure.serviceCode === undefined ? "" : ` (${shownPath(failure.serviceCode)})`}`;
}

/**
 * The summary's count of failed paths: `failed N`, and of them how many {@link mayBeGone}
 * (`failed N (M not confirmed deleted)`).
 * @throws nothing
 */
export function failedCount(failed: number, notConfirmed: number): string {
  return `failed ${failed}${notConfirmed > 0 ? ` (${notConfirmed} not confirmed deleted)` : ""}`;
}

/**
 * The lines (without the `stowage: ` prefix) a command prints for the paths a delete failed on:
 * one per path (`<command> <path>: not deleted: <code> (<service code>)`, the path as
 * {@link shownPath} prints it; `not confirmed deleted` when it {@link mayBeGone}) for the first
 * {@link SHOWN_DELETE_FAILURES}, then one line counting the others, and one counting the paths
 * never attempted.
 * @throws nothing
 */
export function deleteFailureLines(command: string, result: DeleteResult): string[] {
  const lines = result.failed.slice(0, SHOWN_DELETE_FAILURES).map((f) => `${command} ${shownPath(f.path)}: ${notDeletedReason(f)}`);
  const rest = result.failed.slice(SHOWN_DELETE_FAILURES);
  const unknown = rest.filter(mayBeGone).length;
  const refused = rest.length - unknown;
  if (refused > 0) lines.push(`${command}: … and ${refused} more not deleted`);
  if (unknown > 0) lines.push(`${command}: … and ${unknown} more not confirmed deleted`);
  const skipped = result.notAttempted.length;
  if (skipped > 0) lines.push(`${command}: ${skipped} more not attempted after the failure`);
  return lines;
}

/**
 * The extras a failed delete left, by kind (`2 of 4 extra objects not deleted`, then `, 1 not
 * confirmed deleted`, `, 5 not attempted` for the kinds there are), the first kind naming the total.
 * @throws nothing
 */
export function extrasLeft(result: DeleteResult, of: number): string {
  const notConfirmed = result.failed.filter(mayBeGone).length;
  const kinds: Array<[number, string]> = (
    [
      [result.failed.length - notConfirmed, "not deleted"],
      [notConfirmed, "not confirmed deleted"],
      [result.notAttempted.length, "not attempted"],
    ] as Array<[number, string]>
  ).filter(([n]) => n > 0);
  if (kinds.length === 0) kinds.push([0, "not deleted"]);
  return kinds.map(([n, what], i) => (i === 0 ? `${n} of ${plural(of, "extra object")} ${what}` : `${n} ${what}`)).join(", ");
}
