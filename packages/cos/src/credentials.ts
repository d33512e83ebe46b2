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
import type { CosCredentialProvider, CosCredentials } from "./config.js";
import type { CosErrorBody } from "./responses.js";

/** Ask a provider again this long before its credentials expire. */
export const REFRESH_MARGIN_MS = CREDENTIAL_REFRESH_MARGIN_MS;
/** How long credentials without an expiration are kept before the provider is asked again. */
export const UNDATED_TTL_MS = CREDENTIAL_UNDATED_TTL_MS;

/** Environment variables read by `credential=env`, in order of preference. */
export const ENV_NAMES = {
  secretId: ["TENCENTCLOUD_SECRET_ID", "COS_SECRET_ID"],
  secretKey: ["TENCENTCLOUD_SECRET_KEY", "COS_SECRET_KEY"],
  securityToken: ["TENCENTCLOUD_SESSION_TOKEN", "COS_SECURITY_TOKEN"],
} as const;

/** COS codes that mean the credentials themselves were refused (revoked, rotated or expired early). */
const CREDENTIAL_REJECTIONS: ReadonlySet<string> = new Set(["InvalidAccessKeyId", "ExpiredToken", "InvalidSecurityToken"]);

/**
 * True when a COS error document says the signing credentials were refused: codes
 * `InvalidAccessKeyId`, `ExpiredToken`, `InvalidSecurityToken`, or an `AccessDenied` whose
 * message speaks of an expired or invalid token. Body-less answers (HEAD) never qualify.
 */
export function isCosCredentialRejection(error: CosErrorBody | undefined): boolean {
  const code = error?.code;
  if (code === undefined) return false;
  if (CREDENTIAL_REJECTIONS.has(code)) return true;
  const message = error?.message ?? "";
  return code === "AccessDenied" && /token/i.test(message) && /expired|invalid/i.test(message);
}

/** Something that hands out the credentials to sign with. */
export type CredentialSource = CoreCredentialSource<CosCredentials>;

/** COS names of the key pair's parts. */
const COS_SHAPE: CredentialShape<CosCredentials> = {
  keys: ["secretId", "secretKey"],
  env: { accessKey: ENV_NAMES.secretId, secretKey: ENV_NAMES.secretKey, securityToken: ENV_NAMES.securityToken },
  make: (secretId, secretKey, securityToken) => ({ secretId, secretKey, ...(securityToken === undefined ? {} : { securityToken }) }),
};

/**
 * Fixed credentials from the `credential` pair (`hmac:<secret_id>:<secret_key>[:<token>]`,
 * or `env`) and an optional `security_token` pair (which wins over a token in the credential).
 * @throws StorageError `PairRequired` when `env` finds no secret id or key.
 */
export function staticCredentials(credential: Credential, securityToken: string | undefined, env: NodeJS.ProcessEnv = process.env): CredentialSource {
  return staticCredentialSource(credential, COS_SHAPE, securityToken, env);
}

/**
 * Credentials from a provider function, cached until {@link REFRESH_MARGIN_MS}
 * before they expire ({@link UNDATED_TTL_MS} when they carry no expiration).
 * Concurrent callers share one refresh; each call makes a new cache (drivers use
 * `sharedCredentials`). `clock` is injectable for tests; `options.timeoutMs` bounds a provider call.
 * @throws StorageError `PermissionDenied` (from `get`) when the provider fails or returns no secretId/secretKey.
 */
export function providedCredentials(provider: CosCredentialProvider, clock: () => number = Date.now, options: ProvidedCredentialOptions = {}): CredentialSource {
  return providedCredentialSource(provider, COS_SHAPE, clock, options);
}

/**
 * The credentials of `provider` as the driver uses them: one cache per provider function (and
 * timeout), shared by a servicer and every storager opened with that function (see core's
 * `sharedCredentialSource`), each provider call bounded by `timeoutMs` (the `credential_timeout`
 * pair; default 30 s).
 * @throws StorageError `PermissionDenied` (from `get`) when the provider fails, times out, returns no
 *   secretId/secretKey or an `expiration` in seconds.
 */
export function sharedCredentials(provider: CosCredentialProvider, timeoutMs: number | undefined): CredentialSource {
  return sharedCredentialSource(provider, COS_SHAPE, timeoutMs === undefined ? {} : { timeoutMs });
}
