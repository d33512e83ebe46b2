import type { BatchFailure, BatchOutcome } from "../errors/batch-outcome.js";
import { ErrorCode } from "../errors/error-code.js";
import { contextOf, isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { thrownText } from "../errors/thrown-text.js";

/** Failed paths a deleteMany rejection names in its message; `error.batch` has them all. */
const NAMED_IN_MESSAGE = 3;
/** Characters of a path shown in the message (a key may take 1,023 bytes). */
const SHOWN_PATH = 80;

type State = "deleted" | "failed" | "notAttempted";

/**
 * What a deleteMany did, position by position, and the rejection that says so: the first
 * failure's code, with a {@link BatchOutcome} of the caller's paths (`StorageError.batch`) and a
 * message that names a few of them only, however many paths the call had.
 */
export class DeleteProgress {
  private readonly states: State[];
  private readonly failures = new Map<number, { code: ErrorCode; serviceCode?: string }>();
  private first: StorageError | undefined;

  /** `keys[i]` is the storage key of `paths[i]`. */
  constructor(
    private readonly paths: readonly string[],
    private readonly keys: readonly string[],
  ) {
    this.states = keys.map(() => "notAttempted");
  }

  /** True once a delete failed: no further one may start. */
  get failed(): boolean {
    return this.first !== undefined;
  }

  deleted(index: number): void {
    this.states[index] = "deleted";
  }

  /** Position `index` failed with `e` (or a delete stopped before it started, with `index` undefined). */
  fail(index: number | undefined, e: unknown): void {
    const error = this.remember(e);
    if (index === undefined) return;
    this.states[index] = "failed";
    this.failures.set(index, { code: error.code });
  }

  /**
   * A driver's `deleteMany` of the positions `indexes` failed with `e`: per the keys its
   * `batch` names, else every one of them with the error's code.
   */
  batchFailed(indexes: readonly number[], e: unknown): void {
    const error = this.remember(e);
    const outcome = error.batch;
    const failedKeys = new Map((outcome?.failed ?? []).map((f) => [f.path, f]));
    const deletedKeys = new Set(outcome?.deleted ?? []);
    const notAttemptedKeys = new Set(outcome?.notAttempted ?? []);
    for (const i of indexes) {
      const key = this.keys[i]!;
      const failure = failedKeys.get(key);
      if (failure !== undefined) {
        this.states[i] = "failed";
        this.failures.set(i, failure.serviceCode === undefined ? { code: failure.code } : { code: failure.code, serviceCode: failure.serviceCode });
      } else if (outcome !== undefined && deletedKeys.has(key)) this.states[i] = "deleted";
      else if (outcome !== undefined && notAttemptedKeys.has(key)) this.states[i] = "notAttempted";
      else {
        // Sent in a call that failed as a whole, or a key the driver's outcome leaves out: not known to be gone.
        this.states[i] = "failed";
        this.failures.set(i, { code: error.code });
      }
    }
  }

  /** The rejection: the first failure, with the outcome by path (each distinct path once). */
  error(): StorageError {
    const first = this.first ?? storageError(ErrorCode.Unexpected, "deleteMany failed");
    const batch = this.outcome();
    const total = batch.failed.length + batch.deleted.length + batch.notAttempted.length;
    const named = batch.failed.slice(0, NAMED_IN_MESSAGE).map((f) => `${JSON.stringify(shorten(f.path))} ${f.serviceCode ?? f.code}`);
    const more = batch.failed.length > NAMED_IN_MESSAGE ? `, and ${batch.failed.length - NAMED_IN_MESSAGE} more` : "";
    const failedPart = batch.failed.length === 0 ? "" : `${batch.failed.length} of ${total} paths failed (${named.join(", ")}${more}), `;
    const summary = `${failedPart}${batch.deleted.length} deleted, ${batch.notAttempted.length} not attempted (error.batch lists them)`;
    return storageError(first.code, `${first.detail}; ${summary}`, {
      cause: first,
      retryable: first.retryable,
      batch,
      ...contextOf(first),
    });
  }

  private remember(e: unknown): StorageError {
    const error = isStorageError(e) ? e : storageError(ErrorCode.Unexpected, thrownText(e), { cause: e });
    this.first ??= error;
    return error;
  }

  /** Each distinct path once: failed if any of its positions failed, else deleted if one was, else not attempted. */
  private outcome(): BatchOutcome {
    const rank: Record<State, number> = { failed: 2, deleted: 1, notAttempted: 0 };
    const best = new Map<string, number>();
    this.paths.forEach((path, i) => {
      const seen = best.get(path);
      if (seen === undefined || rank[this.states[i]!] > rank[this.states[seen]!]) best.set(path, i);
    });
    const failed: BatchFailure[] = [];
    const deleted: string[] = [];
    const notAttempted: string[] = [];
    for (const [path, i] of best) {
      const state = this.states[i]!;
      if (state === "failed") failed.push({ path, ...this.failures.get(i)! });
      else if (state === "deleted") deleted.push(path);
      else notAttempted.push(path);
    }
    return { failed, deleted, notAttempted };
  }
}

function shorten(path: string): string {
  return path.length <= SHOWN_PATH ? path : `${path.slice(0, SHOWN_PATH)}…`;
}
