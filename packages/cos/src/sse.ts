import { createHash } from "node:crypto";
import { ErrorCode, storageError, type DriverCallOptions } from "@stowage/core";

/** Header prefixes of SSE-C: for the object itself, and for a copy source. */
const SSE_C = "x-cos-server-side-encryption-customer-";
const COPY_SOURCE_SSE_C = "x-cos-copy-source-server-side-encryption-customer-";

function sseCFields(algorithm: unknown, key: unknown, prefix: string, secure: boolean, what: string): Record<string, string> {
  if (key === undefined) {
    if (algorithm !== undefined) throw storageError(ErrorCode.InvalidArgument, `${what} algorithm given without its customer key`);
    return {};
  }
  if (!Buffer.isBuffer(key) || key.length !== 32) throw storageError(ErrorCode.InvalidArgument, `${what} customer key must be 32 bytes`);
  if (!secure) {
    throw storageError(ErrorCode.InvalidArgument, `${what} (SSE-C) needs https: COS refuses customer keys over plain http, and the key must not travel unencrypted`);
  }
  return {
    [`${prefix}algorithm`]: typeof algorithm === "string" ? algorithm : "AES256",
    [`${prefix}key`]: key.toString("base64"),
    [`${prefix}key-MD5`]: createHash("md5").update(key).digest("base64"),
  };
}

/**
 * SSE-C headers of the object (`server_side_encryption_customer_*` pairs).
 * @throws StorageError `InvalidArgument` over plain http, for a bad key, or an algorithm without a key.
 */
export function sseCustomerHeaders(options: DriverCallOptions, secure: boolean): Record<string, string> {
  return sseCFields(options.serverSideEncryptionCustomerAlgorithm, options.serverSideEncryptionCustomerKey, SSE_C, secure, "server-side encryption");
}

/**
 * SSE-C headers of a copy source (`copy_source_server_side_encryption_customer_*` pairs).
 * @throws StorageError `InvalidArgument` as {@link sseCustomerHeaders}.
 */
export function copySourceSseHeaders(options: DriverCallOptions, secure: boolean): Record<string, string> {
  return sseCFields(
    options.copySourceServerSideEncryptionCustomerAlgorithm,
    options.copySourceServerSideEncryptionCustomerKey,
    COPY_SOURCE_SSE_C,
    secure,
    "copy source server-side encryption",
  );
}

/**
 * SSE-COS / SSE-KMS headers for new objects (`server_side_encryption*` pairs).
 * @throws StorageError `InvalidArgument` for KMS options without `cos/kms`, or SSE-COS/KMS combined with SSE-C.
 */
export function sseServerHeaders(options: DriverCallOptions): Record<string, string> {
  const mode = options.serverSideEncryption;
  const keyId = options.serverSideEncryptionCosKmsKeyId;
  const context = options.serverSideEncryptionContext;
  if (mode === undefined) {
    if (keyId !== undefined || context !== undefined) {
      throw storageError(ErrorCode.InvalidArgument, "server_side_encryption_cos_kms_key_id and _context need server_side_encryption=cos/kms");
    }
    return {};
  }
  if (options.serverSideEncryptionCustomerKey !== undefined) {
    throw storageError(ErrorCode.InvalidArgument, "server_side_encryption (SSE-COS/SSE-KMS) cannot be combined with a customer key (SSE-C)");
  }
  const out: Record<string, string> = { "x-cos-server-side-encryption": String(mode) };
  if (mode !== "cos/kms") {
    if (keyId !== undefined || context !== undefined) {
      throw storageError(ErrorCode.InvalidArgument, "server_side_encryption_cos_kms_key_id and _context need server_side_encryption=cos/kms");
    }
    return out;
  }
  if (typeof keyId === "string") out["x-cos-server-side-encryption-cos-kms-key-id"] = keyId;
  if (typeof context === "string") out["x-cos-server-side-encryption-context"] = context;
  return out;
}
