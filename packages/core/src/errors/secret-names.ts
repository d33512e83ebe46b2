// The names of secrets, how a credential's value is hidden, and where URL user information sits in
// a connection string: shared by `redactSecrets` (free text), `redactConnectionString` (a connection
// string, by its structure) and the connection-string parser. Not exported by core.

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

/** Where URL user information sits in a connection string: see {@link userInfoSpan}. */
export interface UserInfoSpan {
  /** Index where the user information starts (right after `<scheme>://`). */
  start: number;
  /** Index right after the first `:` (or `%3A`) of the name: the user part ends there. */
  afterColon: number;
  /** Index of the `@` (or `%40`) that ends the user information. */
  at: number;
}

/**
 * Where a connection string `conn` holds URL user information, read by structure, or undefined.
 * It does when its name (the text after `<scheme>://` up to the first `/` or `?`) holds `:` (or
 * `%3A`; a Windows drive, `C:`, aside) and an `@` (or `%40`) comes after that `:` anywhere in the
 * raw string: a password may hold `/`, `?` or `&` (`cos://AKID:wJal/K7?MDQX/bPx@bucket/d/`), so the
 * first `/` or `?` does not end it. It ends at the last `@` after which the text up to the next `?`
 * (or the end) holds no `=` or `&` (a host and path, not pairs); when none does, at the last `@`.
 * So `cos://AK:pw@bucket/?endpoint=https://u:p@h:1&location=x` ends at `pw@`.
 * @throws nothing
 */
export function userInfoSpan(conn: string): UserInfoSpan | undefined {
  if (typeof conn !== "string") return undefined;
  const scheme = /^\s*[a-z][a-z0-9+.-]*:\/\//i.exec(conn);
  if (scheme === null) return undefined;
  const start = scheme[0].length;
  const rest = conn.slice(start);
  const nameEnd = rest.search(/[/?]/);
  const name = nameEnd < 0 ? rest : rest.slice(0, nameEnd);
  const colon = /:|%3a/i.exec(name);
  if (colon === null || /^[A-Za-z](?::|%3a)$/i.test(name)) return undefined;
  const afterColon = start + colon.index + colon[0].length;
  const ats: number[] = [];
  const AT = /@|%40/gi;
  AT.lastIndex = afterColon;
  for (let m = AT.exec(conn); m !== null; m = AT.exec(conn)) ats.push(m.index);
  if (ats.length === 0) return undefined;
  for (let i = ats.length - 1; i >= 0; i--) {
    const after = conn.slice(ats[i]! + 1);
    const q = after.indexOf("?");
    if (!/[=&]/.test(q < 0 ? after : after.slice(0, q))) return { start, afterColon, at: ats[i]! };
  }
  return { start, afterColon, at: ats[ats.length - 1]! };
}
