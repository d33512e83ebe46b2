import { isTransientFailure } from "../http/network-error.js";
import { raceAbort, timerDelay } from "../io/abort.js";

/** The rejection of a {@link ProviderCall}'s `result` when time ran out. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * One credential provider call bounded by a timeout whose timer keeps the process alive exactly
 * while a caller waits on the call: a provider awaiting something that holds no handle then still
 * ends in the timeout error instead of letting Node exit in the middle of the caller's `await`.
 * A renewal nobody waits on, and a call every waiting caller gave up on (aborted), hold nothing:
 * a process with nothing else to do exits, and a test runner does not linger for the rest of the wait.
 */
export class ProviderCall<T> {
  /** Settles like the provider's answer, or rejects with {@link TIMED_OUT} after the timeout (its later outcome is dropped). */
  readonly result: Promise<T>;
  /** The timeout's timer while the provider has not answered (cleared, and undefined, once the call settled). */
  private timer: NodeJS.Timeout | undefined;
  /** Callers waiting on the call now (see {@link ProviderCall.wait}). */
  private waiting = 0;

  /** `timeoutMs` is cut to what a timer waits (2^31 − 1 ms), never let run out at once. @throws nothing */
  constructor(answer: Promise<T>, timeoutMs: number) {
    this.result = new Promise<T>((resolve, reject) => {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        answer.catch(() => undefined);
        reject(TIMED_OUT);
      }, timerDelay(timeoutMs));
      // Unreferenced until a caller waits (a background renewal holds nothing).
      this.timer.unref();
      answer.then(
        (value) => {
          this.settled();
          resolve(value);
        },
        (error: unknown) => {
          this.settled();
          reject(error);
        },
      );
    });
  }

  /**
   * Waits on `outcome` (what the call turns into for its callers) as one more caller of this call,
   * until `outcome` settles or `signal` aborts: the timeout's timer keeps the process alive while at
   * least one caller waits, and is let go (unref'd) as soon as none does.
   * @throws StorageError `Aborted` when `signal` aborts first (or already has); else what `outcome` rejects with.
   */
  wait<R>(outcome: Promise<R>, signal: AbortSignal | undefined): Promise<R> {
    if (signal?.aborted) return raceAbort(outcome, signal);
    this.waiting++;
    this.timer?.ref();
    const waited = raceAbort(outcome, signal);
    const done = (): void => {
      this.waiting--;
      if (this.waiting === 0) this.timer?.unref();
    };
    waited.then(done, done);
    return waited;
  }

  /** The provider answered: the timer is not needed any more. */
  private settled(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Whether what a credential provider threw is worth asking it again: a StorageError's own verdict
 * (an STS call of its own that failed with a retryable `ServiceInternal`), or a transient network
 * failure (a socket code such as `ECONNRESET`, `ETIMEDOUT`, `EAI_AGAIN`, as core's HTTP client
 * retries). Anything else (a plain Error, a TLS failure, a string) is not.
 * @throws nothing
 */
export function transientProviderFailure(e: unknown): boolean {
  return isTransientFailure(e);
}
