import { ErrorCode } from "../errors/error-code.js";
import { isSecretName, userInfoSpan } from "../errors/secret-names.js";
import { storageError } from "../errors/storage-error.js";
import { normalizeWorkDir } from "../path/paths.js";

/** A connection string split into its parts; values are still strings (see `resolveOpenConfig`). */
export interface ParsedConnectionString {
  /** The scheme: the service type. */
  type: string;
  /** Bucket (or root) name from the path part. */
  name?: string;
  /** work_dir from the path part, as written (not yet normalised), with its leading `/`. */
  workDir?: string;
  /**
   * Query pairs in order. A key given twice has the same value each time, maybe written differently
   * where the parser's `equivalent` said so (repeats are kept). A bare key has value `""`.
   */
  pairs: Array<{ key: string; value: string }>;
}

const TYPE = /^[a-z][a-z0-9+.-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const FORMAT = "<type>://[<name>][/<work_dir>][?<key>=<value>&<flag>...]";

function invalid(message: string): never {
  throw storageError(ErrorCode.ConnectionStringInvalid, message);
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return invalid(`${what} has a bad percent-escape (write "%" as %25)`);
  }
}

/** A pair whose value is secret by its name (any case): its key, and those after it, are never quoted. */
function secretKey(key: string): boolean {
  return key.toLowerCase() === "credential" || isSecretName(key);
}

/**
 * Parses `<type>://[<name>][/<work_dir>][?k=v&flag]` with go-storage semantics (GSP-90):
 * - `type` is the text before the first `:` and must match `/^[a-z][a-z0-9+.-]*$/`; `//` must follow.
 * - The path part (up to the first `?`): without `/` it is all `name`; starting with `/` it is all
 *   `work_dir`; otherwise `name` runs up to the first `/` and `work_dir` is the rest (with its `/`).
 * - The query is split on `&`; empty segments are ignored; a key without `=` has value `""`;
 *   a value may contain `=`, `/`, `:` and `?`. Duplicates are kept in order.
 * - name, work_dir, keys and values are percent-decoded (`%26` carries `&`, `%25` a `%`; `+` stays `+`).
 * - A key given more than once must have the same value each time; the path part's name and
 *   work_dir count as pairs `name` and `work_dir` (work_dirs compare normalised: `/a` is `/a/`).
 *   Two different texts of one key are the same value when `equivalent` says so (`resolveOpenConfig`
 *   passes one that compares them parsed by the pair's type: `1` and `01`, `true` and `t`).
 *   Unlike go-storage, where the first occurrence wins, different values are refused: a
 *   `&work_dir=/backup/` appended after a path part `/` would otherwise be ignored silently, and
 *   writes meant for `/backup/` would overwrite what is at the bucket root.
 * - Raw control characters (C0 and DEL: a newline read from a file or an environment variable,
 *   a tab...) are refused anywhere in the string; one that is really meant is written
 *   percent-encoded (`%0A`) and kept after decoding. So is leading or trailing white space (`%20` for a space).
 * Messages never echo values (they may hold credentials). Nor do they quote a key after a secret
 * pair (`credential`, or one named as a secret in any case: it may be the secret's tail, cut at an
 * unencoded `&`), nor any key of a string holding URL user information (a name holding `:` with an
 * `@` after it anywhere: a password holding `?` would be read as pairs).
 * @param equivalent whether two different texts `a` and `b` of pair `key` are one value (default:
 *   never, beyond the work_dir rule above). It is called with decoded values and must not throw.
 * @throws ConnectionStringInvalid for a non-string or empty input, a raw control character, leading or trailing white space, a bad
 *   type, a missing `//`, an empty key, a bad percent-escape, or a key given twice with different
 *   values (the message names the key, never a value: it may be a secret).
 */
