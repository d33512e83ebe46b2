import type { Part } from "../object/object-info.js";
import type { ProgressListener } from "../options.js";

/** One range of a server-side multipart copy: the part's index and its first and last byte (inclusive). */
export interface CopyRange {
  index: number;
  first: number;
  last: number;
}

/**
 * Runs the ranges of a server-side multipart copy of `size` bytes: `count` ranges of `partSize`
 * (from {@link planCopyParts}), `concurrency` at a time, each through `copyRange`, which copies it
 * and returns the stored part. Resolves with the parts in order. After a failure no further range
 * starts, and the promise rejects with that failure at once (the caller then aborts the upload,
 * which ends the ranges still in flight).
 *
 * `onProgress` (the relay core hands a driver's copy) gets `{ bytes, total: size }` after each
 * range, `bytes` the sum of the ranges copied so far (in the order they finish) — except after the
 * range that completes the sum: the upload is not complete yet, and the driver reports
 * `{ bytes: size, total: size }` once its Complete (and its checks) succeeded. A listener that
 * throws fails the copy like a range that failed.
 * @throws whatever `copyRange` or `onProgress` throws.
 */
export async function copyInRanges(
  size: number,
  plan: { partSize: number; count: number },
  concurrency: number,
  copyRange: (range: CopyRange) => Promise<Part>,
  onProgress?: ProgressListener,
): Promise<Part[]> {
  const parts: Part[] = new Array<Part>(plan.count);
  let next = 0;
  let failed = false;
  let copied = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.count && !failed) {
      const index = next++;
      const first = index * plan.partSize;
      const last = Math.max(first, Math.min(size, first + plan.partSize) - 1);
      try {
        parts[index] = await copyRange({ index, first, last });
        copied += last - first + 1;
        if (onProgress !== undefined && copied < size && !failed) onProgress({ bytes: copied, total: size });
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, plan.count)) }, worker));
  return parts;
}
