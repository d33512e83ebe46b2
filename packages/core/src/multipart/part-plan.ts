import { constants as bufferConstants } from "node:buffer";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { typeName, wrongType } from "../errors/wrong-type.js";

/** Part size used when the caller sets none: 8 MiB. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/**
 * The largest part size any write takes (`part_size` is refused above it): 5 GiB, the largest part
 * COS, OSS and QingStor take, or what one Buffer holds where that is less (4 GiB on Node.js 20),
 * as a part is held in one buffer. Services with no largest part of their own (fs, memory) are
 * bounded by it too, and a write's planned parts never exceed it.
 */
export const PART_SIZE_MAXIMUM = Math.min(bufferConstants.MAX_LENGTH, 5 * 1024 ** 3);

/** Parts in flight when the caller sets no concurrency. */
export const DEFAULT_MULTIPART_CONCURRENCY = 4;

/** Parts a write keeps in memory, uploading or hashing, when its concurrency is below this. */
export const HASH_WINDOW = 6;

/**
 * Parts core's writes read and hash beyond `concurrency` while that many upload:
 * enough for {@link HASH_WINDOW} parts in memory, at most `concurrency` more
 * (so 1 → 1, 2 → 2, 3 → 3, 4 → 2, 5 → 1, 6 and above → 0). Hashing then
 * runs ahead of the uploads instead of in step with them, and parts are read
 * in batches of this many whose MD5s share the SIMD lanes of a hashing worker
 * (hash-pool.ts, part-batch.ts). Memory: part size × (concurrency + readAhead).
 * A window of 8 (4 parts ahead at concurrency 4) hashes with ~14% less CPU
 * but holds two more parts: a 1 GiB upload at concurrency 4 peaked at 194–212
 * MiB against 179–183 with 6 (docs/benchmarks.md), so 6 stays.
 * @throws nothing
 */
export function readAheadFor(concurrency: number): number {
  return Math.max(0, Math.min(concurrency, HASH_WINDOW - concurrency));
}

/** Inputs of {@link planPartSize}. Limits mirror `StorageLimits`. */
export interface PartPlanInput {
  /** Total body size, when known. */
  size?: number | undefined;
  /**
   * Without `size`: the length the body is expected to have (a file's length from a stat), a
   * hint rather than a limit. The part size is raised as for a `size` of it plus 1/16, so a body
   * that grows a little while it is read still fits (up to the largest parts); one larger than the
   * largest parts can hold is refused, as a `size` of it is.
   */
  expectedSize?: number | undefined;
  /** Part size the caller asked for (default {@link DEFAULT_PART_SIZE}). */
  partSize?: number | undefined;
  /** Smallest part except the last. */
  multipartSizeMinimum?: number | undefined;
  /** Largest part. */
  multipartSizeMaximum?: number | undefined;
  /** Most parts in one upload. */
  multipartNumberMaximum?: number | undefined;
}

const MiB = 1024 * 1024;

/**
 * Chooses the part size of an upload: the requested (or default) size, raised to
 * the service minimum and, when the total size is known (or expected: `expectedSize`), raised
 * (to a whole MiB) until the parts fit the part-count limit; never above the service maximum.
 * Without either, a body longer than the part size × the part-count limit cannot be uploaded.
 *
 * @throws StorageError `InvalidArgument` for an `input` that is not an object, a field that is
 *   not a number (`size` or `expectedSize` not a whole number of 0 or more, a limit below 0 or NaN), a non-positive or
 *   fractional part size, a requested part size above the maximum, or a size (or an expected size)
 *   larger than the part limits hold (the part-count limit × the largest part size), before anything
 *   is sent.
 */
