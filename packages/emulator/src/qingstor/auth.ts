import { checkSecurityToken, lookupCredential, safeEqual } from "../common/credentials.js";
import { qsGoCanonicalPath, safeDecode } from "../common/encoding.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { FrontEndConfig } from "../server/front-end.js";
import { QS_SUBRESOURCES, qsResource, qsSignature, qsStringToSign } from "./signature.js";

function requestHeaders(ex: Exchange): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ex.req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(",") : v;
  return out;
}

/**
 * An RFC 1123 date (`Fri, 01 Nov 2019 07:40:08 GMT`), the one form of `Date` / `X-QS-Date` taken: the
 * form both SDKs send and every protocols.md §3.1 vector carries. Another form that `Date.parse` reads
 * (ISO 8601, JS `toString()`) is refused as a missing date is.
 */
const RFC_1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

const WITHOUT_POSITION: ReadonlySet<string> = new Set([...QS_SUBRESOURCES].filter((k) => k !== "position"));

/**
 * Every resource a QingStor SDK may have signed: the raw wire path (JS) or the Go canonical path,
 * with QingStor's one sub-resource list. Only an append (`?append`) may also leave `position`
 * unsigned: the JS SDK signs `/<bucket>/<key>?append` for it (`protocols.md`). Any other parameter of
 * the list must be signed.
 */
function candidateResources(ex: Exchange, query: readonly (readonly [string, string])[]): string[] {
  const decoded = safeDecode(ex.rawPath) ?? ex.rawPath;
  const paths = new Set([ex.rawPath, qsGoCanonicalPath(decoded)]);
  const sets = ex.query.has("append") ? [QS_SUBRESOURCES, WITHOUT_POSITION] : [QS_SUBRESOURCES];
  const out = new Set<string>();
  for (const p of paths) for (const set of sets) out.add(qsResource(p, query, set));
  return [...out];
}

function verify(ex: Exchange, secret: string, given: string, date: string, headers: Record<string, string>, query: [string, string][]): void {
  let last = "";
  for (const resource of candidateResources(ex, query)) {
    const sts = qsStringToSign({ method: ex.method, contentMd5: headers["content-md5"] ?? "", contentType: headers["content-type"] ?? "", date, headers, resource });
    last = sts;
    if (safeEqual(qsSignature(secret, sts), given)) return;
  }
  throw new ProtocolError("SignatureMismatch", "Signature not matched.", { StringToSign: last });
}

/**
 * Verifies a QingStor request: `Authorization: QS ak:sig` or a presigned URL
 * (`access_key_id`, `expires`, `signature`). Tolerant of the JS and Go SDK
 * variants (path encoding, an append's `position`: see {@link candidateResources}); the Host header is ignored.
 * @throws ProtocolError `AccessDenied`, `RequestExpired`, `InvalidAccessKeyId`, `SignatureMismatch`
 */
export function authenticateQingStor(ex: Exchange, _route: Route, config: FrontEndConfig, now: number): void {
  const headers = requestHeaders(ex);
  const auth = header(ex, "authorization");
  const q = ex.query;
  if (auth !== undefined) {
    const m = /^QS ([^:]+):(.+)$/.exec(auth.trim());
    if (!m) throw new ProtocolError("AccessDenied", "The authorization header is malformed.");
    const cred = lookupCredential(config.credentials, m[1]!);
    const xqsDate = headers["x-qs-date"];
    const date = xqsDate ?? headers["date"] ?? "";
    const when = RFC_1123.test(date) ? Date.parse(date) : NaN;
    if (Number.isNaN(when)) throw new ProtocolError("AccessDenied", "The request has no valid Date or X-QS-Date.");
    if (Math.abs(now - when) > config.maxSkewMs) throw new ProtocolError("RequestExpired", "The request has expired.");
    checkSecurityToken(cred, headers["x-qs-security-token"]);
    return verify(ex, cred.secretKey, m[2]!, xqsDate !== undefined ? "" : (headers["date"] ?? ""), headers, [...q.entries()]);
  }
  const ak = q.get("access_key_id");
  const signature = q.get("signature");
  const expires = q.get("expires");
  if (ak === null || signature === null || expires === null) throw new ProtocolError("AccessDenied", "Anonymous access is not allowed.");
  const cred = lookupCredential(config.credentials, ak);
  if (!/^\d+$/.test(expires) || Number(expires) * 1000 < now) throw new ProtocolError("RequestExpired", "The request has expired.");
  const query = [...q.entries()].filter(([k]) => k !== "access_key_id" && k !== "signature" && k !== "expires");
  return verify(ex, cred.secretKey, signature, expires, headers, query);
}

/**
 * The access key a QingStor request was signed with: `<ak>` of `Authorization: QS <ak>:<sig>`, else
 * the `access_key_id` of a presigned URL; undefined for an anonymous request. Read after
 * {@link authenticateQingStor} accepted the request, so the key is one the emulator knows.
 * @throws nothing.
 */
export function qingStorAccessKey(ex: Exchange): string | undefined {
  const auth = header(ex, "authorization");
  if (auth !== undefined) return /^QS ([^:]+):/.exec(auth.trim())?.[1];
  return ex.query.get("access_key_id") ?? undefined;
}
