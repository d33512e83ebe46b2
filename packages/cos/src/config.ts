import { credentialTextProblem, credentialTimeoutPair, definePair, headerValueProblem, httpPairs, virtualDirPair, type ExtraOptionsOf, type PairSet } from "@stowage/core";

/** The connection-string scheme: `cos://<bucket>-<appid>/<work_dir>?...`. */
export const COS_TYPE = "cos";

/** The npm package that registers {@link COS_TYPE}. */
export const COS_PACKAGE = "@stowage/cos";

/** One-line description shown in registries and docs. */
export const COS_DESCRIPTION = "Tencent Cloud Object Storage (COS) over its XML API, CRC64-verified, with multipart, append and SSE.";

function bytes32(value: unknown): string | undefined {
  return Buffer.isBuffer(value) && value.length === 32 ? undefined : "must be exactly 32 bytes (an AES-256 key)";
}

// completeMultipart: only for the HEAD that judges a Complete whose answer was lost (an SSE-C object needs its key).
const SSE_C_OPS = ["new", "read", "stat", "write", "createMultipart", "writeMultipart", "completeMultipart", "copy", "move", "presign"] as const;
// presign: a presigned PUT or Initiate signs them (and returns them in `headers`); other presigned requests leave them out.
// createDir: a directory marker is an object too (a bucket policy that requires SSE refuses a plain one); never SSE-C, which its stat could not send.
const SSE_OPS = ["write", "createDir", "createMultipart", "copy", "move", "presign"] as const;
const COPY_SOURCE_OPS = ["new", "copy", "move"] as const;

/** A validator: the value must be the padded base64 of a UTF-8 JSON object (COS's KMS encryption context). */
function base64JsonObject(value: unknown): string | undefined {
  const message = "must be the base64 of a UTF-8 JSON object, e.g. base64 of {\"project\":\"a\"}";
  if (typeof value !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return message;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(value, "base64")));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? undefined : message;
  } catch {
    return message;
  }
}

/**
 * The COS driver's own pairs (global ones — credential, endpoint, name,
 * work_dir, location, storage_class, content_type... — come from core), keyed
 * by camelCase name. The HTTP tuning pairs of core (`max_retries`,
 * `request_timeout`, `tls_ca`, ...) are included.
 */
export const cosPairs = {
  ...httpPairs,
  enableVirtualDir: virtualDirPair,
  securityToken: definePair({
    name: "security_token",
    type: "string",
    description: "Security token of temporary credentials (sent as x-cos-security-token).",
    operations: ["new"],
    secret: true,
    validate: credentialTextProblem,
  }),
  credentialProvider: definePair({
    name: "credential_provider",
    type: "function",
    description:
      "Function returning (a promise of) { secretId, secretKey, securityToken?, expiration? }; asked again 5 minutes before expiration (a Date, Unix ms or an ISO string; numbers in seconds are refused), every 5 minutes without one. Replaces credential.",
    operations: ["new"],
  }),
  credentialTimeout: credentialTimeoutPair,
  forcePathStyle: definePair({
    name: "force_path_style",
    type: "boolean",
    description: "Address buckets as <endpoint>/<bucket>/<key> instead of <bucket>.<endpoint host> (automatic for IP and localhost endpoints).",
    operations: ["new"],
  }),
  integrity: definePair({
    name: "integrity",
    type: "boolean",
    description: "Send Content-MD5 and verify the service's CRC64 on every transfer (default true).",
    operations: ["new"],
  }),
  serverSideEncryption: definePair({
    name: "server_side_encryption",
    type: "string",
    description: "SSE-COS (AES256 or SM4) or SSE-KMS (cos/kms) for new objects. Given at a call site with another value than the default, the defaulted KMS key id and context do not apply.",
    operations: SSE_OPS,
    enum: ["AES256", "SM4", "cos/kms"],
    defaultable: true,
    replacesDefaults: ["serverSideEncryptionCosKmsKeyId", "serverSideEncryptionContext"],
  }),
  serverSideEncryptionCosKmsKeyId: definePair({
    name: "server_side_encryption_cos_kms_key_id",
    type: "string",
    description: "SSE-KMS: id of the customer master key (printable ASCII; only with server_side_encryption cos/kms).",
    operations: SSE_OPS,
    defaultable: true,
    validate: headerValueProblem,
  }),
  serverSideEncryptionContext: definePair({
    name: "server_side_encryption_context",
    type: "string",
    description: "SSE-KMS: base64 of a UTF-8 JSON object of encryption context (only with cos/kms).",
    operations: SSE_OPS,
    defaultable: true,
    validate: base64JsonObject,
  }),
  serverSideEncryptionCustomerAlgorithm: definePair({
    name: "server_side_encryption_customer_algorithm",
    type: "string",
    description: "SSE-C algorithm; AES256 (the default when a customer key is given).",
    operations: SSE_C_OPS,
    enum: ["AES256"],
  }),
  serverSideEncryptionCustomerKey: definePair({
    name: "server_side_encryption_customer_key",
    type: "bytes",
    description: "SSE-C: the 32-byte AES-256 key (base64 in connection strings). Needs https. Given at open time it applies to every operation that takes it; given at a call site, the SSE-COS/KMS defaults do not apply.",
    operations: SSE_C_OPS,
    validate: bytes32,
    secret: true,
    replacesDefaults: ["serverSideEncryption", "serverSideEncryptionCosKmsKeyId", "serverSideEncryptionContext"],
  }),
  copySourceServerSideEncryptionCustomerAlgorithm: definePair({
    name: "copy_source_server_side_encryption_customer_algorithm",
    type: "string",
    description: "SSE-C algorithm of the copy/move source; AES256.",
    operations: COPY_SOURCE_OPS,
    enum: ["AES256"],
  }),
  copySourceServerSideEncryptionCustomerKey: definePair({
    name: "copy_source_server_side_encryption_customer_key",
    type: "bytes",
    description: "SSE-C: the 32-byte key the copy/move source was written with. Needs https.",
    operations: COPY_SOURCE_OPS,
    validate: bytes32,
    secret: true,
  }),
} as const satisfies PairSet;

/**
 * Per-operation options the COS driver adds, for `Storager<CosOptions>`:
 * `store.write(p, body, { serverSideEncryption: "AES256" })`.
 */
export type CosOptions = ExtraOptionsOf<typeof cosPairs>;

/** Temporary or rotated credentials, as a {@link CosCredentialProvider} returns them. */
export interface CosCredentials {
  secretId: string;
  secretKey: string;
  securityToken?: string | undefined;
  /**
   * When they stop working; the provider is asked again 5 minutes before. A Date, Unix
   * **milliseconds** (a number below 1e11 looks like Unix seconds and is refused with
   * `PermissionDenied`: multiply seconds by 1000), or an ISO 8601 string.
   */
  expiration?: Date | number | string | undefined;
}

/** The `credential_provider` pair: asked for credentials when none are cached or they are about to expire. */
export type CosCredentialProvider = () => CosCredentials | Promise<CosCredentials>;
