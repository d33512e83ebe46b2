import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/** Characters Node refuses in a header value (CR, LF and other controls but tab; beyond Latin-1). */
const HEADER_UNSAFE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Refuses a credential provider's answer whose key fields or `securityToken` hold characters no header can carry.
 * @throws StorageError `PermissionDenied` naming the field (never its value).
 */
export function checkCredentialCharacters(creds: object, keys: readonly string[]): void {
  const fields = creds as Record<string, unknown>;
  for (const name of [...keys, "securityToken"]) {
    const value = fields[name];
    if (typeof value === "string" && HEADER_UNSAFE.test(value)) {
      throw storageError(ErrorCode.PermissionDenied, `the credential provider returned a ${name} with invalid characters (control characters or beyond Latin-1)`);
    }
  }
}
