import { globalPairs } from "../pairs/global-pairs.js";
import type { PairDefinition } from "../pairs/pair-definition.js";
import { sharedServices } from "../registry/shared-registry.js";
import { redactSecrets } from "./redact.js";
import { hiddenCredential, isSecretName, userInfoSpan, type UserInfoSpan } from "./secret-names.js";

/** `<scheme>://` at the start of a connection string (blanks before it allowed: a string copied with them). */
const SCHEME = /^(\s*)([a-z][a-z0-9+.-]*):\/\//i;

/** A key as its pair is named: percent-decoded (the key as written when that fails), `-` made `_`. */
function pairName(rawKey: string): string {
  let key = rawKey;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    // a bad escape: matched as written
  }
  return key.replace(/-/g, "_");
}

/**
 * The pairs a `type` connection string may hold, by name: the global ones and those of the driver
 * registered for `type` (none when there is none), each also as `default_<name>` when defaultable.
 */
function pairsOf(type: string): Map<string, PairDefinition> {
  const byName = new Map<string, PairDefinition>();
  const driver = sharedServices().get(type.toLowerCase())?.pairs ?? {};
  for (const def of [...Object.values(globalPairs), ...Object.values(driver)] as PairDefinition[]) {
    byName.set(def.name, def);
    if (def.defaultable === true) byName.set(`default_${def.name}`, def);
  }
  return byName;
}

/**
 * The path part `head` of a connection string (`<scheme>://` ends at `afterSlashes`) with its
 * secrets hidden. User information (`span`, read by structure as {@link userInfoSpan} says, past a
 * `/` or `?` in the password) is hidden up to its `@`, the user kept unless it holds `@` itself (a
 * token, hidden whole): `cos://AKID:wJal/K7?MD@bucket/dir/` is shown `cos://AKID:***@bucket/dir/`.
 * The rest goes through {@link redactSecrets} (a name holding `@` without `:`, `cos://TOKEN@bucket`,
 * is hidden there).
 */
function redactHead(head: string, afterSlashes: number, span: UserInfoSpan | undefined): string {
  if (span === undefined) return redactSecrets(head);
  const userPart = head.slice(afterSlashes, span.afterColon);
  const user = /@|%40/i.test(userPart) ? "" : userPart;
  return `${head.slice(0, afterSlashes)}${user}***${redactSecrets(head.slice(span.at))}`;
}

/** `scheme://user:` at the start of an `endpoint` value: a URL whose authority may hold a password. */
const ENDPOINT_USER = /^[a-z][a-z0-9+.-]*(?::|%3a)(?:\/\/|%2f%2f)[^/@:%]*(?::|%3a)/i;

/**
 * The `endpoint` value `value` with the password of its user information hidden, or undefined when
 * it holds none: when it is `scheme://user:` and an `@` follows, up to the last `@`
 * (`https://u:***@host`); all of it (`https://u:***`) when one of the segments that follow up to
 * the next known pair (`tail`: an unencoded `&` cut the password there) holds an `@`, or, with no
 * `@` at all, when what follows `user:` is no port (not digits).
 */
function hiddenEndpoint(value: string, tail: readonly string[]): string | undefined {
  const user = ENDPOINT_USER.exec(value);
  if (user === null) return undefined;
  // Cut at an unencoded `&`: the `@` that ends the password is in the segments that follow.
  if (tail.some((segment) => /@|%40/i.test(segment))) return `${user[0]}***`;
  // A password holding `@`, `%40`, blanks or `/`: hidden up to the last `@` of the value.
  const at = Math.max(value.lastIndexOf("@"), value.toLowerCase().lastIndexOf("%40"));
  if (at >= user[0].length) return `${user[0]}***${value.slice(at)}`;
  const port = value.slice(user[0].length).replace(/(?:\/|%2f)$/i, "");
  return /^[0-9]{1,5}$/.test(port) ? undefined : `${user[0]}***`;
}

