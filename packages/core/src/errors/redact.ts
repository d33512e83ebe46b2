import { ErrorCode } from "./error-code.js";
import { hiddenCredential, LONG_SECRET_NAMES, SHORT_SECRET_NAMES } from "./secret-names.js";

/**
 * Removes secrets from text that may end up in an error message or a log line:
 * credentials in connection strings, Authorization headers, query signatures,
 * security tokens, SSE-C keys and passwords in URLs. Keeps everything else readable.
 *
 * A secret's value ends where its syntax says, never at a character the secret
 * itself may hold: a quoted value (`"..."`, `'...'`) at its closing quote; an
 * unquoted one after `=` (a query or connection-string pair, an env or INI line) at `&` (the
 * pair separator) or the end of the line, whitespace included, so `credential=hmac:AK:p4ss W0RD'x}`
 * and `security_token=tok ENDTOKEN` are hidden whole (and what follows them on that line too: free
 * text cannot tell where such a value ends), except at the seams of a Stowage error line, which no
 * secret holds: `: <ErrorCode>:` and a quoted path's closing `"` in an error's context
 * (`cp logs/sig=***: ObjectNotExist: no such object (…, path="logs/sig=***", status=404)`); an unquoted one after `:` (a header, YAML, prose) at
 * whitespace or `&`. A value already hidden (`***`, `hmac:***`) is kept as it is, with what follows
 * it, so redacting twice changes nothing (`…customer_key=***: ObjectNotExist`). Core's own validation message
 * about a pair (`invalid value for option "serverSideEncryptionCustomerKey": must be
 * 32 bytes`) is prose, not a value, and is kept; anywhere else `"securityToken": TOK`
 * is a value.
 *
 * The same names are found as XML elements (`<AccessKeySecret>…</AccessKeySecret>`, how Alibaba's
 * STS and the services' error documents carry them), after a percent-encoded `=` (`password%3D…`,
 * a connection string encoded whole), and `Cookie:` values and `Bearer` tokens are hidden too.
 *
 * Stowage's own format hints are kept: `hmac:<access_key>:<secret_key>[:<security_token>]` holds
 * placeholders (a fixed set of names in angle brackets), not values. A value in a placeholder's
 * place, or next to one, is hidden as anywhere else.
 */

const SECRET_NAMES = `${LONG_SECRET_NAMES}|(?<![a-z0-9])(?:${SHORT_SECRET_NAMES})`;

/** A separator: `=`, `:`, or `=` percent-encoded once or twice (`%3D`, `%253D`). */
const SEPARATOR = "[=:]|%(?:25)?3d";

/**
 * `<name>` then an optional closing quote, a separator (see {@link SEPARATOR}), and an optional
 * opening quote. Groups: 1 = everything up to the value, 2 = closing quote after the name,
 * 3 = separator, 4 = opening quote of the value.
 */
function keyed(names: string): RegExp {
  return new RegExp(`((?:${names})(["']?)\\s*(${SEPARATOR})\\s*(["']?))`, "gi");
}

const CREDENTIAL = keyed("credential");
const SECRET_KEY = keyed(SECRET_NAMES);
const AUTHORIZATION = keyed("authorization");
/**
 * `Cookie:` and `Set-Cookie:` values: sessions, hidden up to the end of the line. Only as a header
 * or a quoted key (`Cookie: a=b`, `"cookie": "a=b"`): at the start of a line or after a space,
 * quote, `{`, `,` or `;`, and followed by a space or a quote, so that a key such as
 * `recipes/cookie:chocolate.txt` keeps the rest of its line. Groups as {@link keyed}.
 */
