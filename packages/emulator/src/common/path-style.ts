import { safeDecode } from "./encoding.js";
import { ProtocolError } from "./protocol-error.js";

/** Bucket and key of a request path. */
export interface PathParts {
  bucket?: string;
  /** Decoded key; absent when the path names only the bucket (or nothing). */
  key?: string;
}

function decodeKey(raw: string): string {
  const k = safeDecode(raw);
  if (k === undefined) throw new ProtocolError("InvalidObjectName", "The object name is not valid URL encoding.");
  return k;
}

/** Splits a path-style request path `/<bucket>/<key>`. */
export function splitPathStyle(rawPath: string): PathParts {
  const p = rawPath.replace(/^\/+/, "");
  if (p === "") return {};
  const slash = p.indexOf("/");
  if (slash < 0) return { bucket: decodeKey(p) };
  const bucket = decodeKey(p.slice(0, slash));
  const rawKey = p.slice(slash + 1);
  return rawKey === "" ? { bucket } : { bucket, key: decodeKey(rawKey) };
}

/** The key of a virtual-hosted request path `/<key>`. */
export function keyOfVirtualHost(rawPath: string): string | undefined {
  const rawKey = rawPath.startsWith("/") ? rawPath.slice(1) : rawPath;
  return rawKey === "" ? undefined : decodeKey(rawKey);
}

/** The host name of a `Host` header, lowercased and without the port. */
export function hostName(hostHeader: string | undefined): string {
  if (hostHeader === undefined) return "";
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const colon = h.lastIndexOf(":");
  return colon >= 0 ? h.slice(0, colon) : h;
}

/**
 * True when `name` is a bucket name `provider` accepts: 3–63 characters of lowercase letters,
 * digits and hyphens, not starting or ending with a hyphen; QingStor wants at least 6.
 */
export function isValidBucketName(name: string, provider?: string): boolean {
  return provider === "qingstor" ? /^[a-z0-9][a-z0-9-]{4,61}[a-z0-9]$/.test(name) : /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name);
}

/**
 * Checks a bucket name with {@link isValidBucketName}.
 * @throws ProtocolError `InvalidBucketName`
 */
export function validateBucketName(name: string, provider?: string): void {
  if (!isValidBucketName(name, provider)) {
    throw new ProtocolError("InvalidBucketName", "The specified bucket name is not valid.");
  }
}