/**
 * Returns the connection string `conn` (`cos://bucket/dir/?credential=hmac:AK:SK&location=x`,
 * a location or a profile as written) with its secrets hidden, read by the string's structure
 * rather than by patterns over text. Use it wherever the whole text is one connection string;
 * use {@link redactSecrets} for free text (messages, log lines) that may hold one among other words.
 *
 * - The value of each secret pair is hidden whole, up to the next `&` or the end, whatever it holds
 *   (blanks, tabs, `:`, `=`): `credential=hmac:***` (the protocol kept; `env` shown), the others
 *   `***`. A pair is secret when its definition says so (`credential`, a registered driver's
 *   `security_token` or SSE-C key) or its name does (`…_customer_key`, `password`, `signature`...).
 *   Whether a pair is secret is decided case-insensitively (`Credential=`, `CREDENTIAL=`: typos
 *   core refuses as unknown, hidden all the same).
 * - A segment right after a secret pair whose key is no pair of the service as written (the global
 *   pairs and, when its driver is registered, the driver's own; without a driver, the global ones
 *   only) is hidden, and so is each such segment (or empty one) after it, all as one `***`, even
 *   one whose name is a secret's (`…&W0RDpassword`): they are most likely the rest of the secret,
 *   cut at an `&` that was not percent-encoded (as `newStorager` says, "unknown pair (not shown)
 *   right after the secret pair").
 * - User information is read by structure: when the name (up to the first `/` or `?`) holds `:`
 *   and an `@` follows anywhere in the string, user information runs to the last `@` before the
 *   pairs that follow it, its password hidden even when it holds `/` or `?`
 *   (`cos://AK:***@bucket/dir/`). The rest of the path part and the other pairs go through
 *   {@link redactSecrets} (a token as user information, `cos://***@bucket`; a secret in an endpoint URL).
 * - An `endpoint` URL whose password holds an unencoded `&` (`endpoint=https://u:SEC&RET@host:1`)
 *   is shown `endpoint=https://u:***&***`: what follows it, up to the next known pair, is hidden.
 *
 * A text that does not start with `<scheme>://` is free text: it is given to {@link redactSecrets}.
 * Nothing is checked or refused: a string that would not open is shown redacted all the same.
 * Total: a value that is no string is made text as {@link redactSecrets} makes it.
 * @throws nothing
 */
export function redactConnectionString(conn: string): string {
  if (typeof conn !== "string") return redactSecrets(conn);
  const scheme = SCHEME.exec(conn);
  if (scheme === null) return redactSecrets(conn);
  const afterSlashes = scheme[0].length;
  // User information first: its password may hold `?`, which then does not start the pairs.
  const span = userInfoSpan(conn);
  const q = conn.indexOf("?", span === undefined ? afterSlashes : span.at);
  const head = q < 0 ? conn : conn.slice(0, q);
  if (q < 0) return redactHead(head, afterSlashes, span);
  const pairs = pairsOf(scheme[2]!);
  // After a secret pair: whether the last segment shown is the `***` of its hidden tail.
  let afterSecret = false;
  let tailShown = false;
  const segments: string[] = [];
  const all = conn.slice(q + 1).split("&");
  for (const [i, segment] of all.entries()) {
    const eq = segment.indexOf("=");
    const name = pairName(eq < 0 ? segment : segment.slice(0, eq));
    // Known as written (as core's parser matches keys), or by its name in another case (only to
    // decide that it is secret: `Credential=` is a typo of a secret, refused as unknown by core).
    const def = segment === "" ? undefined : pairs.get(name);
    const lower = name.toLowerCase();
    // The tail of a secret (empty segments too: a secret's `&&`), one `***` however many segments
    // it spans: every segment that is no pair of the service as written, even one named as a secret
    // (`…&W0RDpassword` is a tail), as core's "unknown pair (not shown) right after the secret pair".
    if (afterSecret && def === undefined) {
      if (!tailShown) segments.push("***");
      tailShown = true;
      continue;
    }
    tailShown = false;
    if (segment === "") {
      segments.push(segment);
      continue;
    }
    const secret = (def ?? pairs.get(lower))?.secret === true || lower === "credential" || isSecretName(name);
    afterSecret = secret;
    if (!secret && name === "endpoint" && eq >= 0) {
      const rest = all.slice(i + 1);
      const known = rest.findIndex((next) => next !== "" && pairs.has(pairName(next.split("=", 1)[0]!)));
      const hidden = hiddenEndpoint(segment.slice(eq + 1), known < 0 ? rest : rest.slice(0, known));
      if (hidden !== undefined) {
        // A password cut at an unencoded `&`: what follows, up to the next known pair, is its tail.
        afterSecret = true;
        segments.push(`${segment.slice(0, eq + 1)}${hidden}`);
        continue;
      }
    }
    if (!secret) {
      segments.push(redactSecrets(segment));
      continue;
    }
    const value = eq < 0 ? "" : segment.slice(eq + 1);
    const hidden = value === "" ? "" : lower === "credential" ? (hiddenCredential(value) ?? value) : "***";
    segments.push(eq < 0 ? segment : `${segment.slice(0, eq + 1)}${hidden}`);
  }
  return `${redactHead(head, afterSlashes, span)}?${segments.join("&")}`;
}
