/**
 * Removes secrets from text that may end up in an error message or a log line:
 * credentials in connection strings, Authorization headers, query signatures,
 * security tokens, SSE-C keys and passwords in URLs. Keeps everything else readable.
 *
 * A secret's value ends where its syntax says, never at a character the secret
 * itself may hold: a quoted value (`"..."`, `'...'`) at its closing quote; an
 * unquoted one at whitespace or `&` (the connection-string separator), so
 * `credential=hmac:AK:p4ss,W0RD'x}` is hidden whole. Core's own validation message
 * about a pair (`invalid value for option "serverSideEncryptionCustomerKey": must be
 * 32 bytes`) is prose, not a value, and is kept; anywhere else `"securityToken": TOK`
 * is a value.
 */

/**
 * Names whose value is secret (matched case-insensitively, as a suffix of a longer name too), except
 * in a service error code followed by its message (`InvalidAccessKeyId: The ...`, see `ERROR_CODE`).
 */
const SECRET_NAMES =
  "q-signature|signature|x-oss-signature|x-cos-security-token|x-oss-security-token|x-qs-security-token|security[-_]?token|sign|" +
  "access_key_id|q-ak|ossaccesskeyid|accesskeyid|expires_token|x-cos-server-side-encryption-customer-key|" +
  "x-oss-server-side-encryption-customer-key|x-qs-encryption-customer-key|x-qs-copy-source-encryption-customer-key|" +
  "x-cos-copy-source-server-side-encryption-customer-key|customer[-_]?key|secret[-_]?key|secretaccesskey|session[-_]?token|" +
  // OSS and Alibaba STS name the secret AccessKeySecret.
  "access[-_]?key[-_]?secret|" +
  // Presigned URLs of other services (Azure SAS `sig`), bearer tokens, API keys and passwords in a query.
  "sig|access[-_]?token|id[-_]?token|refresh[-_]?token|api[-_]?key|client[-_]?secret|password|passwd";

/**
 * `<name>` then an optional closing quote, a separator, and an optional opening quote.
 * Groups: 1 = everything up to the value, 2 = closing quote after the name, 3 = separator,
 * 4 = opening quote of the value.
 */
function keyed(names: string): RegExp {
  return new RegExp(`((?:${names})(["']?)\\s*([=:])\\s*(["']?))`, "gi");
}

const CREDENTIAL = keyed("credential");
const SECRET_KEY = keyed(SECRET_NAMES);
const AUTHORIZATION = keyed("authorization");
/**
 * A bare `token` as a quoted key (`"Token": "..."`, Tencent STS's answer): only quoted, so that
 * plain prose and paging tokens (`continuation-token=`) stay readable. Groups as {@link keyed}.
 */
const QUOTED_TOKEN = /((?<=["'])token(["'])\s*([=:])\s*(["']?))/gi;
const CREDENTIAL_PROTOCOL = /^(hmac|apikey|basic|base64|file)(?::|%3a)/i;

