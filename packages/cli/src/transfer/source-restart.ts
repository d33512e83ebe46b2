import type { Readable } from "node:stream";
import { abortError, ErrorCode, isStorageError, type StorageError } from "@stowage/core";

// A streamed copy whose SOURCE read broke is started again from byte 0 (copy-object.ts). Core
// resumes a broken read itself where it can pin the object's version (an ETag or a CRC-64) and
// fails it with a retryable error once its `max_retries` resumes are used up; one it cannot pin (a
// QingStor multipart object another tool completed without an ETag) it never resumes: the read
// fails at the first reset or short body. Neither is restarted by anything but this.

/** Times one object's copy is started again after its source read broke: 3 attempts in all (`hashObject`'s TSDoc, in verify.ts, states this and the delays). */
export const SOURCE_RESTARTS = 2;

/** The wait before restart n (1-based): short, as core already waited between its own tries. */
export const RESTART_DELAYS_MS: readonly number[] = [250, 1000];

/**
 * The source read's error when the write of a streamed copy failed because that read broke: `read`
 * failed with a retryable StorageError other than `Aborted`, and the write's error `e` is that
 * error (core passes a body's StorageError on as is, or a copy with more context: same code and
 * text). Undefined for anything else: a failure of the write's own (core already retried its
 * requests), a read error that is not retryable (`ObjectNotExist`, `IntegrityMismatch`...), and
 * anything once `signal` aborted. Read `read.errored` before destroying the streams.
 * @throws never
 */
export function sourceBreak(e: unknown, read: Readable, signal: AbortSignal): StorageError | undefined {
  if (signal.aborted) return undefined;
  const broke = read.errored;
  if (!isStorageError(broke) || !broke.retryable || broke.code === ErrorCode.Aborted) return undefined;
  if (!isStorageError(e) || e.code !== broke.code || e.detail !== broke.detail) return undefined;
  return broke;
}

/**
 * Waits before restart `n` (1-based; see {@link RESTART_DELAYS_MS}). The timer is cleared when
 * `signal` aborts, so nothing keeps the process alive after Ctrl-C.
 * @throws StorageError `Aborted` when `signal` aborts (before or during the wait)
 */
export async function waitToRestart(n: number, signal: AbortSignal): Promise<void> {
  const ms = RESTART_DELAYS_MS[Math.min(n, RESTART_DELAYS_MS.length) - 1] ?? 0;
  if (signal.aborted) throw abortError(signal);
  await new Promise<void>((resolve, reject) => {
    const stop = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      resolve();
    }, ms);
    signal.addEventListener("abort", stop, { once: true });
  });
}
