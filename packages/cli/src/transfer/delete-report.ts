import { isStorageError, type BatchFailure, type StorageError, type Storager } from "@stowage/core";
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

/** Why one path was not deleted, printable: its code, and the service's own code when it sent one. */
export function notDeletedReason(failure: BatchFailure): string {
  return `not deleted: ${failure.code}${failure.serviceCode === undefined ? "" : ` (${shownPath(failure.serviceCode)})`}`;
}

/**
 * The lines (without the `stowage: ` prefix) a command prints for the paths a delete failed on:
 * one per path (`<command> <path>: not deleted: <code> (<service code>)`, the path as
 * {@link shownPath} prints it) for the first {@link SHOWN_DELETE_FAILURES}, then one line counting
 * the others, and one counting the paths never attempted.
 * @throws nothing
 */
export function deleteFailureLines(command: string, result: DeleteResult): string[] {
  const lines = result.failed.slice(0, SHOWN_DELETE_FAILURES).map((f) => `${command} ${shownPath(f.path)}: ${notDeletedReason(f)}`);
  const more = result.failed.length - SHOWN_DELETE_FAILURES;
  if (more > 0) lines.push(`${command}: … and ${more} more not deleted`);
  const skipped = result.notAttempted.length;
  if (skipped > 0) lines.push(`${command}: ${skipped} more not attempted after the failure`);
  return lines;
}
