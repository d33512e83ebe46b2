// Bounded concurrency helpers used by the harness (never by @stowage/cos, which schedules itself).

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight; rejects on the first failure. */
export async function runPool(n, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/**
 * Multipart scheduling for the clients without their own (bare and SDK's
 * low-level calls): reads parts from `parts` (an async iterator), keeps at
 * most `concurrency` uploads in flight, so memory stays near
 * (concurrency + 1) × part size. Resolves to the per-part results in order.
 */
export async function uploadParts(parts, concurrency, uploadPart) {
  const results = [];
  const inFlight = new Set();
  let failure;
  let index = 0;
  for await (const part of parts) {
    if (failure) break;
    const i = index++;
    const p = uploadPart(i, part).then(
      (r) => {
        results[i] = r;
        inFlight.delete(p);
      },
      (e) => {
        failure ??= e;
        inFlight.delete(p);
      },
    );
    inFlight.add(p);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return results;
}
