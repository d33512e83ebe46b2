import { createHash } from "node:crypto";
import { ErrorCode, storageError, type DriverCallOptions } from "@stowage/core";

/** Header prefixes of SSE-C: for the object itself, and for a copy source. */
const SSE_C = "x-qs-encryption-customer-";
const COPY_SOURCE_SSE_C = "x-qs-copy-source-encryption-customer-";

function sseCFields(algorithm: unknown, key: unknown, prefix: string, secure: boolean, what: string, keyMd5?: unknown): Record<string, string> {
  if (key === undefined) {
    if (algorithm !== undefined) throw storageError(ErrorCode.InvalidArgument, `${what} algorithm given without its customer key`);
    checkCopySourceKeyMd5(undefined, keyMd5);
    return {};
  }
  if (!Buffer.isBuffer(key) || key.length !== 32) throw storageError(ErrorCode.InvalidArgument, `${what} customer key must be 32 bytes`);
  checkCopySourceKeyMd5(key, keyMd5);
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
 * Checks a given `copy_source_encryption_customer_key_md5` against the copy-source key: it must be
 * that key's MD5 (base64 of the 16-byte digest), and a key must be given with it (QingStor reads
 * the source with the key itself; its MD5 alone opens nothing). Neither value is shown.
 * @throws StorageError `InvalidArgument` for an MD5 without a key, or one that is not the key's.
 */
export function checkCopySourceKeyMd5(key: Buffer | undefined, keyMd5: unknown): void {
  if (keyMd5 === undefined) return;
  if (key === undefined) {
    throw storageError(
      ErrorCode.InvalidArgument,
      "copy_source_encryption_customer_key_md5 given without copy_source_encryption_customer_key (QingStor needs the source's key itself, not only its MD5)",
    );
  }
  if (keyMd5 !== createHash("md5").update(key).digest("base64")) {
    throw storageError(ErrorCode.InvalidArgument, "copy_source_encryption_customer_key_md5 is not the MD5 of copy_source_encryption_customer_key (base64 of its 16-byte digest)");
  }
}

/**
 * SSE-C headers of the object (`encryption_customer_*` pairs).
 * @throws StorageError `InvalidArgument` over plain http, for a bad key, or an algorithm without a key.
 */
export function sseHeaders(options: DriverCallOptions, secure: boolean): Record<string, string> {
  return sseCFields(options.encryptionCustomerAlgorithm, options.encryptionCustomerKey, SSE_C, secure, "encryption");
}

/**
 * SSE-C headers of a copy source (`copy_source_encryption_customer_*` pairs). The key-MD5 header
 * is computed from the key; a `copy_source_encryption_customer_key_md5` given is checked against it
 * ({@link checkCopySourceKeyMd5}).
 * @throws StorageError `InvalidArgument` as {@link sseHeaders}, and for a key MD5 that is not the key's or has no key.
 */
export function copySourceSseHeaders(options: DriverCallOptions, secure: boolean): Record<string, string> {
  return sseCFields(
    options.copySourceEncryptionCustomerAlgorithm,
    options.copySourceEncryptionCustomerKey,
    COPY_SOURCE_SSE_C,
    secure,
    "copy source encryption",
    options.copySourceEncryptionCustomerKeyMd5,
  );
}

/** True when the options carry an SSE-C key (QingStor's ETag is then no plain MD5 to check). */
export function usesSseC(options: DriverCallOptions): boolean {
  return options.encryptionCustomerKey !== undefined;
}
