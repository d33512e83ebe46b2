import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { StorageFeatures } from "../features.js";
import { DEFAULT_MULTIPART_CONCURRENCY, PART_SIZE_MAXIMUM, planPartSize } from "../multipart/part-plan.js";

/** Default size above which writes go multipart. */
export const DEFAULT_MULTIPART_THRESHOLD = 16 * 1024 * 1024;

/** How one write will be carried out. */
export interface WritePlan {
  /** Bodies larger than this go multipart. */
  threshold: number;
  /**
   * Size of the parts: at most the body's size where that is known; 0 where the write goes in one
   * request (no multipart, or a known size within `threshold` and no upload named). Their buffers
   * are at most this, and no larger than the bytes the body is expected to give (its `size`, or a
   * file stream's stat) either: write-object.ts passes that to the engine as `bufferSize`.
   */
  partSize: number;
  concurrency: number;
  maxParts: number | undefined;
}

/**
 * Picks threshold, part size and concurrency from the options and the
 * service's limits (see {@link planPartSize}). Without multipart, the whole
 * body goes in one request, within the service's write limit. `expectedSize`, the length a body
 * of unknown `size` is expected to have (a file stream's, from a stat), only sizes the parts.
 * A body of known `size` within the threshold, and no `multipartId`, goes in one request: no part
 * size is planned, so none (not even one the service refuses) fails it. Parts are at most
 * `PART_SIZE_MAXIMUM` (a buffer holds each), and at most `size` where it is known: a part buffer
 * is never larger than the body.
 * @throws InvalidArgument when the body cannot fit at all, or a write that goes in parts asks for
 *   a part size above the service's largest.
 */
export function planWrite(
  features: Readonly<StorageFeatures>,
  options: { multipartThreshold?: number; partSize?: number; concurrency?: number; multipartId?: string | undefined },
  size: number | undefined,
  expectedSize?: number,
): WritePlan {
  const limits = features.limits;
  const maxParts = limits.multipartNumberMaximum;
  if (!features.multipart) {
    if (size !== undefined && limits.writeSizeMaximum !== undefined && size > limits.writeSizeMaximum) {
      throw storageError(ErrorCode.InvalidArgument, `${size} bytes exceed the ${limits.writeSizeMaximum}-byte write limit`);
    }
    return { threshold: limits.writeSizeMaximum ?? Number.MAX_SAFE_INTEGER, partSize: 0, concurrency: 1, maxParts };
  }
  const threshold = Math.min(options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD, limits.writeSizeMaximum ?? Number.MAX_SAFE_INTEGER);
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_MULTIPART_CONCURRENCY);
  if (size !== undefined && size <= threshold && options.multipartId === undefined) return { threshold, partSize: 0, concurrency, maxParts };
  const partSize = planPartSize({
    size,
    expectedSize: size === undefined ? expectedSize : undefined,
    partSize: options.partSize,
    multipartSizeMinimum: limits.multipartSizeMinimum,
    multipartSizeMaximum: Math.min(limits.multipartSizeMaximum ?? PART_SIZE_MAXIMUM, PART_SIZE_MAXIMUM),
    multipartNumberMaximum: maxParts,
  });
  return { threshold, partSize: size === undefined ? partSize : Math.min(partSize, Math.max(1, size)), concurrency, maxParts };
}
