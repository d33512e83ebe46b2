import { createHmac } from "node:crypto";

/**
 * The sub-resources QingStor signs (`protocols.md`, QingStor signing: the Go v4 SDK's list). The JS SDK
 * signs a subset of it, and of what it sends misses only `position` (append): see `qingstor/auth.ts`.
 */
export const QS_SUBRESOURCES: ReadonlySet<string> = new Set([
  "acl", "append", "cname", "cors", "delete", "image", "lifecycle", "logging", "mirror", "notification", "part_number",
  "policy", "position", "replication", "stats", "upload_id", "uploads", "versioning", "version_id", "versions",
  "response-expires", "response-cache-control", "response-content-type", "response-content-language",
  "response-content-encoding", "response-content-disposition",
]);

/**
 * CanonicalizedResource: `path` plus `?` and the signed sub-resources of
 * `query` (those in `signed`) sorted, `k=v` (decoded value) or `k` when empty.
 */
export function qsResource(path: string, query: readonly (readonly [string, string])[], signed: ReadonlySet<string>): string {
  const subs = query
    .filter(([k]) => signed.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === "" ? k : `${k}=${v}`));
  return subs.length === 0 ? path : `${path}?${subs.join("&")}`;
}

/** Inputs of the StringToSign. */
export interface QsSignInput {
  method: string;
  contentMd5: string;
  contentType: string;
  /** `Date` (empty when `x-qs-date` is sent), or `expires` for presigned URLs. */
  date: string;
  /** Lowercase header names to values (only `x-qs-*` are used). */
  headers: Readonly<Record<string, string>>;
  resource: string;
}

/** The canonical `x-qs-*` header block, each line ending in `\n` (empty when none). */
export function qsCanonicalHeaders(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([k, v]) => [k.toLowerCase().trim(), v.trim()] as const)
    .filter(([k]) => k.startsWith("x-qs-"))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}:${v}\n`)
    .join("");
}

/** StringToSign = Verb, Content-MD5, Content-Type, Date, x-qs headers, resource. */
export function qsStringToSign(input: QsSignInput): string {
  return `${input.method.toUpperCase()}\n${input.contentMd5}\n${input.contentType}\n${input.date}\n${qsCanonicalHeaders(input.headers)}${input.resource}`;
}

/** base64(HMAC-SHA256(secret, stringToSign)). Pure. */
export function qsSignature(secretKey: string, stringToSign: string): string {
  return createHmac("sha256", secretKey).update(stringToSign, "utf8").digest("base64");
}
