import { credentialTextProblem, credentialTimeoutPair, definePair, headerValueProblem, httpPairs, virtualDirPair, type ExtraOptionsOf, type PairSet } from "@stowage/core";

/** The connection-string scheme: `oss://<bucket>/<work_dir>?...`. */
export const OSS_TYPE = "oss";

/** The npm package that registers {@link OSS_TYPE}. */
export const OSS_PACKAGE = "@stowage/oss";

/** One-line description shown in registries and docs. */
export const OSS_DESCRIPTION = "Aliyun Object Storage Service (OSS), CRC64-verified, with multipart, append, server-side copy and SSE.";

/**
 * Operations that create an object and so may encrypt it (createDir: its zero-byte marker; presign: a
 * presigned PUT or Initiate signs the headers). The SSE mode and the KMS data encryption go with all of
 * them: OSS's AppendObject takes both (`protocols.md` §2.7 excludes only the key id for appendable objects).
 */
const SSE_OPS = ["write", "createDir", "createMultipart", "createAppend", "copy", "move", "presign"] as const;
/** The KMS key id: appendable objects take no customer master key (`protocols.md` §2.7). */
const KMS_KEY_OPS = ["write", "createDir", "createMultipart", "copy", "move", "presign"] as const;

/**
 * The OSS driver's own pairs (global ones — credential, endpoint, name,
 * work_dir, location, storage_class, content_type... — come from core), keyed
 * by camelCase name. Core's HTTP tuning pairs (`max_retries`,
 * `request_timeout`, `tls_ca`, ...) are included. The SSE names are those of
 * go-service-oss (`go-storage.md` §3.6).
 */
export const ossPairs = {
  ...httpPairs,
  enableVirtualDir: virtualDirPair,
  securityToken: definePair({
    name: "security_token",
    type: "string",
    description: "Security token of temporary (STS) credentials (sent as x-oss-security-token).",
    operations: ["new"],
    secret: true,
    validate: credentialTextProblem,
  }),
  credentialProvider: definePair({
    name: "credential_provider",
    type: "function",
    description:
      "Function returning (a promise of) { accessKeyId, accessKeySecret, securityToken?, expiration? }; asked again 5 minutes before expiration (a Date, Unix ms or an ISO string; numbers in seconds are refused), every 5 minutes without one. Replaces credential.",
    operations: ["new"],
  }),
  credentialTimeout: credentialTimeoutPair,
  signatureVersion: definePair({
    name: "signature_version",
    type: "string",
    description: "Request signature: v1 (HMAC-SHA1, the default) or v4 (OSS4-HMAC-SHA256, needs the region: location, or an oss-<region> endpoint).",
    operations: ["new"],
    enum: ["v1", "v4"],
  }),
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
    description: "Server-side encryption of new objects: AES256 or SM4 (OSS-managed keys), or KMS. Given at a call site with another value than the default, the defaulted KMS details do not apply.",
    operations: SSE_OPS,
    enum: ["AES256", "KMS", "SM4"],
    defaultable: true,
    replacesDefaults: ["serverSideDataEncryption", "serverSideEncryptionKeyId"],
  }),
  serverSideDataEncryption: definePair({
    name: "server_side_data_encryption",
    type: "string",
    description: "KMS only: the algorithm that encrypts the data, SM4 (AES256 when absent).",
    operations: SSE_OPS,
    enum: ["SM4"],
    defaultable: true,
  }),
  serverSideEncryptionKeyId: definePair({
    name: "server_side_encryption_key_id",
    type: "string",
    description: "KMS only: id of the customer master key (printable ASCII; OSS's default key when absent). Not for appendable objects.",
    operations: KMS_KEY_OPS,
    defaultable: true,
    validate: headerValueProblem,
  }),
} as const satisfies PairSet;

/**
 * Per-operation options the OSS driver adds, for `Storager<OssOptions>`:
 * `store.write(p, body, { serverSideEncryption: "KMS" })`.
 */
export type OssOptions = ExtraOptionsOf<typeof ossPairs>;

/** Temporary or rotated credentials, as an {@link OssCredentialProvider} returns them. */
export interface OssCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
  /**
   * When they stop working; the provider is asked again 5 minutes before. A Date, Unix
   * **milliseconds** (a number below 1e11 looks like Unix seconds and is refused with
   * `PermissionDenied`: multiply seconds by 1000), or an ISO 8601 string.
   */
  expiration?: Date | number | string | undefined;
}

/** The `credential_provider` pair: asked for credentials when none are cached or they are about to expire. */
export type OssCredentialProvider = () => OssCredentials | Promise<OssCredentials>;
