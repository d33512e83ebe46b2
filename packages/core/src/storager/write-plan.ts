import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { StorageFeatures } from "../features.js";
import { DEFAULT_MULTIPART_CONCURRENCY, planPartSize } from "../multipart/part-plan.js";

/** Default size above which writes go multipart. */
export const DEFAULT_MULTIPART_THRESHOLD = 16 * 1024 * 1024;

/** How one write will be carried out. */
export interface WritePlan {
  /** Bodies larger than this go multipart. */
  threshold: number;
  partSize: number;
  concurrency: number;
  maxParts: number | undefined;
}

/**
 * Picks threshold, part size and concurrency from the options and the
 * service's limits (see {@link planPartSize}). Without multipart, the whole
 * body goes in one request, within the service's write limit. `expectedSize`, the length a body
 * of unknown `size` is expected to have (a file stream's, from a stat), only sizes the parts.
 * @throws InvalidArgument when the body cannot fit at all.
 */
export function planWrite(
  features: Readonly<StorageFeatures>,
  options: { multipartThreshold?: number; partSize?: number; concurrency?: number },
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
  const partSize = planPartSize({
    size,
    expectedSize: size === undefined ? expectedSize : undefined,
    partSize: options.partSize,
    multipartSizeMinimum: limits.multipartSizeMinimum,
    multipartSizeMaximum: limits.multipartSizeMaximum,
    multipartNumberMaximum: maxParts,
  });
  const threshold = Math.min(options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD, limits.writeSizeMaximum ?? Number.MAX_SAFE_INTEGER);
  return { threshold, partSize, concurrency: Math.max(1, options.concurrency ?? DEFAULT_MULTIPART_CONCURRENCY), maxParts };
}
