import type { Part } from "../object/object-info.js";

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
 * @throws whatever `copyRange` throws.
 */
export async function copyInRanges(
  size: number,
  plan: { partSize: number; count: number },
  concurrency: number,
  copyRange: (range: CopyRange) => Promise<Part>,
): Promise<Part[]> {
  const parts: Part[] = new Array<Part>(plan.count);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < plan.count && !failed) {
      const index = next++;
      const first = index * plan.partSize;
      const last = Math.max(first, Math.min(size, first + plan.partSize) - 1);
      try {
        parts[index] = await copyRange({ index, first, last });
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, plan.count)) }, worker));
  return parts;
}
