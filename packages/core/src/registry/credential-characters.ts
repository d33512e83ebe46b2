import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { typeName } from "../errors/wrong-type.js";

/**
 * Characters refused in a credential: every control character (C0 with tab, DEL, and the C1 controls
 * U+0080–U+009F, which a header could carry but no issued key holds: a tab or a NEL pasted with it,
 * or a key decoded in the wrong charset) and characters beyond Latin-1, which no header can carry.
 */
const HEADER_UNSAFE = /[^\x20-\x7e\xa0-\xff]/;

/** What a credential part with characters refused is told; never the value. */
const UNSAFE = "control characters (a tab or a C1 control included) or characters beyond Latin-1, which no request header can carry";

/**
 * True when `value` holds characters a credential must not hold: control characters (tab and the C1
 * controls included) or characters beyond Latin-1 (see {@link checkCredentialCharacters}).
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
      throw storageError(ErrorCode.PermissionDenied, `the credential provider returned ${/^[aeiou]/i.test(name) ? "an" : "a"} ${name} with invalid characters (control characters, a tab or a C1 control included, or beyond Latin-1)`);
    }
  }
}
