import { ErrorCode, isStorageError, type StorageError } from "@stowage/core";

/**
 * True when `e` is a `PermissionDenied` for the credential itself (`StorageError.credentialRefused`,
 * which the drivers set from the services' own codes: an unknown access key, an expired or invalid
 * security token): every later request signed with it fails the same way. A plain `AccessDenied`
 * (a policy refusing one object or prefix), a refused signature or a request time off (clock skew)
 * is not: other objects may still go.
 * @throws nothing
 */
export function isCredentialRefusal(e: unknown): e is StorageError {
  return isStorageError(e, ErrorCode.PermissionDenied) && e.credentialRefused === true;
}
