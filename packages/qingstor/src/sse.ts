import { createHash } from "node:crypto";
import { ErrorCode, storageError, type DriverCallOptions } from "@stowage/core";

/** Header prefixes of SSE-C: for the object itself, and for a copy source. */
const SSE_C = "x-qs-encryption-customer-";
const COPY_SOURCE_SSE_C = "x-qs-copy-source-encryption-customer-";

function sseCFields(algorithm: unknown, key: unknown, prefix: string, secure: boolean, what: string): Record<string, string> {
  if (key === undefined) {
    if (algorithm !== undefined) throw storageError(ErrorCode.InvalidArgument, `${what} algorithm given without its customer key`);
    return {};
  }
  if (!Buffer.isBuffer(key) || key.length !== 32) throw storageError(ErrorCode.InvalidArgument, `${what} customer key must be 32 bytes`);
  if (!secure) {
    throw storageError(ErrorCode.InvalidArgument, `${what} (SSE-C) needs https: the customer key must not travel over plain http`);
  }
  return {
    [`${prefix}algorithm`]: typeof algorithm === "string" ? algorithm : "AES256",
    [`${prefix}key`]: key.toString("base64"),
    [`${prefix}key-md5`]: createHash("md5").update(key).digest("base64"),
  };
}

/**
 * SSE-C headers of the object (`encryption_customer_*` pairs).
 * @throws StorageError `InvalidArgument` over plain http, for a bad key, or an algorithm without a key.
 */
export function sseHeaders(options: DriverCallOptions, secure: boolean): Record<string, string> {
  return sseCFields(options.encryptionCustomerAlgorithm, options.encryptionCustomerKey, SSE_C, secure, "encryption");
}

/**
 * SSE-C headers of a copy source (`copy_source_encryption_customer_*` pairs).
 * @throws StorageError `InvalidArgument` as {@link sseHeaders}.
 */
export function copySourceSseHeaders(options: DriverCallOptions, secure: boolean): Record<string, string> {
  return sseCFields(options.copySourceEncryptionCustomerAlgorithm, options.copySourceEncryptionCustomerKey, COPY_SOURCE_SSE_C, secure, "copy source encryption");
}

/** True when the options carry an SSE-C key (QingStor's ETag is then no plain MD5 to check). */
export function usesSseC(options: DriverCallOptions): boolean {
  return options.encryptionCustomerKey !== undefined;
}
