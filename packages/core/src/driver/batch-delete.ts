import type { BatchFailure, BatchOutcome } from "../errors/batch-outcome.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";

/** A key a batch-delete answer reports as not deleted. */
export interface KeyDeleteFailure {
  key: string;
  /** The StorageError for it (its code, and a message naming the service's code). */
  error: StorageError;
  /** The service's own code (`AccessDenied`, `permission_denied`...). */
  serviceCode?: string;
}

/** How a driver deletes keys: in batch requests where they fit, one by one otherwise. */
export interface BatchDeleteSteps {
  /** True for a key the batch request can carry (XML 1.0 cannot carry some control characters). */
  fitsBatch(key: string): boolean;
  /**
   * Sends one batch request for `keys` and returns the keys it reports as not deleted (a missing
   * key is no failure); throws when the request failed as a whole, or its answer is no batch result.
   */
  batch(keys: string[]): Promise<KeyDeleteFailure[]>;
  /** Deletes one key (a missing one is no failure). */
  single(key: string): Promise<void>;
}

/**
 * A driver's `deleteMany`: refuses an empty key (the bucket's root: that request would name the
 * bucket) before anything is sent, sends the keys that fit in one batch request, then the others
 * one by one. After a failure nothing more is sent, and the error carries `batch`, a
 * {@link BatchOutcome} naming keys (the failed ones with their codes, the deleted ones, the ones
 * never sent), which core turns into the caller's paths.
 * @throws StorageError `InvalidArgument` (an empty key, naming its position: nothing sent), else
 *   the first failure (a key's own code, or the request's), with `batch`
 */
export async function runBatchDelete(keys: readonly string[], steps: BatchDeleteSteps): Promise<void> {
  const empty = keys.indexOf("");
  if (empty >= 0) throw storageError(ErrorCode.InvalidArgument, `delete: key ${empty} of the batch is empty (the bucket's root): nothing is deleted`);
  const batched = keys.filter((k) => steps.fitsBatch(k));
  const singles = keys.filter((k) => !steps.fitsBatch(k));
  if (batched.length > 0) {
    let failures: KeyDeleteFailure[];
    try {
      failures = await steps.batch(batched);
    } catch (e) {
      throw withOutcome(e, { failed: batched.map((path) => ({ path, code: codeOf(e) })), deleted: [], notAttempted: singles });
    }
    if (failures.length > 0) {
      const byKey = new Map(failures.map((f) => [f.key, f]));
      // A failure naming a key that was not sent says nothing of which key failed: none is known to be gone.
      const sent = new Set(batched);
      const known = failures.every((f) => sent.has(f.key));
      const first = failures[0]!;
      const failed: BatchFailure[] = [];
      const deleted: string[] = [];
      for (const key of sent) {
        const f = byKey.get(key) ?? (known ? undefined : first);
        if (f === undefined) deleted.push(key);
        else failed.push(f.serviceCode === undefined ? { path: key, code: f.error.code } : { path: key, code: f.error.code, serviceCode: f.serviceCode });
      }
      throw withOutcome(first.error, { failed, deleted, notAttempted: singles });
    }
  }
  for (let i = 0; i < singles.length; i++) {
    try {
      await steps.single(singles[i]!);
    } catch (e) {
      throw withOutcome(e, { failed: [{ path: singles[i]!, code: codeOf(e) }], deleted: [...batched, ...singles.slice(0, i)], notAttempted: singles.slice(i + 1) });
    }
  }
}

function codeOf(e: unknown): ErrorCode {
  return isStorageError(e) ? e.code : ErrorCode.Unexpected;
}

/** `e` (a StorageError, or wrapped as `Unexpected`) with `batch` set. */
function withOutcome(e: unknown, batch: BatchOutcome): StorageError {
  const error = isStorageError(e) ? e : storageError(ErrorCode.Unexpected, e instanceof Error ? e.message : String(e), { cause: e });
  return storageError(error.code, error.detail, {
    cause: error.cause,
    retryable: error.retryable,
    batch,
    ...(error.op === undefined ? {} : { op: error.op }),
    ...(error.service === undefined ? {} : { service: error.service }),
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
  });
}