/**
 * `scheme://` then user information up to the last `@` (or `%40`) before the host: a value ends
 * at whitespace, a quote, a comma or `<>`, so neighbouring values never merge. Groups: 1 = the
 * scheme and `//`, 2 = the user information, 3 = the `@`.
 */
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'`,<>]*)(@|%40)/gi;
/** {@link USERINFO} in a URL percent-encoded whole (`https%3A%2F%2F…%40host`), which ends at `&` or an encoded `/` too. */
const ENCODED_USERINFO = /(\b[a-z][a-z0-9+.-]*%3a%2f%2f)((?:(?!%2f)[^\s/?#&"'`,<>])*)(%40)/gi;

/** Keeps a user name (up to the first `:` or `%3A`), hides what follows; user information without one is hidden whole. */
function hideUserinfo(_match: string, scheme: string, userinfo: string, at: string): string {
  const colon = /:|%3a/i.exec(userinfo);
  return colon === null ? `${scheme}***${at}` : `${scheme}${userinfo.slice(0, colon.index + colon[0].length)}***${at}`;
}

/** Where a value starting at `start` ends: its closing `quote`, else whitespace or `&` (or `stops`). */
function valueEnd(text: string, start: number, quote: string, stops: RegExp): number {
  let i = start;
  if (quote !== "") {
    while (i < text.length && text[i] !== quote && text[i] !== "\n" && text[i] !== "\r") i += text[i] === "\\" ? 2 : 1;
    return Math.min(i, text.length);
  }
  while (i < text.length && !stops.test(text[i]!)) i++;
  return i;
}

/**
 * Replaces the value after each match of `pattern` (see {@link keyed}) with what `replace`
 * returns for it (undefined keeps it).
 */
function redactValues(text: string, pattern: RegExp, stops: RegExp, replace: (value: string) => string | undefined): string {
  let out = "";
  let last = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const [prefix, , nameQuote, separator, valueQuote] = m as unknown as [string, string, string, string, string];
    const start = m.index + prefix.length;
    // `invalid value for option "name": prose` — core's own message about the option, no value.
    if (nameQuote !== "" && separator === ":" && valueQuote === "" && CORE_LABEL.test(text.slice(0, m.index))) continue;
    // `InvalidAccessKeyId: The ...`, `invalid_access_key_id: ...` — a service's error code and its message.
    if (separator === ":" && nameQuote === "" && ERROR_CODE.test(wordBefore(text, m.index) + m[0])) continue;
    const end = valueEnd(text, start, valueQuote, stops);
    const replacement = end > start ? replace(text.slice(start, end)) : undefined;
    if (replacement === undefined) continue;
    out += text.slice(last, start) + replacement;
    last = end;
    pattern.lastIndex = Math.max(pattern.lastIndex, end);
  }
  return out + text.slice(last);
}

/**
 * A service error code whose name ends like a secret's (`InvalidAccessKeyId`, `InvalidSecurityToken`,
 * QingStor's `invalid_access_key_id`): a word starting with a failure prefix, in CamelCase or
 * snake_case, followed by `:`. What follows it is the service's message, not a value.
 */
const ERROR_CODE = /^(?:(?:Invalid|Missing|Malformed|Expired|Bad)[A-Z]|(?:invalid|missing|malformed|expired|bad)_)[\w-]*:/;

/** The letters, digits, `_` and `-` right before `index` (the start of the word a name match ends). */
function wordBefore(text: string, index: number): string {
  let i = index;
  while (i > 0 && /[\w-]/.test(text[i - 1]!)) i--;
  return text.slice(i, index);
}

/** What precedes a pair's quoted name in core's own validation messages (`invalid value for option "`). */
const CORE_LABEL = /invalid value for (?:option|pair) ["'][\w-]*$/i;

const VALUE_STOPS = /[\s&]/;
const LINE_STOPS = /[\r\n]/;

/** Returns `text` with every secret we know how to spot replaced by `***`. */
export function redactSecrets(text: string): string {
  let out = text;
  // credential=hmac:AK:SK (connection strings), credential: "hmac:AK:SK" (also percent-encoded):
  // the protocol stays readable.
  out = redactValues(out, CREDENTIAL, VALUE_STOPS, (value) => {
    const protocol = CREDENTIAL_PROTOCOL.exec(value);
    if (protocol !== null) return `${protocol[1]}:***`;
    // `env` holds nothing secret; anything else without a known protocol may be a bare key pair
    // (`credential=AK:SK`, the `hmac:` forgotten) or a bare secret: hidden whole.
    return /^["']?env["']?$/i.test(value) ? undefined : "***";
  });
  // Authorization: <anything up to the end of the line or the closing quote>
  out = redactValues(out, AUTHORIZATION, LINE_STOPS, () => "***");
  // signature / token / key query parameters, headers and pairs
  out = redactValues(out, SECRET_KEY, VALUE_STOPS, () => "***");
  out = redactValues(out, QUOTED_TOKEN, VALUE_STOPS, () => "***");
  // bare hmac:AK:SK, or percent-encoded: up to whitespace, `&` or a quote
  out = out.replace(/\bhmac:[^\s&"':]+:[^\s&"']+/gi, "hmac:***");
  out = out.replace(/\bhmac%3a[^\s&"']+/gi, "hmac:***");
  // URL user information (scheme://user:password@host), also percent-encoded in part or whole, or
  // the whole URL so (an endpoint pair: https%3A%2F%2Fuser%3Apass%40host): the password, or a user
  // part without one (which may be a token), is hidden.
  out = out.replace(USERINFO, hideUserinfo);
  out = out.replace(ENCODED_USERINFO, hideUserinfo);
  return out;
}
