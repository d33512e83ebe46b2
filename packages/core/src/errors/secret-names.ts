// The names of secrets and how a credential's value is hidden: shared by `redactSecrets` (free
// text) and `redactConnectionString` (a connection string, by its structure). Not exported by core.

/**
 * Names whose value is secret (matched case-insensitively, as a suffix of a longer name too), except
 * in a service error code followed by its message (`InvalidAccessKeyId: The ...`, see `ERROR_CODE`).
 */
export const LONG_SECRET_NAMES =
  "q-signature|signature|x-oss-signature|x-cos-security-token|x-oss-security-token|x-qs-security-token|security[-_]?token|" +
  "access_key_id|q-ak|ossaccesskeyid|accesskeyid|expires_token|x-cos-server-side-encryption-customer-key|" +
  "x-oss-server-side-encryption-customer-key|x-qs-encryption-customer-key|x-qs-copy-source-encryption-customer-key|" +
  "x-cos-copy-source-server-side-encryption-customer-key|customer[-_]?key|secret[-_]?key|session[-_]?token|" +
  // The SSE-C key's MD5 fingerprint (hidden in debug logs too); QingStor's, AWS's and INI files' secret name.
  "customer[-_]?key[-_]?md5|secret[-_]?access[-_]?key|" +
  // OSS and Alibaba STS name the secret AccessKeySecret.
  "access[-_]?key[-_]?secret|" +
  // Bearer tokens, API keys and passwords in a query.
  "access[-_]?token|id[-_]?token|refresh[-_]?token|api[-_]?key|client[-_]?secret|password|passwd";
/**
 * Short names (COS's `sign`, Azure SAS `sig`): in pairs whole or after a `-`, `_` or `.`
 * (`q_sign=`), never ending a word (`presign:`, `design:` are prose), and only whole as an XML element.
 */
export const SHORT_SECRET_NAMES = "sign|sig";

/** A pair name that is secret as a whole (suffix matches, as {@link LONG_SECRET_NAMES} says; `sign`, `sig` whole or after a separator). */
const SECRET_PAIR_NAME = new RegExp(`(?:${LONG_SECRET_NAMES}|(?:^|[-_.])(?:${SHORT_SECRET_NAMES}))$`, "i");

/**
 * True when a pair named `name` (a connection-string or query key, decoded) holds a secret by its
 * name alone: `security_token`, `server_side_encryption_customer_key`, `password`, `sig`...
 * @throws nothing
 */
export function isSecretName(name: string): boolean {
  return SECRET_PAIR_NAME.test(name);
}

/** A credential's protocol, kept readable when its value is hidden (`hmac:***`). */
const CREDENTIAL_PROTOCOL = /^(hmac|apikey|basic|base64|file)(?::|%3a)/i;

/**
 * What a `credential` value is shown as: its protocol and `***` (`hmac:***`), undefined (kept) for
 * `env`, which holds nothing secret, else `***`: a value without a known protocol may be a bare key
 * pair (`AK:SK`, the `hmac:` forgotten) or a bare secret.
 * @throws nothing
 */
export function hiddenCredential(value: string): string | undefined {
  const protocol = CREDENTIAL_PROTOCOL.exec(value);
  if (protocol !== null) return `${protocol[0]}***`;
  return /^["']?env["']?$/i.test(value) ? undefined : "***";
}
