import {
  CREDENTIAL_REFRESH_MARGIN_MS,
  CREDENTIAL_UNDATED_TTL_MS,
  providedCredentialSource,
  sharedCredentialSource,
  staticCredentialSource,
  type Credential,
  type CredentialShape,
  type CredentialSource as CoreCredentialSource,
  type ProvidedCredentialOptions,
} from "@stowage/core";
import type { OssCredentialProvider, OssCredentials } from "./config.js";
import type { OssErrorBody } from "./responses.js";

/** Ask a provider again this long before its credentials expire. */
export const REFRESH_MARGIN_MS = CREDENTIAL_REFRESH_MARGIN_MS;
/** How long credentials without an expiration are kept before the provider is asked again. */
export const UNDATED_TTL_MS = CREDENTIAL_UNDATED_TTL_MS;

/** Environment variables read by `credential=env`, in order of preference (the OSS SDKs' names, then Alibaba Cloud's). */
export const ENV_NAMES = {
  accessKeyId: ["OSS_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_ID"],
  accessKeySecret: ["OSS_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
  securityToken: ["OSS_SESSION_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN"],
} as const;

/** OSS codes that mean the credentials themselves were refused (revoked, rotated or expired early). */
const CREDENTIAL_REJECTIONS: ReadonlySet<string> = new Set(["InvalidAccessKeyId", "SecurityTokenExpired", "InvalidSecurityToken"]);

/**
 * True when an OSS error document (from the body, or `x-oss-err` on HEAD) says the signing
 * credentials were refused: `InvalidAccessKeyId`, `SecurityTokenExpired` or `InvalidSecurityToken`.
 */
export function isOssCredentialRejection(error: OssErrorBody | undefined): boolean {
  return error?.code !== undefined && CREDENTIAL_REJECTIONS.has(error.code);
}

/** Something that hands out the credentials to sign with. */
export type CredentialSource = CoreCredentialSource<OssCredentials>;

/** OSS names of the key pair's parts. */
const OSS_SHAPE: CredentialShape<OssCredentials> = {
  keys: ["accessKeyId", "accessKeySecret"],
  env: { accessKey: ENV_NAMES.accessKeyId, secretKey: ENV_NAMES.accessKeySecret, securityToken: ENV_NAMES.securityToken },
  make: (accessKeyId, accessKeySecret, securityToken) => ({ accessKeyId, accessKeySecret, ...(securityToken === undefined ? {} : { securityToken }) }),
};

/**
 * Fixed credentials from the `credential` pair (`hmac:<access_key_id>:<access_key_secret>[:<token>]`,
 * or `env`) and an optional `security_token` pair (which wins over a token in the credential).
 * @throws StorageError `PairRequired` when `env` finds no key id or secret.
 */
export function staticCredentials(credential: Credential, securityToken: string | undefined, env: NodeJS.ProcessEnv = process.env): CredentialSource {
  return staticCredentialSource(credential, OSS_SHAPE, securityToken, env);
}

/**
 * Credentials from a provider function, cached until {@link REFRESH_MARGIN_MS}
 * before they expire ({@link UNDATED_TTL_MS} when they carry no expiration).
 * Concurrent callers share one refresh; each call makes a new cache (drivers use
 * `sharedCredentials`). `clock` is injectable for tests; `options.timeoutMs` bounds a provider call.
 * @throws StorageError `PermissionDenied` (from `get`) when the provider fails or returns no accessKeyId/accessKeySecret.
 */
export function providedCredentials(provider: OssCredentialProvider, clock: () => number = Date.now, options: ProvidedCredentialOptions = {}): CredentialSource {
  return providedCredentialSource(provider, OSS_SHAPE, clock, options);
}

/**
 * The credentials of `provider` as the driver uses them: one cache per provider function (and
 * timeout), shared by a servicer and every storager opened with that function (see core's
 * `sharedCredentialSource`), each provider call bounded by `timeoutMs` (the `credential_timeout`
 * pair; default 30 s).
 * @throws StorageError `PermissionDenied` (from `get`) when the provider fails, times out, returns no
 *   accessKeyId/accessKeySecret or an `expiration` in seconds.
 */
export function sharedCredentials(provider: OssCredentialProvider, timeoutMs: number | undefined): CredentialSource {
  return sharedCredentialSource(provider, OSS_SHAPE, timeoutMs === undefined ? {} : { timeoutMs });
}
