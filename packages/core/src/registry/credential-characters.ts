import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { typeName } from "../errors/wrong-type.js";

/** Characters Node refuses in a header value (CR, LF and other controls but tab; beyond Latin-1). */
const HEADER_UNSAFE = /[^\t\x20-\x7e\x80-\xff]/;

/** What a credential part with characters no header can carry is told; never the value. */
const UNSAFE = "control characters or characters beyond Latin-1, which no request header can carry";

/**
 * True when `value` holds characters no request header can carry (see {@link checkCredentialCharacters}).
 * @throws nothing.
 */
export function hasHeaderUnsafeCharacters(value: string): boolean {
  return HEADER_UNSAFE.test(value);
}

/**
 * A validator for a credential given as a pair value (`security_token`): non-empty, and no
 * characters a header cannot carry (a line break pasted with a token). The description never
 * shows the value.
 * @throws nothing.
 */
export function credentialTextProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "must not be empty";
  return HEADER_UNSAFE.test(value) ? `must not hold ${UNSAFE} (a line break copied with it?)` : undefined;
}

/**
 * Refuses a credential provider's answer whose `securityToken` is there but no string (a JSON
 * `null`, a number, an object passed on from a parsed STS answer: it would be sent as text, or fail
 * the signing), or whose key fields or `securityToken` hold characters no header can carry.
 * @throws StorageError `PermissionDenied` naming the field and, for a wrong type, its kind (never its value).
 */
export function checkCredentialCharacters(creds: object, keys: readonly string[]): void {
  const fields = creds as Record<string, unknown>;
  const token = fields["securityToken"];
  if (token !== undefined && typeof token !== "string") {
    throw storageError(ErrorCode.PermissionDenied, `the credential provider returned a securityToken that is not a string (${typeName(token)}): leave it out when there is none`);
  }
  for (const name of [...keys, "securityToken"]) {
    const value = fields[name];
    if (typeof value === "string" && HEADER_UNSAFE.test(value)) {
      throw storageError(ErrorCode.PermissionDenied, `the credential provider returned ${/^[aeiou]/i.test(name) ? "an" : "a"} ${name} with invalid characters (control characters or beyond Latin-1)`);
    }
  }
}
