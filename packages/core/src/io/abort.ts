import { ErrorCode } from "../errors/error-code.js";
import { storageError, type StorageError, type StorageErrorContext } from "../errors/storage-error.js";

/**
 * The `Aborted` error for `signal`. The signal's reason is kept as `cause`
 * when it is an Error (a custom reason such as a timeout stays visible).
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

/**
 * Calls `fn` once when `signal` aborts (at once, synchronously, if it already
 * has). Returns an unsubscribe function; call it when the work is done so
 * long-lived signals do not collect listeners.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  signal.addEventListener("abort", fn, { once: true });
  return () => signal.removeEventListener("abort", fn);
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
