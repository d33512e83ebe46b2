import { setTimeout as sleep } from "node:timers/promises";
import { isErrno } from "./errors.js";

// Opening a file or directory when the process (EMFILE) or the system (ENFILE) is out of file
// descriptors: they come back as the driver's other calls (a tree copy's dozens at once) close
// theirs, so the open is tried again after a short wait, the waits growing, for about two seconds in
// all, before the error is let through (errors.ts: `ServiceInternal`, retryable). An open that fails
// so has done nothing: the descriptor is taken before anything is created (O_CREAT, O_EXCL).

/** How long one call waits for descriptors in all, and its first wait (ms). Tests lower them. */
export const descriptorWait = { totalMs: 2000, firstMs: 5, longestMs: 250 };

/**
 * Runs `open` (an open of a file or directory, or a readdir) and, while it fails with EMFILE or
 * ENFILE, again after a wait (5 ms, doubling up to 250 ms; about {@link descriptorWait}.totalMs in
 * all), then lets the last error through.
 * @throws what `open` throws (raw fs errors; EMFILE or ENFILE when descriptors stayed short).
 */
export async function whenDescriptorsFree<T>(open: () => Promise<T>): Promise<T> {
  let waited = 0;
  let wait = descriptorWait.firstMs;
  for (;;) {
    try {
      return await open();
    } catch (e) {
      if (!isErrno(e, "EMFILE", "ENFILE") || waited >= descriptorWait.totalMs) throw e;
    }
    const step = Math.min(wait, descriptorWait.longestMs, descriptorWait.totalMs - waited);
    await sleep(step);
    waited += step;
    wait *= 2;
  }
}
