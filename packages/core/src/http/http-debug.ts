import { debuglog } from "node:util";
import { redactSecrets } from "../errors/redact.js";
import { requestUrl, type HttpRequest } from "./http-request.js";

/**
 * Header names whose values are never shown (any case): credentials and tokens, SSE-C keys and
 * their MD5 (`...-customer-key`, `...-customer-key-MD5`, copy-source ones too: the MD5 fingerprints
 * the key), and a KMS encryption context (`x-cos-server-side-encryption-context`).
 */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-[a-z]+-security-token|.*customer-key(-md5)?|.*encryption-context|.*-signature)$/i;

const log = debuglog("stowage:http");

/**
 * A URL inside a header value (QingStor's `x-qs-fetch-source`): scheme, userinfo, host and path,
 * query, fragment. Such a URL is the caller's, maybe presigned with parameters of any name.
 */
const EMBEDDED_URL = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]*@)?([^\s?#]*)(\?[^\s#]*)?(#\S*)?/gi;

/**
 * `text` with every URL in it stripped of what may be secret: its userinfo and its fragment become
 * `***`, and so does the value of every query parameter (names stay, to show what was sent; a
 * parameter without `=` may be a bare token, and is hidden whole).
 * @throws nothing.
 */
export function redactEmbeddedUrls(text: string): string {
  if (!text.includes("://")) return text;
  return text.replace(EMBEDDED_URL, (_all, scheme: string, userinfo: string | undefined, rest: string, query: string | undefined, fragment: string | undefined) => {
    const params = query === undefined ? "" : "?" + query.slice(1).split("&").map((p) => (p.includes("=") ? `${p.slice(0, p.indexOf("="))}=***` : p === "" ? p : "***")).join("&");
    return `${scheme}${userinfo === undefined ? "" : "***@"}${rest}${params}${fragment === undefined ? "" : "#***"}`;
  });
}

/**
 * The headers of a request with every secret value replaced by `***`: secret headers whole, known
 * secrets inside other values, and the userinfo, fragment and query values of a URL a value carries.
 * @throws nothing
 */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.test(k) ? "***" : redactSecrets(redactEmbeddedUrls(v));
  return out;
}

/**
 * The request's URL with signatures, tokens and keys in its query replaced by `***`.
 * @throws StorageError `InvalidArgument` for a query name or value with a lone surrogate (core `requestUrl`)
 */
export function redactedUrl(request: HttpRequest): string {
  return redactSecrets(requestUrl(request));
}

/**
 * Writes one line per attempt to the `stowage:http` debug log
 * (`NODE_DEBUG=stowage:http`): method, redacted URL, outcome, time, attempt
 * and request id. Headers are listed only with their secrets redacted.
 * @throws nothing but, with the log on, what {@link redactedUrl} throws
 */
export function logAttempt(request: HttpRequest, outcome: string, details: { attempt: number; ms: number; requestId?: string | undefined }): void {
  if (!log.enabled) return;
  const id = details.requestId ? ` requestId=${details.requestId}` : "";
  log(
    "%s %s -> %s (%d ms, attempt %d)%s headers=%j",
    request.method,
    redactedUrl(request),
    redactSecrets(outcome),
    Math.round(details.ms),
    details.attempt,
    id,
    redactHeaders(request.headers),
  );
}