export function planPartSize(input: PartPlanInput): number {
  checkPlanInput(input);
  const { size, multipartSizeMinimum: min, multipartSizeMaximum: max, multipartNumberMaximum: maxParts } = input;
  if (input.partSize !== undefined && (!Number.isSafeInteger(input.partSize) || input.partSize <= 0)) {
    throw storageError(ErrorCode.InvalidArgument, `part size must be a positive integer, got ${input.partSize}`);
  }
  if (input.partSize !== undefined && max !== undefined && input.partSize > max) {
    throw storageError(ErrorCode.InvalidArgument, `part size ${input.partSize} is above the service maximum ${max}`);
  }
  let partSize = input.partSize ?? DEFAULT_PART_SIZE;
  if (min !== undefined) partSize = Math.max(partSize, min);
  if (max !== undefined) partSize = Math.min(partSize, max);
  const planned = size ?? withHeadroom(input.expectedSize, max, maxParts);
  if (planned !== undefined && maxParts !== undefined && partCount(planned, partSize) > maxParts) {
    const needed = Math.ceil(planned / maxParts);
    partSize = Math.max(partSize, Math.ceil(needed / MiB) * MiB);
    if (max !== undefined && partSize > max) partSize = Math.max(needed, max);
    if (partCount(planned, partSize) > maxParts || (max !== undefined && partSize > max)) {
      throw storageError(ErrorCode.InvalidArgument, `a body of ${planned} bytes does not fit in ${maxParts} parts of at most ${max} bytes`);
    }
  }
  return partSize;
}

/**
 * The size an expected (not promised) length is planned for: itself plus 1/16, at most what
 * `maxParts` parts of `max` bytes hold.
 * @throws StorageError `InvalidArgument` when even the length itself does not fit there: such a
 *   body would fail once that much was sent (at 8 MiB parts, after 78 GiB), so it fails before.
 */
function withHeadroom(expected: number | undefined, max: number | undefined, maxParts: number | undefined): number | undefined {
  if (expected === undefined) return undefined;
  const capacity = max === undefined || maxParts === undefined ? Number.MAX_SAFE_INTEGER : max * maxParts;
  if (expected > capacity) {
    throw storageError(ErrorCode.InvalidArgument, `a body expected to hold ${expected} bytes does not fit in one object: the service stores at most ${capacity} bytes (${maxParts} parts of at most ${max} bytes)`);
  }
  return Math.min(expected + Math.ceil(expected / 16), capacity);
}

/** Checks the types and ranges of {@link planPartSize}'s input (the part size is checked there). */
function checkPlanInput(input: PartPlanInput): void {
  if (input === null || typeof input !== "object") throw wrongType("planPartSize", "input", "an object", input);
  const { size, expectedSize, multipartSizeMinimum, multipartSizeMaximum, multipartNumberMaximum } = input;
  for (const [name, value] of Object.entries({ size, expectedSize })) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw storageError(ErrorCode.InvalidArgument, `planPartSize: ${name} must be a whole number of 0 or more, got ${typeof value === "number" ? value : typeName(value)}`);
    }
  }
  for (const [name, value] of Object.entries({ multipartSizeMinimum, multipartSizeMaximum, multipartNumberMaximum })) {
    if (value !== undefined && (typeof value !== "number" || !(value >= 0))) {
      throw storageError(ErrorCode.InvalidArgument, `planPartSize: ${name} must be a number of 0 or more, got ${typeof value === "number" ? value : typeName(value)}`);
    }
  }
}

/**
 * The ranges of a server-side multipart copy of `size` bytes: `partSize` (the driver's preferred
 * range), raised to a whole MiB until the copy fits the service's part-count limit, as
 * {@link planPartSize} does for uploads; and how many ranges that makes. Call it before anything
 * is sent, so a source too large fails at once.
 * @throws StorageError `InvalidArgument` when parts of the service's maximum size cannot cover `size`.
 */
export function planCopyParts(size: number, partSize: number, limits: Pick<PartPlanInput, "multipartSizeMaximum" | "multipartNumberMaximum">): { partSize: number; count: number } {
  const step = planPartSize({ size, partSize, multipartSizeMaximum: limits.multipartSizeMaximum, multipartNumberMaximum: limits.multipartNumberMaximum });
  return { partSize: step, count: partCount(size, step) };
}

/** Number of parts `size` bytes make at `partSize` (an empty body is one empty part). @throws nothing */
export function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

/**
 * Checks a 0-based part index: a whole number, below `maxParts` when the
 * service has a part-count limit.
 * @throws StorageError `InvalidArgument` for anything else.
 */
export function checkPartIndex(index: number, maxParts?: number): void {
  if (Number.isSafeInteger(index) && index >= 0 && (maxParts === undefined || index < maxParts)) return;
  const range = maxParts === undefined ? "an integer >= 0" : `0..${maxParts - 1}`;
  throw storageError(ErrorCode.InvalidArgument, `part index must be ${range}, got ${index}`);
}
