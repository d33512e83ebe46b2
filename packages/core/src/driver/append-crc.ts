import { crc64Combine } from "../integrity/crc64-combine.js";
import { crc64 } from "../integrity/crc64.js";
import type { DriverBody } from "./storage-driver.js";

// What a driver expects of an append whose answer was lost, to tell from the object whether it was
// applied: the chunk's CRC-64, and the whole object's once the chunk is on it.

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
