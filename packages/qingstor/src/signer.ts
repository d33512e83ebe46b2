import { createHmac } from "node:crypto";

/**
 * Query parameters QingStor signs (the Go SDK v4 list, `protocols.md` §3.1);
 * any other parameter travels unsigned.
 */
export const SIGNED_SUBRESOURCES: ReadonlySet<string> = new Set([
  "acl",
  "append",
  "cname",
  "cors",
  "delete",
  "image",
  "lifecycle",
  "logging",
  "mirror",
  "notification",
  "part_number",
  "policy",
  "position",
  "replication",
  "stats",
  "upload_id",
  "uploads",
  "versioning",
  "version_id",
  "versions",
  "response-expires",
  "response-cache-control",
  "response-content-type",
  "response-content-language",
  "response-content-encoding",
  "response-content-disposition",
]);

/** What a QingStor signature covers. */
export interface QsSignInput {
  method: string;
  /** The path as sent (`/bucket/key`, percent-encoded as the Go SDK canonicalizes it). */
  path: string;
  /** Query parameters with decoded values; only {@link SIGNED_SUBRESOURCES} are signed. `undefined` is a valueless flag. */
  query: ReadonlyArray<readonly [string, string | undefined]>;
  /** Headers (any case): Content-MD5, Content-Type, Date and every `x-qs-*` one are signed. */
  headers: Readonly<Record<string, string>>;
}

function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** `x-qs-name:value\n` for every `x-qs-*` header: names lower-cased and trimmed, values trimmed, sorted. @throws nothing */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): string {
  const lines = Object.entries(headers)
    .map(([k, v]) => [k.toLowerCase().trim(), v.trim()] as const)
    .filter(([k]) => k.startsWith("x-qs-"));
  lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return lines.map(([k, v]) => `${k}:${v}\n`).join("");
}

/** The path plus `?` and the signed sub-resources sorted by name, `k=v` (raw value) or `k`. @throws nothing */
export function canonicalResource(path: string, query: QsSignInput["query"]): string {
  const subs = query.filter(([k]) => SIGNED_SUBRESOURCES.has(k));
  subs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (subs.length === 0) return path;
  return `${path}?${subs.map(([k, v]) => (v === undefined || v === "" ? k : `${k}=${v}`)).join("&")}`;
}

/**
 * The StringToSign: verb, Content-MD5, Content-Type, the date line, the
 * canonical `x-qs-*` headers and the canonical resource. `dateLine` is the
 * `Date` header (empty when `X-QS-Date` is sent), or `expires` for a presigned URL.
 * @throws nothing
 */
export function stringToSign(input: QsSignInput, dateLine: string): string {
  const md5 = headerOf(input.headers, "content-md5") ?? "";
  const type = headerOf(input.headers, "content-type") ?? "";
  return `${input.method.toUpperCase()}\n${md5}\n${type}\n${dateLine}\n${canonicalHeaders(input.headers)}${canonicalResource(input.path, input.query)}`;
}

/** base64(HMAC-SHA256(secret, stringToSign)). @throws nothing */
export function qsSignature(secretAccessKey: string, toSign: string): string {
  return createHmac("sha256", secretAccessKey).update(toSign, "utf8").digest("base64");
}

/** The date line of a header-signed request: `Date`, or empty when `X-QS-Date` is present. @throws nothing */
export function headerDateLine(headers: Readonly<Record<string, string>>): string {
  return headerOf(headers, "x-qs-date") !== undefined ? "" : (headerOf(headers, "date") ?? "");
}

/** The `Authorization` header value: `QS <access_key_id>:<signature>`. Pure: the date is in `input.headers`. @throws nothing */
export function qsAuthorization(input: QsSignInput, accessKeyId: string, secretAccessKey: string): string {
  return `QS ${accessKeyId}:${qsSignature(secretAccessKey, stringToSign(input, headerDateLine(input.headers)))}`;
}

/**
 * The query parameters of a presigned URL (append them after the request's own):
 * `access_key_id`, `expires` (unix seconds) and `signature`, with `expires` in the date line.
 * @throws nothing
 */
export function qsPresignQuery(input: QsSignInput, accessKeyId: string, secretAccessKey: string, expires: number): Array<[string, string]> {
  const signature = qsSignature(secretAccessKey, stringToSign(input, String(expires)));
  return [
    ["access_key_id", accessKeyId],
    ["expires", String(expires)],
    ["signature", signature],
  ];
}
