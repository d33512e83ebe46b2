/**
 * URL-encoding variants the three signature schemes use.
 */

/** `%XX` with uppercase hex for one character code below 256. */
function pct(c: string): string {
  return "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
}

/**
 * RFC 3986 encoding: `encodeURIComponent` plus `! ' ( ) *` escaped (uppercase
 * hex). This is COS's `urlenc` and OSS V4's canonical encoding.
 */
export function strictEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, pct);
}

/** {@link strictEncode} keeping `/` (OSS V4 canonical URI). */
export function strictEncodePath(s: string): string {
  return strictEncode(s).replace(/%2F/g, "/");
}

/**
 * The QingStor Go SDK path canonicalization: `url.QueryEscape` of the decoded
 * path, then `%2F → /`, `%3D → =`, `+ → %20`.
 */
export function qsGoCanonicalPath(decodedPath: string): string {
  return strictEncode(decodedPath).replace(/%2F/g, "/").replace(/%3D/g, "=");
}

/** `decodeURIComponent` that returns `undefined` instead of throwing on bad escapes. */
export function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Escapes text for an XML element body or attribute. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;",
  );
}
