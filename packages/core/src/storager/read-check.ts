import type { DriverReadResult } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { crc64Equal, type Crc64 } from "../integrity/crc64.js";
import type { Md5 } from "../integrity/md5.js";
import type { ProgressListener } from "../options.js";

/** How the bytes of one opened read are checked. */
export interface ReadCheck {
  /** Bytes the read must deliver, when known. */
  expected: number | undefined;
  /** The CRC64 the service announced for a whole-object read (checked only then). */
  announced: string | undefined;
  /** The MD5 (hex) the driver vouched for on a whole-object read (services without CRC64). */
  announcedMd5: string | undefined;
  onProgress: ProgressListener | undefined;
  signal: AbortSignal | undefined;
}

/**
 * What to check on a read that starts at `start` and asked for `size` bytes:
 * the length when the answer gives the object's size, and, on a whole-object
 * read, the CRC64 the service announced (when `crc64`, the driver's feature),
 * else a CRC64 the driver vouches for (`storedCrc64`), else the MD5 it vouches for.
 *
 * @throws nothing.
 */
export function readCheck(
  opened: DriverReadResult,
  start: number,
  size: number | undefined,
  crc64: boolean,
  onProgress: ProgressListener | undefined,
  signal: AbortSignal | undefined,
): ReadCheck {
  const objectSize = opened.object?.size;
  const expected = objectSize === undefined ? undefined : Math.max(0, Math.min(size ?? Infinity, objectSize - start));
  // A read that asked for no range is whole even when the answer does not say the size (a chunked
  // body without Content-Length): its CRC-64 or MD5 is checked, only the length check is left out.
  const whole = start === 0 && (size === undefined || (objectSize !== undefined && size >= objectSize));
  const announced = whole ? ((crc64 ? opened.crc64 : undefined) ?? opened.storedCrc64) : undefined;
  const announcedMd5 = whole && announced === undefined ? opened.md5 : undefined;
  return { expected, announced, announcedMd5, onProgress, signal };
}

/**
 * Checks a finished read against `check`: `bytes` delivered against the
 * expected length, then `hash` (CRC64 over every byte, present when one was
 * announced) and `md5` (likewise) against the announced values. Digests the
 * hashes, in that order, only as far as the checks get.
 *
 * @throws StorageError `IntegrityMismatch` on a bad length, CRC64 or MD5.
 */
export function verifyRead(check: ReadCheck, bytes: number, hash: Crc64 | undefined, md5: Md5 | undefined): void {
  const { expected, announced, announcedMd5 } = check;
  if (expected !== undefined && bytes !== expected) {
    throw storageError(ErrorCode.IntegrityMismatch, `the body held ${bytes} bytes, ${expected} announced`);
  }
  const actual = hash?.digest();
  if (actual !== undefined && !crc64Equal(actual, announced!)) {
    throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: service sent ${announced}, received bytes hash to ${actual}`);
  }
  const digest = md5?.digestHex();
  if (digest !== undefined && digest !== announcedMd5) {
    throw storageError(ErrorCode.IntegrityMismatch, `md5 mismatch: the object's ETag gives MD5 ${announcedMd5}, the received bytes hash to ${digest} (an ETag its uploader set, such as a QingStor multipart object's, may not be the MD5 of the bytes: integrity=false reads without this check)`);
  }
}
