import type { BatchFailure, BatchOutcome } from "../errors/batch-outcome.js";
import { ErrorCode } from "../errors/error-code.js";
import { contextOf, isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { thrownText } from "../errors/thrown-text.js";

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
 * never sent), which core turns into the caller's paths. An answer that names a key that was not
 * sent is inconsistent: the sent keys it names stay failed with their codes, the others are not
 * known to be gone and fail as `Unexpected` without a service code ("not confirmed deleted").
 * @throws StorageError `InvalidArgument` (an empty key, naming its position: nothing sent),
 *   `Unexpected` (a batch answer named a key that was not sent), else the first failure (a key's
 *   own code, or the request's), with `batch`
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
    if (failures.length > 0) throw batchFailure(batched, failures, singles);
  }
  for (let i = 0; i < singles.length; i++) {
    try {
      await steps.single(singles[i]!);
    } catch (e) {
      throw withOutcome(e, { failed: [{ path: singles[i]!, code: codeOf(e) }], deleted: [...batched, ...singles.slice(0, i)], notAttempted: singles.slice(i + 1) });
    }
  }
}

/**
 * The error of a batch whose answer reported `failures`: the first one's, with every sent key
 * failed (its own code) or deleted. When a failure names a key that was not sent, the answer does
 * not say which keys are gone: the sent keys it does not name fail as `Unexpected` with no service
 * code, and so does the error, saying so.
 */
function batchFailure(batched: readonly string[], failures: readonly KeyDeleteFailure[], singles: string[]): StorageError {
  const sent = new Set(batched);
  const byKey = new Map<string, KeyDeleteFailure>();
  for (const f of failures) if (sent.has(f.key) && !byKey.has(f.key)) byKey.set(f.key, f);
  const foreign = failures.filter((f) => !sent.has(f.key));
  const failed: BatchFailure[] = [];
  const deleted: string[] = [];
  let unconfirmed = 0;
  for (const key of sent) {
    const f = byKey.get(key);
    if (f !== undefined) failed.push(f.serviceCode === undefined ? { path: key, code: f.error.code } : { path: key, code: f.error.code, serviceCode: f.serviceCode });
    else if (foreign.length === 0) deleted.push(key);
    else {
      failed.push({ path: key, code: ErrorCode.Unexpected });
      unconfirmed++;
    }
  }
  const batch: BatchOutcome = { failed, deleted, notAttempted: singles };
  if (foreign.length === 0) return withOutcome(failures[0]!.error, batch);
  const other = foreign[0]!;
  const named = foreign.length === 1 ? "a key that was not sent" : `${foreign.length} keys that were not sent`;
  const reported = other.serviceCode === undefined ? other.error.code : other.serviceCode;
  const detail = `delete: the batch answer named ${named} (reported ${reported}): it does not say which keys are gone; ${unconfirmed} of ${sent.size} sent keys not confirmed deleted`;
  // The Unexpected is core's verdict on the answer, not the service's code for a failure: no serviceCode.
  const { serviceCode: _foreignKeyCode, ...context } = contextOf(other.error);
  return withOutcome(storageError(ErrorCode.Unexpected, detail, { cause: other.error, retryable: false, ...context }), batch);
}

function codeOf(e: unknown): ErrorCode {
  return isStorageError(e) ? e.code : ErrorCode.Unexpected;
}

/** `e` (a StorageError, or wrapped as `Unexpected`) with `batch` set. */
function withOutcome(e: unknown, batch: BatchOutcome): StorageError {
  const error = isStorageError(e) ? e : storageError(ErrorCode.Unexpected, thrownText(e), { cause: e });
  return storageError(error.code, error.detail, {
    cause: error.cause,
    retryable: error.retryable,
    batch,
    ...contextOf(error, true),
  });
}