export function parseConnectionString(conn: string, equivalent?: (key: string, a: string, b: string) => boolean): ParsedConnectionString {
  if (typeof conn !== "string") invalid(`a connection string must be a string, got ${conn === null ? "null" : typeof conn}`);
  if (conn === "") invalid(`the connection string is empty, expected ${FORMAT}`);
  const control = CONTROL.exec(conn);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
    invalid(
      `the connection string has a raw control character (0x${code}) at offset ${control.index}, e.g. a newline read from a file or an ` +
        `environment variable: remove it, or write it percent-encoded (%${code}) if it is meant`,
    );
  }
  if (conn.trim() !== conn) {
    invalid(
      "the connection string starts or ends with white space (a space, or another blank such as a no-break space), e.g. copied or read from a file: remove it, or write it percent-encoded (%20 for a space) if it is meant",
    );
  }
  const colon = conn.indexOf(":");
  if (colon < 0) invalid(`the connection string has no "<type>:" scheme, expected ${FORMAT}`);
  const type = conn.slice(0, colon);
  if (!TYPE.test(type)) {
    invalid(`the connection string's type must be lower-case letters, digits, "+", "." or "-" starting with a letter, expected ${FORMAT}`);
  }
  const rest = conn.slice(colon + 1);
  if (!rest.startsWith("//")) invalid(`"${type}:" must be followed by "//", expected ${FORMAT}`);
  const afterSlashes = rest.slice(2);
  const q = afterSlashes.indexOf("?");
  const pathPart = q < 0 ? afterSlashes : afterSlashes.slice(0, q);
  const query = q < 0 ? "" : afterSlashes.slice(q + 1);

  const parsed: ParsedConnectionString = { type, pairs: [] };
  if (pathPart !== "") {
    const slash = pathPart.indexOf("/");
    if (slash < 0) {
      parsed.name = decode(pathPart, "the name");
    } else {
      if (slash > 0) parsed.name = decode(pathPart.slice(0, slash), "the name");
      parsed.workDir = decode(pathPart.slice(slash), "the work_dir");
    }
  }
  // Keys that are not quoted: all of them in a string with user information, else each one after a
  // secret pair, unless the same key also stands where nothing secret comes before it.
  let quiet = userInfoSpan(conn) !== undefined;
  const quotable = new Set<string>();
  for (const segment of query.split("&")) {
    if (segment === "") continue;
    const eq = segment.indexOf("=");
    const rawKey = eq < 0 ? segment : segment.slice(0, eq);
    if (rawKey === "") invalid("the connection string has a pair with no key (\"=...\")");
    const key = decode(rawKey, "a pair key");
    const what = quiet ? "the value of a pair (not shown: it may be part of a secret)" : `the value of pair "${key}"`;
    const value = eq < 0 ? "" : decode(segment.slice(eq + 1), what);
    if (!quiet) quotable.add(key);
    quiet ||= secretKey(key);
    parsed.pairs.push({ key, value });
  }
  refuseRepeats(parsed, equivalent, quotable);
  return parsed;
}

/** Two values of pair `key` that open the same thing: equal, or (work_dir) equal once normalised. */
function sameValue(key: string, a: string, b: string): boolean {
  if (a === b) return true;
  if (key !== "work_dir") return false;
  try {
    return normalizeWorkDir(a) === normalizeWorkDir(b);
  } catch {
    return false;
  }
}

/** What `equivalent` says of two texts of `key`; false without it, or when it throws. */
function sameByCaller(equivalent: ((key: string, a: string, b: string) => boolean) | undefined, key: string, a: string, b: string): boolean {
  if (equivalent === undefined) return false;
  try {
    return equivalent(key, a, b) === true;
  } catch {
    return false;
  }
}

/** Refuses a key given twice with different values (the path part's name and work_dir included), naming it only when it is `quotable` (it also stands with nothing secret before it). */
function refuseRepeats(parsed: ParsedConnectionString, equivalent: ((key: string, a: string, b: string) => boolean) | undefined, quotable: ReadonlySet<string>): void {
  const seen = new Map<string, { value: string; inPath: boolean }>();
  if (parsed.name !== undefined) seen.set("name", { value: parsed.name, inPath: true });
  if (parsed.workDir !== undefined) seen.set("work_dir", { value: parsed.workDir, inPath: true });
  for (const { key, value } of parsed.pairs) {
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, { value, inPath: false });
      continue;
    }
    if (sameValue(key, first.value, value) || sameByCaller(equivalent, key, first.value, value)) continue;
    const shown = /^[a-z][a-z0-9_]{0,63}$/.test(key) && quotable.has(key) ? `"${key}"` : "(a key not shown)";
    const where = first.inPath
      ? `in the path part and in the query: the path part <name>/<work_dir> already sets ${key}, so give it in one place only`
      : "in the query: give it once";
    invalid(`pair ${shown} is given twice with different values (values not shown), ${where}`);
  }
}
