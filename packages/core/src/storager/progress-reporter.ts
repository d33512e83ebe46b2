import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import type { Progress, ProgressListener } from "../options.js";
import { thrownText } from "../errors/thrown-text.js";

/**
 * Reports cumulative bytes to a listener and closes with the final size. Reports never go
 * backwards: a retried request sends its body again from 0, and those bytes are reported only
 * once they pass what the failed attempt had reached.
 *
 * A listener that throws fails the transfer: {@link ProgressReporter.report} and
 * {@link ProgressReporter.finish} throw {@link progressListenerError} of what it threw, so the
 * code that reported (the HTTP transport, a driver reading the body, the multipart engine)
 * tears its request down and the call rejects with it (an append holds the error back until
 * the service answered: append-ops.ts). A listener that failed once is not called again.
 */
export class ProgressReporter {
  private last = -1;
  private lastHadTotal = false;
  private failed = false;

  constructor(
    private readonly listener: ProgressListener | undefined,
    private total: number | undefined,
  ) {}

  /**
   * Sets the total once it is known (a body of unknown size read to its end before it is sent), so
   * the events from here on carry it and the last one, `{ bytes: size, total: size }`, comes as the
   * last byte goes, not after the service answered. A total given before is kept.
   * @throws nothing
   */
  learnTotal(size: number): void {
    this.total ??= size;
  }

  /**
   * Reports `bytes` done so far, unless it is not more than already reported.
   * @throws StorageError `Unexpected` when the listener throws (`cause` holds what it threw).
   */
  report = (bytes: number): void => {
    if (this.listener === undefined || bytes <= this.last) return;
    this.last = bytes;
    this.lastHadTotal = this.total !== undefined;
    this.call(this.total === undefined ? { bytes } : { bytes, total: this.total });
  };

  /**
   * Reports the final size as `{ bytes: size, total: size }`, unless exactly that was the last
   * thing reported (a body of unknown size gets `total` here, even when its last chunk's event
   * already had the bytes).
   * @throws StorageError `Unexpected` when the listener throws (`cause` holds what it threw).
   */
  finish(size: number): void {
    if (this.listener === undefined || (this.last === size && this.lastHadTotal)) return;
    this.last = size;
    this.lastHadTotal = true;
    this.call({ bytes: size, total: size });
  }

  private call(progress: Progress): void {
    if (this.failed) return;
    try {
      callListener(this.listener!, progress);
    } catch (e) {
      this.failed = true;
      throw progressListenerError(e);
    }
  }
}

/**
 * The error a transfer fails with when its `onProgress` listener throws `e`: a StorageError as is
 * (a listener may stop a transfer with a typed error of its own), anything else `Unexpected`,
 * with `e` as `cause`. Reads and writes use it alike.
 */
export function progressListenerError(e: unknown): StorageError {
  if (isStorageError(e)) return e;
  const message = thrownText(e);
  return storageError(ErrorCode.Unexpected, `the onProgress listener threw: ${message}`, { cause: e, retryable: false });
}

/**
 * The listener core hands a driver's `copy`, `move` or `fetch` (as `onProgress` in its options):
 * it passes on what the driver reports, except reports that go backwards or repeat the last one
 * (a retried range, a driver that reports its last step twice), and a listener that throws fails
 * the call as on writes: the relay throws {@link progressListenerError} of what it threw and
 * calls the listener no more. Undefined when there is no listener, so drivers skip the counting.
 * @throws StorageError (the returned function) the listener's own, or `Unexpected` when it throws anything else.
 */
export function progressRelay(listener: ProgressListener | undefined): ProgressListener | undefined {
  if (listener === undefined) return undefined;
  let last = -1;
  let lastTotal: number | undefined;
  let failed = false;
  return (progress) => {
    if (failed || progress.bytes < last || (progress.bytes === last && progress.total === lastTotal)) return;
    last = progress.bytes;
    lastTotal = progress.total;
    try {
      callListener(listener, progress.total === undefined ? { bytes: progress.bytes } : { bytes: progress.bytes, total: progress.total });
    } catch (e) {
      failed = true;
      throw progressListenerError(e);
    }
  };
}

/**
 * Calls a read's `onProgress` listener; one that throws fails the read with the error writes give
 * ({@link progressListenerError}: `Unexpected: the onProgress listener threw: …`).
 * @throws StorageError the listener's own, or `Unexpected` when it throws anything else.
 */
export function tell(listener: ProgressListener, progress: Progress): void {
  try {
    callListener(listener, progress);
  } catch (e) {
    throw progressListenerError(e);
  }
}

/**
 * Calls `listener`. A listener is not awaited: when it is an `async` function (the type lets one
 * through) and the promise it returns rejects, the rejection is caught and dropped, never left to
 * end the process as an unhandled rejection. Only a synchronous throw stops a transfer.
 * @throws what the listener throws synchronously
 */
function callListener(listener: ProgressListener, progress: Progress): void {
  const returned = (listener as (p: Progress) => unknown)(progress);
  if (returned !== null && typeof returned === "object" && typeof (returned as PromiseLike<unknown>).then === "function") {
    (returned as PromiseLike<unknown>).then(undefined, () => undefined);
  }
}
