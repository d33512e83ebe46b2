import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { StorageLimits } from "../features.js";

/**
 * Refuses a write of a file stream (of unknown `size`) whose file holds more than one object can:
 * the part-count limit × the largest part. Its upload would otherwise send that much and then
 * fail (at a cloud's 10,000 parts of the default 8 MiB, after 78 GiB). Call it before anything is
 * sent. `rest`: the bytes the stream has yet to give (a stat's); `offset`: the write's
 * `resumeOffset` (0 without one), which the object holds before them.
 * @throws StorageError `InvalidArgument` naming both figures
 */
export function refuseFileOverCapacity(limits: StorageLimits, service: string, rest: number, offset: number): void {
  const { multipartSizeMaximum: max, multipartNumberMaximum: maxParts } = limits;
  if (max === undefined || maxParts === undefined || offset + rest <= max * maxParts) return;
  const whole = offset > 0 ? ` after resume_offset ${offset} (${offset + rest} in all)` : "";
  throw storageError(
    ErrorCode.InvalidArgument,
    `the file holds ${rest} bytes to write${whole}; ${service} stores at most ${max * maxParts} bytes in one object (${maxParts} parts of at most ${max} bytes): nothing was sent`,
  );
}
