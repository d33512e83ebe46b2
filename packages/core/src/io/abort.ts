import { ErrorCode } from "../errors/error-code.js";
import { storageError, type StorageError, type StorageErrorContext } from "../errors/storage-error.js";

/**
 * The longest delay a Node.js timer waits: 2^31 − 1 ms (24 days, 20 h, 31 min). `setTimeout` turns a
 * longer delay into 1 ms (with a `TimeoutOverflowWarning`), and a socket's idle timer cuts it to
 * this: so duration pairs take at most this much, and a timer whose delay is derived (a multiple
 * of one, a service's `Retry-After`) is clamped to it ({@link timerDelay}).
 */
export const TIMER_DELAY_MAXIMUM_MS = 2_147_483_647;

/**
 * `ms` as a timer takes it: at most {@link TIMER_DELAY_MAXIMUM_MS} (a longer wait is cut to that,
 * never turned into 1 ms as `setTimeout` does), at least 0 (NaN is 0).
 * @throws nothing.
 */
export function timerDelay(ms: number): number {
  return ms >= TIMER_DELAY_MAXIMUM_MS ? TIMER_DELAY_MAXIMUM_MS : ms > 0 ? ms : 0;
}

/**
 * The `Aborted` error for `signal`. The signal's reason is kept as `cause`
 * when it is an Error (a custom reason such as a timeout stays visible).
 * @throws nothing (returns the error)
 */
export function abortError(signal?: AbortSignal, ctx: StorageErrorContext = {}): StorageError {
  const reason: unknown = signal?.reason;
  const cause = reason instanceof Error ? reason : undefined;
  return storageError(ErrorCode.Aborted, "operation aborted", cause === undefined ? ctx : { ...ctx, cause });
}

/**
 * Throws when `signal` is already aborted.
 * @throws StorageError `Aborted`.
 */
export function throwIfAborted(signal?: AbortSignal, ctx?: StorageErrorContext): void {
  if (signal?.aborted) throw abortError(signal, ctx);
}

/** The callbacks waiting on one signal through its single `abort` listener (see {@link onAbort}). */
interface AbortFanOut {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const fanOuts = new WeakMap<AbortSignal, AbortFanOut>();

/** Adds core's one `abort` listener to `signal`: it calls the callbacks waiting then. */
function listenOnce(signal: AbortSignal): AbortFanOut {
  const callbacks = new Set<() => void>();
  const listener = (): void => {
    fanOuts.delete(signal);
    // A Set iterates in insertion order and skips entries deleted meanwhile.
    for (const callback of callbacks) {
      callbacks.delete(callback);
      try {
        callback();
      } catch (e) {
        process.nextTick(() => {
          throw e;
        });
      }
    }
  };
  const fanOut = { callbacks, listener };
  fanOuts.set(signal, fanOut);
  signal.addEventListener("abort", listener, { once: true });
  return fanOut;
}

/**
 * Calls `fn` once when `signal` aborts (at once, synchronously, if it already
 * has). Returns an unsubscribe function; call it when the work is done so
 * long-lived signals do not collect listeners.
 *
 * However many calls wait on one signal, it carries a single `abort` listener of core's, removed once
 * the last of them unsubscribed: a caller sharing one signal across many concurrent operations
 * (cancel a whole batch) never passes Node's limit of 10 listeners per event, which would print a
 * `MaxListenersExceededWarning`. Callbacks run in the order they subscribed; one unsubscribed by an
 * earlier one is not called, and one that throws is reported as an uncaught exception (as an event
 * listener's would be) without keeping the others from running.
 * @throws nothing itself; `fn`'s exception when the signal had already aborted.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  const fanOut = fanOuts.get(signal) ?? listenOnce(signal);
  const { callbacks, listener } = fanOut;
  // A wrapper of its own: the same `fn` subscribed twice is called twice, and unsubscribed one at a time.
  const entry = (): void => fn();
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    signal.removeEventListener("abort", listener);
    if (fanOuts.get(signal) === fanOut) fanOuts.delete(signal);
  };
}

/**
 * Settles like `promise`, or rejects with {@link abortError} as soon as `signal`
 * aborts, whichever comes first. The abandoned promise's later rejection is
 * swallowed. Use it to stop waiting on work that cannot be cancelled itself
 * (a stalled body stream, a page fetch without a signal).
 *
 * @throws StorageError `Aborted` when the signal aborts first (or already has).
 */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal, ctx?: StorageErrorContext): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError(signal, ctx));
  }
  return new Promise<T>((resolve, reject) => {
    const off = onAbort(signal, () => {
      promise.catch(() => {});
      reject(abortError(signal, ctx));
    });
    promise.then(
      (value) => {
        off();
        resolve(value);
      },
      (error: unknown) => {
        off();
        reject(error);
      },
    );
  });
}

/**
 * Waits `ms` (at most {@link TIMER_DELAY_MAXIMUM_MS}: a longer wait, such as a service's
 * `Retry-After` under a large `retry_max_delay`, is cut to that rather than ending after 1 ms), or
 * rejects with {@link abortError} as soon as `signal` aborts (at once when it already
 * has), clearing the timer. Unlike `setTimeout` of `node:timers/promises` with a signal, many waits on
 * one signal (retries in backoff that share the caller's signal) add one listener to it, not one each.
 * @throws StorageError `Aborted`.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const off = onAbort(signal, () => {
      clearTimeout(timer);
      reject(abortError(signal));
    });
    const timer = setTimeout(() => {
      off();
      resolve();
    }, timerDelay(ms));
  });
}

/** A signal derived from others, and how to let go of them. */
export interface LinkedSignal {
  /** The derived signal (`undefined` when there was nothing to derive it from). */
  readonly signal: AbortSignal | undefined;
  /** Unsubscribes from the signals it was derived from; call it when the work is done. */
  release(): void;
}

/**
 * One signal that aborts when either does (with its reason). Unlike `AbortSignal.any`, it leaves
 * nothing on a long-lived signal once released (Node 20 keeps an entry per `any` call).
 * @throws nothing.
 */
export function linkSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): LinkedSignal {
  if (a === undefined || b === undefined) return { signal: a ?? b, release: () => {} };
  const controller = new AbortController();
  const offA = onAbort(a, () => controller.abort(a.reason));
  const offB = onAbort(b, () => controller.abort(b.reason));
  return {
    signal: controller.signal,
    release: () => {
      offA();
      offB();
    },
  };
}

/**
 * A signal that aborts `graceMs` after `signal` does: work that must not be cut short when its
 * caller aborts (a request the service may already have applied) gets that long to finish, and
 * no longer.
 * @throws nothing.
 */
export function graceSignal(signal: AbortSignal | undefined, graceMs: number): LinkedSignal {
  if (signal === undefined) return { signal: undefined, release: () => {} };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const off = onAbort(signal, () => {
    timer = setTimeout(() => controller.abort(signal.reason), graceMs);
    timer.unref();
  });
  return {
    signal: controller.signal,
    release: () => {
      off();
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
