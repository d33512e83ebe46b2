/**
 * Bytes the driver takes in (copies and hashes) or hands out before it lets the event loop run.
 * Hashing and copying never wait on I/O, so without these turns a large body would keep timers,
 * and with them an `AbortSignal.timeout` or a caller's `setTimeout(() => c.abort())`, from ever
 * running while the call is busy. Bodies up to this size take no turn at all.
 */
export const STEP_BYTES = 8 * 1024 * 1024;

/** Resolves on the event loop's next turn (after due timers and I/O callbacks have run). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
