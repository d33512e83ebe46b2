import { ErrorCode } from "./error-code.js";
import { storageError, type StorageError } from "./storage-error.js";

/**
 * How a message names the kind of `value` (never the value itself, which may be a secret): `null`,
 * `an array`, or its `typeof`.
 * @throws nothing
 */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/**
 * The `InvalidArgument` error for an argument of the wrong type, e.g.
 * `parseCrc64: v must be a decimal string or a bigint, got number`. Names the argument and the
 * kind of value given, never the value.
 * @throws nothing (it returns the error for the caller to throw).
 */
export function wrongType(fn: string, argument: string, expected: string, value: unknown): StorageError {
  return storageError(ErrorCode.InvalidArgument, `${fn}: ${argument} must be ${expected}, got ${typeName(value)}`);
}
