import { ErrorCode } from "../errors/error-code.js";
import { storageError, type StorageError } from "../errors/storage-error.js";
import { crc64Combine } from "../integrity/crc64-combine.js";
import { crc64 } from "../integrity/crc64.js";
import type { DriverBody } from "./storage-driver.js";

// What a driver expects of an append whose answer was lost, to tell from the object whether it was
// applied: the chunk's CRC-64, and the whole object's once the chunk is on it; and the error of an
// append the service took but whose answer contradicts the chunk.

/** A decimal CRC-64 as core passes it (at most 20 digits: 2^64 - 1 has 20). */
const DECIMAL_CRC64 = /^\d{1,20}$/;

/**
 * The CRC-64 of an append's chunk: the one core computed (`body.crc64`), or, for bytes in
 * memory, computed here; undefined for a stream without one.
 * @throws nothing.
 */
export function appendChunkCrc64(body: DriverBody): bigint | undefined {
  if (body.crc64 !== undefined && DECIMAL_CRC64.test(body.crc64)) return BigInt(body.crc64);
  return Buffer.isBuffer(body.data) ? crc64(body.data) : undefined;
}

/**
 * The whole object's CRC-64 (decimal) once `body` is appended at `offset`: the object's CRC-64
 * before it (`body.appendBaseCrc64`, or 0 at offset 0) combined with the chunk's; undefined when
 * either is unknown.
 * @throws nothing.
 */
export function crc64AfterAppend(offset: number, body: DriverBody): string | undefined {
  const before = body.appendBaseCrc64 ?? (offset === 0 ? "0" : undefined);
  const chunk = appendChunkCrc64(body);
  if (before === undefined || chunk === undefined || !DECIMAL_CRC64.test(before)) return undefined;
  return crc64Combine(BigInt(before), chunk, body.size).toString();
}

/**
 * The `IntegrityMismatch` of an append the service took, but whose answer contradicts the bytes
 * (`what`: which check failed, e.g. the whole object's CRC-64, or the chunk's hash the service
 * reports): the chunk of `size` bytes was stored at `offset` (possibly corrupted, or onto an object
 * re-created meanwhile) and the append object was not advanced. The message says so, and how to
 * tell what the object holds and go on.
 * @throws nothing (returns the error).
 */
export function appendMismatchError(what: string, offset: number, size: number): StorageError {
  return storageError(
    ErrorCode.IntegrityMismatch,
    `${what}; the chunk was stored (possibly corrupted) and the append object was not advanced (the next append through it is Conflict): stat the object to tell what it holds (${offset + size} bytes long with the chunk on it), then, once its bytes are checked, append through an append object made from that stat, or start over with createAppend`,
  );
}

/**
 * The CRC-64 of the empty object a driver's `createAppend` made, from the answer to its empty
 * append (`crc`, undefined when the service sent none): "0", the CRC-64 of no bytes.
 * @throws StorageError `IntegrityMismatch` when the answer names another CRC-64: the object was
 *   made, but the service's answer about it is wrong, and an append object carrying that CRC-64
 *   would blame it on the next append.
 */
export function createdAppendCrc64(crc: string | undefined): string {
  if (crc === undefined || (DECIMAL_CRC64.test(crc) && BigInt(crc) === 0n)) return "0";
  const shown = crc.length <= 40 ? JSON.stringify(crc) : `a value of ${crc.length} characters`;
  throw storageError(
    ErrorCode.IntegrityMismatch,
    `createAppend: the service answered the CRC-64 ${shown} for the empty appendable object it made, not 0; the object was made, but the answer cannot be trusted: stat it before appending`,
  );
}