const COOKIE = /((?<=^|[\s"'{,;])(?:set-)?cookie(["']?)\s*(:)(?=\s|["'])\s*(["']?))/gim;
/**
 * A bare `token` as a quoted key (`"Token": "..."`, Tencent STS's answer): only quoted, so that
 * plain prose and paging tokens (`continuation-token=`) stay readable. Groups as {@link keyed}.
 */
const QUOTED_TOKEN = /((?<=["'])token(["'])\s*([=:])\s*(["']?))/gi;
/**
 * A bare `token` as a whole name after a delimiter: `token=…` (a query, an env or INI line, also
 * percent-encoded) or `token: '…'` with a quoted value (an inspected object). Prose (`invalid list
 * token: not a …`) and paging tokens (`continuation-token=`, `nextToken`) stay readable. Groups as {@link keyed}.
 */
const BARE_TOKEN = /((?<=^|[\s?&;,{(])token()\s*(=|%(?:25)?3d|:(?=[ \t]*["']))\s*(["']?))/gi;
/** `token: …` opening a line (YAML, a header line). Groups as {@link keyed}. */
const LINE_TOKEN = /(^[ \t]*token()[ \t]*(:)[ \t]*(["']?))/gim;
/**
 * An XML element whose name is a secret's (suffix matches as in pairs; `Sign`, `Sig` and `Token`
 * only whole, so `<StringToSign>` and `<NextContinuationToken>` stay readable), with optional
 * attributes, and its text: up to its closing tag, or a word that ends the text (an answer cut
 * short). A placeholder in prose (`:<access_key_id>:<secret_access_key>`) is no element.
 * Groups: 1 = the opening tag, 2 = the name, 3 = the text.
 */
const XML_ELEMENT = new RegExp(
  `(<((?:[\\w.-]*?(?:${LONG_SECRET_NAMES}|authorization|credential|cookie|signature[-_]?provided)|${SHORT_SECRET_NAMES}|token))(?:\\s[^<>]*)?>)` +
    `([^<]*(?=</\\2\\s*>)|[^<\\s]+$)`,
  "gi",
);

/**
 * The placeholders Stowage's own hints write a credential's parts with (`hmac:<access_key>:<secret_key>[:<security_token>]`,
 * `(hmac:<secret_id>:<secret_key> or env)`): exactly these names in angle brackets, which hold no value.
 */
const PLACEHOLDER_NAMES = "access_key|secret_key|security_token|secret_id|access_key_id|access_key_secret|secret_access_key|token|ak|sk|id|key";
const PLACEHOLDERS = new RegExp(`<(?:${PLACEHOLDER_NAMES})>`, "gi");
const PLACEHOLDER_TAG = new RegExp(`^<(?:${PLACEHOLDER_NAMES})>$`, "i");

/**
 * True when an {@link XML_ELEMENT} match is the end of a format hint, not an element cut short:
 * its tag one of {@link PLACEHOLDER_NAMES} right after a `:` (`…:<secret_key>[:<security_token>])`) and its
 * "text" only punctuation. A value with a letter or digit in it is hidden all the same.
 */
function isHintTail(open: string, value: string, at: number, text: string): boolean {
  return PLACEHOLDER_TAG.test(open) && text[at - 1] === ":" && !/[\p{L}\p{N}]/u.test(value) && !text.startsWith("</", at + open.length + value.length);
}

/**
 * `Bearer <token>` (RFC 6750's token syntax) as a header value or a word of its own (after a space,
 * quote, `=`, `:`, `,` or a bracket: not `reports/bearer bonds/`), unless the next word is prose
 * (`Bearer token`).
 */
const BEARER = /(?<=^|[\s"'=:,(\[{])(bearer)\s+(?!tokens?\b)[\w.~+/-]+=*/gi;
/** What may precede a bare `hmac:`: nothing that makes it part of a longer word, but `%3D` (an encoded `=`) may. */
const HMAC_START = "(?<=^|[^A-Za-z0-9_]|%[0-9A-Fa-f]{2})";
const BARE_HMAC = new RegExp(`${HMAC_START}hmac:[^\\s&"':]+:[^\\s&"']+`, "gi");

/**
 * True for `hmac:` followed by placeholders only (see {@link PLACEHOLDER_NAMES}: at least the two of a key
 * pair), with `:` and brackets between them and closing punctuation after: a format hint, no credential.
 */
function isHintFormat(value: string): boolean {
  const placeholders = value.match(PLACEHOLDERS)?.length ?? 0;
  return placeholders >= 2 && /^hmac:[:[\]),.;]*$/i.test(value.replace(PLACEHOLDERS, ""));
}
const BARE_ENCODED_HMAC = new RegExp(`${HMAC_START}hmac%3a(?:(?!%(?:25)?26)[^\\s&"'])+`, "gi");

/**
 * `scheme://` then user information up to the last `@` (or `%40`) before the host: a value ends
 * at whitespace, a quote, a comma or `<>`, so neighbouring values never merge. Groups: 1 = the
 * scheme and `//`, 2 = the user information, 3 = the `@`.
 */
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'`,<>]*)(@|%40)/gi;
/** {@link USERINFO} in a URL percent-encoded whole (`https%3A%2F%2F…%40host`), which ends at `&` or an encoded `/` too. */
const ENCODED_USERINFO = /(\b[a-z][a-z0-9+.-]*%3a%2f%2f)((?:(?!%2f)[^\s/?#&"'`,<>])*)(%40)/gi;

/**
 * {@link USERINFO} with a password, read by structure: `scheme://`, a user (no `/`, `:` or `@`),
 * `:` (or `%3A`), then everything up to the last `@` (or `%40`) before whitespace, a quote, comma or
 * `<>` after which the text up to the next `?` holds no `=` or `&` (a host and path, not pairs), `/`,
 * `?` and `#` included: a password may hold them (AWS-style secret keys hold `/`), so
 * `cos://AKID:wJal/K7?MD@bucket/` is user information, not the name `AKID:wJal` and a path. A host
 * and port before a path holding `@` (`http://127.0.0.1:9000/b/a@x`) is no user information (see
 * {@link hideSlashed}). Groups: 1 = the scheme and `//`, 2 = the user and its `:`, 3 = the rest up
 * to the `@`, 4 = the `@`.
 */
const SLASHED_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)((?:[^\s/?#"'`,<>:@%]|%(?!3a|40)[0-9a-f]{2})*(?::|%3a))([^\s"'`,<>]*)(@|%40)(?=[^\s?"'`,<>=&]*(?:[?\s"'`,<>]|$))/gi;
/** {@link SLASHED_USERINFO} in a URL percent-encoded whole (`https%3A%2F%2Fu%3Ap%2Fw%40host`): up to the last `%40` before `&`. */
const ENCODED_SLASHED_USERINFO = /(\b[a-z][a-z0-9+.-]*%3a%2f%2f)((?:(?!%2f|%3a|%40)[^\s/?#&"'`,<>:@])*%3a)([^\s?#&"'`,<>]*)(%40)/gi;

/**
 * Hides the password of a {@link SLASHED_USERINFO} match, unless what precedes its `/` is a host
 * and port (a name with a `.`, `localhost` or `[…]`, then `:` and digits only) or a Windows drive
 * (`C:/`), where the `@` is in the path.
 */
function hideSlashed(match: string, scheme: string, user: string, rest: string, at: string): string {
  const host = user.replace(/(?::|%3a)$/i, "");
  if (/^\d+(?:\/|%2f|\?|#)/i.test(rest) && /\.|^localhost$|\]$/i.test(host)) return match;
  // A Windows drive (`fs://C:/Users/me@corp/`): no user.
  if (/^[a-z]$/i.test(host) && /^(?:\/|%2f)/i.test(rest)) return match;
  return `${scheme}${user}***${at}`;
}

/** Keeps a user name (up to the first `:` or `%3A`), hides what follows; user information without one is hidden whole. */
function hideUserinfo(_match: string, scheme: string, userinfo: string, at: string): string {
  const colon = /:|%3a/i.exec(userinfo);
  return colon === null ? `${scheme}***${at}` : `${scheme}${userinfo.slice(0, colon.index + colon[0].length)}***${at}`;
}

/** An `&` percent-encoded once or twice: where a value after an encoded `=` ends. */
const ENCODED_AMPERSAND = /^%(?:25)?26/i;

/**
 * A value already hidden by this module (`***`, `hmac:***`): followed by the end, `&`, a blank, a
 * quote or closing punctuation, or by `:` and a blank (`…customer_key=***: ObjectNotExist`).
 */
const MASKED = /^(?:(?:hmac|apikey|basic|base64|file)(?::|%3a))?\*\*\*(?=$|[\s&"'`,;)\]}<>]|:(?:\s|$))/i;

/**
 * Where a value starting at `start` ends: its closing `quote`, else at one of `stops` (whitespace
 * or `&`, or the end of the line), or an encoded `&` when the value followed an `encoded` `=`.
 */
function valueEnd(text: string, start: number, quote: string, stops: RegExp, encoded: boolean): number {
  let i = start;
  if (quote !== "") {
    while (i < text.length && text[i] !== quote && text[i] !== "\n" && text[i] !== "\r") i += text[i] === "\\" ? 2 : 1;
    return Math.min(i, text.length);
  }
  while (i < text.length && !stops.test(text[i]!) && !(encoded && ENCODED_AMPERSAND.test(text.slice(i, i + 5)))) i++;
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
    // Hidden already (core, then the CLI): kept, and so is what follows it.
    if (valueQuote === "" && MASKED.test(text.slice(start, start + 12))) continue;
    // After `=`, a value runs to `&` or the end of the line: a blank may be part of it.
    const valueStops = stops === VALUE_STOPS && separator !== ":" ? PAIR_STOPS : stops;
    const cut = valueEnd(text, start, valueQuote, valueStops, separator.startsWith("%"));
    const end = valueStops === PAIR_STOPS && valueQuote === "" ? seamBefore(text, start, cut) : cut;
    // The blanks after `=` (`key = value`) may begin the value: hidden with it, shown as one space.
    const blanks = valueStops === PAIR_STOPS && valueQuote === "" ? (/[ \t]*$/.exec(prefix)?.[0].length ?? 0) : 0;
    const replacement = end > start || blanks > 0 ? replace(text.slice(start, end)) : undefined;
    if (replacement === undefined) continue;
    out += text.slice(last, start - blanks) + (blanks > 0 ? " " : "") + replacement;
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

/**
 * The seams of a Stowage error line, where a value after `=` in a key or path ends though the line
 * goes on: `: <ErrorCode>:` (the CLI's `cp logs/sig=2024/a.txt: ObjectNotExist: …`), and the closing
 * quote of a quoted path in a StorageError's context before its next field or its end
 * (`path="logs/sig=2024/a.txt", status=404)`, also the last of a list: `path=["a","sig=1"])`). No
 * secret holds these: a Stowage error code between `: ` and `:`, or `"` (and `]`) followed by
 * `, status=`, `, requestId=` or `)` ending the line.
 */
const SEAM = new RegExp(`: (?:${Object.values(ErrorCode).join("|")}):|"(?=\\]?(?:, (?:status|requestId)=|\\)[ \\t]*$))`, "gm");

/** Where a value after `=` from `start` ends when a {@link SEAM} comes before `end` (where it would end else). */
function seamBefore(text: string, start: number, end: number): number {
  SEAM.lastIndex = start;
  const seam = SEAM.exec(text);
  return seam !== null && seam.index < end ? seam.index : end;
}

/** Where an unquoted value after `:` ends. */
const VALUE_STOPS = /[\s&]/;
/** Where an unquoted value after `=` (or an encoded one) ends: the pair separator or the end of the line. */
const PAIR_STOPS = /[&\r\n]/;
const LINE_STOPS = /[\r\n]/;

/** `value` as text: as `String` makes it, or its kind, `(object)`, when even that throws. @throws nothing */
function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `(${value === null ? "null" : typeof value})`;
  }
}

/**
 * Returns `text` with every secret we know how to spot replaced by `***`: for free text (an error
 * message, a log line, a service's answer) that may hold secrets among other words. Where the whole
 * text is one connection string (a location, a profile), use {@link redactConnectionString}, which
 * reads its pairs: it hides a secret cut at an unencoded `&` too, and keeps what follows a secret.
 *
 * In free text a secret's end is guessed from its syntax (see the top of this module): after `=` an
 * unquoted value runs to `&` or the end of the line, blanks and tabs included, so a secret holding
 * one is never shown in part, at the cost of the rest of that line (but for the seams of a Stowage
 * error line, which no secret holds: `cp logs/sig=***: ObjectNotExist: …`, a quoted path's `", status=`);
 * after `:` it ends at a blank. URL user information is read by structure: a password may hold `/`
 * (`cos://AK:***@bucket/`, up to the last `@`; a host and port such as `http://127.0.0.1:9000/k@x` is none).
 * What it cannot know is hidden only in part: a secret with an unencoded `&` (its tail reads as the
 * next pair), a secret that opens with a quote (read as a quoted value), a secret no name announces.
 * A value hidden already (`***`, `hmac:***`) is kept, so redacting twice changes nothing.
 *
 * Total: a value that is no string (a JS caller's number, `null`, an Error) is first made text as
 * `String` makes it, or named by its kind, `(object)`, when even that throws (a `toString` that
 * throws, an object without a prototype).
 * @throws nothing
 */
export function redactSecrets(text: string): string {
  let out = typeof text === "string" ? text : textOf(text);
  // <AccessKeySecret>…</AccessKeySecret>, <Signature>…, <Token>… (STS answers, error documents)
  out = out.replace(XML_ELEMENT, (element: string, open: string, _name: string, value: string, at: number, text: string) =>
    value.trim() === "" || isHintTail(open, value, at, text) ? element : `${open}***`,
  );
  // credential=hmac:AK:SK (connection strings), credential: "hmac:AK:SK" (also percent-encoded):
  // the protocol stays readable.
  // A hint (`credential=hmac:<access_key>:<secret_key> in the connection string`) or `env` as the
  // first word (`credential=env needs A_ID and A_SECRET`) is kept, and the patterns below still look
  // at what follows it.
  out = redactValues(out, CREDENTIAL, VALUE_STOPS, (value) => {
    const word = value.split(/\s/, 1)[0]!;
    return isHintFormat(value) || isHintFormat(word) || (word !== value && hiddenCredential(word) === undefined) ? undefined : hiddenCredential(value);
  });
  // Authorization: <anything up to the end of the line or the closing quote>
  out = redactValues(out, AUTHORIZATION, LINE_STOPS, () => "***");
  out = redactValues(out, COOKIE, LINE_STOPS, () => "***");
  out = out.replace(BEARER, "$1 ***");
  // signature / token / key query parameters, headers and pairs
  out = redactValues(out, SECRET_KEY, VALUE_STOPS, () => "***");
  out = redactValues(out, QUOTED_TOKEN, VALUE_STOPS, () => "***");
  out = redactValues(out, BARE_TOKEN, VALUE_STOPS, () => "***");
  out = redactValues(out, LINE_TOKEN, VALUE_STOPS, () => "***");
  // bare hmac:AK:SK, or percent-encoded (also after an encoded `=`): up to whitespace, `&` (or an
  // encoded one) or a quote
  out = out.replace(BARE_HMAC, (value: string) => (isHintFormat(value) ? value : "hmac:***"));
  out = out.replace(BARE_ENCODED_HMAC, "hmac%3A***");
  // URL user information (scheme://user:password@host), also percent-encoded in part or whole, or
  // the whole URL so (an endpoint pair: https%3A%2F%2Fuser%3Apass%40host): the password, or a user
  // part without one (which may be a token), is hidden.
  out = out.replace(SLASHED_USERINFO, hideSlashed);
  out = out.replace(ENCODED_SLASHED_USERINFO, hideSlashed);
  out = out.replace(USERINFO, hideUserinfo);
  out = out.replace(ENCODED_USERINFO, hideUserinfo);
  return out;
}
