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
 * - A segment right after a secret pair whose key is no pair of the service (the global pairs
 *   and, when its driver is registered, the driver's own; without a driver, the global ones only)
 *   is hidden, and so is each such segment (or empty one) after it, all as one `***`, unless its name
 *   is a secret's (it is then a secret pair): they are most likely the rest of
 *   the secret, cut at an `&` that was not percent-encoded (as `newStorager` says, "unknown pair
 *   (not shown) right after the secret pair").
 * - The path part and the other pairs go through {@link redactSecrets} (user information in the
 *   name, `cos://AK:***@bucket`; a secret in an endpoint URL).
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
  if (q < 0) return redactSecrets(head);
  const pairs = pairsOf(scheme[2]!);
  // After a secret pair: whether the last segment shown is the `***` of its hidden tail.
  let afterSecret = false;
  let tailShown = false;
  const segments: string[] = [];
  for (const segment of conn.slice(q + 1).split("&")) {
    const eq = segment.indexOf("=");
    const name = pairName(eq < 0 ? segment : segment.slice(0, eq));
    const def = segment === "" ? undefined : pairs.get(name);
    // The tail of a secret (empty segments too: a secret's `&&`), one `***` however many segments
    // it spans; a name that is a secret's (`security_token` of a driver not registered) is a pair.
    if (afterSecret && def === undefined && (segment === "" || !isSecretName(name))) {
      if (!tailShown) segments.push("***");
      tailShown = true;
      continue;
    }
    tailShown = false;
    if (segment === "") {
      segments.push(segment);
      continue;
    }
    const secret = def?.secret === true || name === "credential" || isSecretName(name);
    afterSecret = secret;
    if (!secret) {
      segments.push(redactSecrets(segment));
      continue;
    }
    const value = eq < 0 ? "" : segment.slice(eq + 1);
    const hidden = value === "" ? "" : name === "credential" ? (hiddenCredential(value) ?? value) : "***";
    segments.push(eq < 0 ? segment : `${segment.slice(0, eq + 1)}${hidden}`);
  }
  return `${redactSecrets(head)}?${segments.join("&")}`;
}
