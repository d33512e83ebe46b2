import type { ErrorCode } from "./error-code.js";

/** One path of a {@link BatchOutcome} whose delete failed. */
export interface BatchFailure {
  /** The path as the caller gave it (in a driver's error: the storage key). */
  readonly path: string;
  /** What it failed with. */
  readonly code: ErrorCode;
  /** The service's own code for it (`AccessDenied`, `permission_denied`...), when the service sent one. */
  readonly serviceCode?: string;
}

/**
 * Where a `deleteMany` stood when it failed, path by path (`StorageError.batch`). Each distinct
 * path given is in exactly one of the three lists, in the order given. A retry of `failed` and
 * `notAttempted` finishes the job (deletes are idempotent).
 *
 * A driver's `deleteMany` may throw an error carrying one, naming storage keys instead of paths
 * (core turns them into the caller's paths): without it, every key of the call counts as failed
 * with the error's code.
 */
export interface BatchOutcome {
  /**
   * Not deleted, each with its code: refused by the service, or sent in a request that failed as
   * a whole (after a network failure such a path may in fact be gone).
   */
  readonly failed: readonly BatchFailure[];
  /** Deleted (or already missing). */
  readonly deleted: readonly string[];
  /** Never sent: after a failure no further delete starts. */
  readonly notAttempted: readonly string[];
}
