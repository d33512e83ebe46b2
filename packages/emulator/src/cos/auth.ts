import { checkSecurityToken, lookupCredential, safeEqual } from "../common/credentials.js";
import { safeDecode } from "../common/encoding.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { FrontEndConfig } from "../server/front-end.js";
import { cosSignature, isCanonicalList, parseCosAuthorization, parseCosQueryAuthorization, type CosAuthorization } from "./signature.js";

function parseTimes(v: string, name: string): [number, number] {
  const m = /^(\d+);(\d+)$/.exec(v);
  if (!m) throw new ProtocolError("AccessDenied", `The ${name} is malformed.`);
  return [Number(m[1]), Number(m[2])];
}

/**
 * Checks a `<start>;<end>` window (`q-key-time`, the signing key's; `q-sign-time`, the request's own,
 * which the StringToSign carries: `protocols.md` §1.1) against the server clock: refused once it has
 * ended, or when it starts further in the future than the allowed clock skew.
 * @throws ProtocolError `AccessDenied` (malformed, or a start after the end), `RequestExpired`, `TimeSkewed`
 */
function checkWindow(value: string, name: string, nowSec: number, config: FrontEndConfig): void {
  const [start, end] = parseTimes(value, name);
  if (start > end) throw new ProtocolError("AccessDenied", `The ${name} is malformed.`);
  if (nowSec > end) throw new ProtocolError("RequestExpired", "Request has expired");
  if (start > nowSec + config.maxSkewMs / 1000) throw new ProtocolError("TimeSkewed", "The difference between the request time and the server's time is too large.");
}

function requestHeaders(ex: Exchange): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ex.req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(",") : v;
  return out;
}

/**
 * The decoded path a COS client signs: the key's path, `/<key>` (`/` for a bucket). On a virtual
 * host that is the request path; path style (`Domain: 'host/{Bucket}'`) strips the bucket segment.
 * COS itself has no path style, and its SDKs and Stowage sign `/<key>`: a signature over
 * `/<bucket>/<key>` covers another object (the key `<bucket>/<key>`), so it is not accepted.
 */
function signedPath(ex: Exchange, route: Route): string {
  if (route.vhost || route.bucket === undefined) return safeDecode(ex.rawPath) ?? ex.rawPath;
  const rest = ex.rawPath.slice(1 + ex.rawPath.slice(1).split("/")[0]!.length);
  const stripped = safeDecode(rest) ?? rest;
  return stripped === "" ? "/" : stripped;
}

/**
 * Verifies a COS request: `Authorization` header or presigned `q-*` query. Both `q-key-time` and
 * `q-sign-time` must be there and current (see {@link checkWindow}); a security token must be the key's.
 * Only the canonical form `protocols.md` §1.1 gives is taken: name lists in lower case and sorted,
 * the signature in lower-case hex (a client that strays from it is caught here, whatever COS forgives).
 * @throws ProtocolError `AccessDenied` (none, a `q-*` field missing, or a malformed time window), `RequestExpired` (a window that ended:
 *   answered 403 AccessDenied), `TimeSkewed`, `InvalidAccessKeyId` (unknown key, or a token not the key's),
 *   `SignatureMismatch` (a wrong signature, or a name list not in canonical form)
 */
export function authenticateCos(ex: Exchange, route: Route, config: FrontEndConfig, now: number): void {
  const headerValue = header(ex, "authorization");
  let auth: CosAuthorization | undefined;
  let token: string | undefined;
  if (headerValue !== undefined) {
    auth = parseCosAuthorization(headerValue);
    token = header(ex, "x-cos-security-token");
  } else if (ex.query.has("q-signature")) {
    auth = parseCosQueryAuthorization(ex.query);
    token = ex.query.get("x-cos-security-token") ?? header(ex, "x-cos-security-token");
  } else {
    throw new ProtocolError("AccessDenied", "Access Denied.");
  }
  if (auth === undefined || auth.algorithm.toLowerCase() !== "sha1") {
    throw new ProtocolError("AccessDenied", "The authorization is malformed.");
  }
  // Only the canonical form (protocols.md §1.1): lists in lower case and sorted, the signature in lower-case hex.
  if (!isCanonicalList(auth.headerList) || !isCanonicalList(auth.urlParamList)) {
    throw new ProtocolError("SignatureMismatch", "The q-header-list and q-url-param-list must list lower-case names in sorted order.");
  }
  const cred = lookupCredential(config.credentials, auth.accessKey);
  const nowSec = Math.floor(now / 1000);
  checkWindow(auth.keyTime, "q-key-time", nowSec, config);
  checkWindow(auth.signTime, "q-sign-time", nowSec, config);
  checkSecurityToken(cred, token);
  const query = [...ex.query.entries()];
  const headers = requestHeaders(ex);
  const expected = cosSignature(cred.secretKey, { method: ex.method, pathname: signedPath(ex, route), query, headers }, auth);
  if (safeEqual(expected, auth.signature)) return;
  throw new ProtocolError("SignatureMismatch", "The Signature you specified is invalid.");
}
