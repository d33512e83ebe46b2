import { isIP } from "node:net";

/**
 * The host name of a `Host` header value (`name`, `name:port`, `[v6]`, `[v6]:port`), lower-cased,
 * without brackets; undefined for anything else (user information, spaces, several hosts). A name
 * may hold `_`, as Docker service names do.
 */
export function hostOfHeader(value: string): string | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9._-]+))(?::\d{1,5})?$/i.exec(value.trim());
  if (m === null) return undefined;
  return (m[1] ?? m[2]!).toLowerCase();
}

/** `name` without the brackets of an IPv6 literal, lower-cased. */
function bare(name: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith("[") && lower.endsWith("]") ? lower.slice(1, -1) : lower;
}

/** True for an IP address literal (IPv4, or IPv6 with or without brackets). */
export function isIpLiteral(name: string): boolean {
  return isIP(bare(name)) !== 0;
}

/**
 * True for a host that only this machine can reach: `localhost` (and `*.localhost`), 127.0.0.0/8,
 * `::1`, and 127.0.0.0/8 mapped into IPv6 (`::ffff:127.0.0.1`).
 */
export function isLoopbackHost(host: string): boolean {
  const name = bare(host);
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  const family = isIP(name);
  if (family === 4) return name.startsWith("127.");
  if (family !== 6) return false;
  // The URL parser writes an IPv6 address in its shortest form (`::1`, `::ffff:7f00:1`).
  const canonical = new URL(`http://[${name}]/`).hostname.slice(1, -1);
  if (canonical === "::1") return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(canonical);
  return mapped !== null && parseInt(mapped[1]!, 16) >> 8 === 127;
}

/** True for the wildcard addresses (`0.0.0.0`, `::`), which listen on every interface. */
export function isWildcardHost(host: string): boolean {
  const name = bare(host);
  return name === "0.0.0.0" || (isIP(name) === 6 && new URL(`http://[${name}]/`).hostname === "[::]");
}

/**
 * `name` as an extra host the admin routes answer (`adminHosts`), lower-cased and without the
 * brackets of an IPv6 literal; undefined when it is no host name: a name is dot-separated labels of
 * 1 to 63 letters, digits, `-` and `_` (Docker service names), not starting or ending with `-`, at
 * most 253 characters, and carries no port, scheme, path or wildcard.
 */
export function adminHostName(name: string): string | undefined {
  const lower = bare(name);
  if (isIP(lower) !== 0) return lower;
  if (lower.length === 0 || lower.length > 253) return undefined;
  const labels = lower.split(".");
  return labels.every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l)) ? lower : undefined;
}
