import { ErrorCode, isStorageError, type StorageError } from "@stowage/core";

/**
 * The services' own codes (`StorageError.serviceCode`) for a request refused because of the
 * credential itself: the access key is unknown (revoked, rotated) or the security token expired or
 * is not the key's. COS: `InvalidAccessKeyId`, `ExpiredToken`, `InvalidSecurityToken`; OSS:
 * `InvalidAccessKeyId`, `SecurityTokenExpired`, `InvalidSecurityToken`; QingStor:
 * `invalid_access_key_id`. The same codes the COS and OSS drivers renew a provider's credentials on.
 */
const REFUSED_CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  "InvalidAccessKeyId",
  "ExpiredToken",
  "InvalidSecurityToken",
  "SecurityTokenExpired",
  "invalid_access_key_id",
]);

/**
 * True when `e` is a `PermissionDenied` whose service code says the credential itself was refused
 * ({@link REFUSED_CREDENTIAL_CODES}), or a COS `AccessDenied` whose message speaks of an expired or
 * invalid token (as the COS driver judges it): every later request signed with it fails the same
 * way. A plain `AccessDenied` (a policy refusing one object or prefix), a refused signature or a
 * request time off (clock skew) is not: other objects may still go.
 * @throws nothing
 */
export function isCredentialRefusal(e: unknown): e is StorageError {
  if (!isStorageError(e, ErrorCode.PermissionDenied) || e.serviceCode === undefined) return false;
  if (REFUSED_CREDENTIAL_CODES.has(e.serviceCode)) return true;
  return e.service === "cos" && e.serviceCode === "AccessDenied" && /token/i.test(e.detail) && /expired|invalid/i.test(e.detail);
}
