import { constants as bufferConstants } from "node:buffer";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { StorageFeatures } from "../features.js";
import { DEFAULT_MULTIPART_CONCURRENCY, PART_SIZE_MAXIMUM, planPartSize } from "../multipart/part-plan.js";

/** Default size above which writes go multipart. */
export const DEFAULT_MULTIPART_THRESHOLD = 16 * 1024 * 1024;

/**
 * The most bytes one request of a write carries: a body written in one request is held in one
 * Buffer, so what a Buffer holds (4 GiB on Node.js 20). `multipart_threshold` is cut to it (and
 * to the service's `writeSizeMaximum`): a larger body goes multipart instead of failing once it
 * has been read into memory.
 */
export const SINGLE_REQUEST_MAXIMUM = bufferConstants.MAX_LENGTH;

/** How one write will be carried out. */
export interface WritePlan {
  /**
   * Bodies larger than this go multipart: `multipartThreshold`, at most the service's
   * `writeSizeMaximum` and {@link SINGLE_REQUEST_MAXIMUM}.
   */
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
 * service's limits (see {@link planPartSize}). The threshold is at most the service's
 * `writeSizeMaximum` and {@link SINGLE_REQUEST_MAXIMUM} (what one Buffer holds): a larger
 * `multipartThreshold` is cut to them, so a body one request cannot carry goes multipart. Without
 * multipart, the whole body goes in one request, within the service's write limit and that Buffer. `expectedSize`, the length a body
 * of unknown `size` is expected to have (a file stream's, from a stat), only sizes the parts.
 * A body of known `size` within the threshold, and no `multipartId`, goes in one request: no part
 * size is planned, so none (not even one the service refuses) fails it. Parts are at most
 * `PART_SIZE_MAXIMUM` (a buffer holds each), and at most `size` where it is known: a part buffer
 * is never larger than the body.
 * @throws InvalidArgument when the body cannot fit at all (without multipart: a `size` above the
 *   service's write limit or what one Buffer holds), or a write that goes in parts asks for a part
 *   size above the service's largest.
 */
export function planWrite(
  features: Readonly<StorageFeatures>,
  options: { multipartThreshold?: number; partSize?: number; concurrency?: number; multipartId?: string | undefined },
  size: number | undefined,
  expectedSize?: number,
): WritePlan {
  const limits = features.limits;
  const maxParts = limits.multipartNumberMaximum;
  // One request's body is one Buffer: never more than the service takes in one, nor than a Buffer holds.
  const singleMaximum = Math.min(limits.writeSizeMaximum ?? Number.MAX_SAFE_INTEGER, SINGLE_REQUEST_MAXIMUM);
  if (!features.multipart) {
    if (size !== undefined && limits.writeSizeMaximum !== undefined && size > limits.writeSizeMaximum) {
      throw storageError(ErrorCode.InvalidArgument, `${size} bytes exceed the ${limits.writeSizeMaximum}-byte write limit`);
    }
    if (size !== undefined && size > SINGLE_REQUEST_MAXIMUM) {
      throw storageError(
        ErrorCode.InvalidArgument,
        `${size} bytes exceed the ${SINGLE_REQUEST_MAXIMUM} bytes one request holds (one Buffer on this Node.js), and this service has no multipart upload`,
      );
    }
    return { threshold: singleMaximum, partSize: 0, concurrency: 1, maxParts };
  }
  const threshold = Math.min(options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD, singleMaximum);
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
