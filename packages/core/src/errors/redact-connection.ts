import { globalPairs } from "../pairs/global-pairs.js";
import type { PairDefinition } from "../pairs/pair-definition.js";
import { sharedServices } from "../registry/shared-registry.js";
import { redactSecrets } from "./redact.js";
import { hiddenCredential, isSecretName } from "./secret-names.js";

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

/** A Windows drive written as a name (`fs://C:/dir`): no user information, though it holds `:`. */
const DRIVE = /^[A-Za-z]:$/;

/**
 * The path part `head` of a connection string (`<scheme>://` ends at `afterSlashes`) with its
 * secrets hidden. User information is read by structure: when the name (up to the first `/`) holds
 * `:` (or `%3A`) and an `@` (or `%40`) follows it anywhere in the path part, everything up to the
 * last `@` is user information, whose password may hold `/` (AWS-style secret keys do):
 * `cos://AKID:wJal/K7MD@bucket/dir/` is shown `cos://AKID:***@bucket/dir/`. The rest goes through
 * {@link redactSecrets} (a name holding `@` without `:`, `cos://TOKEN@bucket`, is hidden there).
 */
function redactHead(head: string, afterSlashes: number): string {
  const path = head.slice(afterSlashes);
  const slash = path.indexOf("/");
  const name = slash < 0 ? path : path.slice(0, slash);
  const colon = /:|%3a/i.exec(name);
  const at = Math.max(path.lastIndexOf("@"), path.toLowerCase().lastIndexOf("%40"));
  if (colon === null || DRIVE.test(name) || at < colon.index) return redactSecrets(head);
  // A user part holding `@` itself (`TOKEN@host:…`) may be a token: hidden whole.
  const user = /@|%40/i.test(path.slice(0, colon.index)) ? "" : path.slice(0, colon.index + colon[0].length);
  return `${head.slice(0, afterSlashes)}${user}***${redactSecrets(path.slice(at))}`;
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
 * - User information is read by structure: when the name holds `:` and an `@` follows anywhere in
 *   the path part, everything up to the last `@` is user information, its password hidden even when
 *   it holds `/` (`cos://AK:***@bucket/dir/`). The rest of the path part and the other pairs go
 *   through {@link redactSecrets} (a token as user information, `cos://***@bucket`; a secret in an
 *   endpoint URL).
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
  const q = conn.indexOf("?", afterSlashes);
  const head = q < 0 ? conn : conn.slice(0, q);
  if (q < 0) return redactHead(head, afterSlashes);
  const pairs = pairsOf(scheme[2]!);
  // After a secret pair: whether the last segment shown is the `***` of its hidden tail.
  let afterSecret = false;
  let tailShown = false;
  const segments: string[] = [];
  for (const segment of conn.slice(q + 1).split("&")) {
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
    if (!secret) {
      segments.push(redactSecrets(segment));
      continue;
    }
    const value = eq < 0 ? "" : segment.slice(eq + 1);
    const hidden = value === "" ? "" : lower === "credential" ? (hiddenCredential(value) ?? value) : "***";
    segments.push(eq < 0 ? segment : `${segment.slice(0, eq + 1)}${hidden}`);
  }
  return `${redactHead(head, afterSlashes)}?${segments.join("&")}`;
}
