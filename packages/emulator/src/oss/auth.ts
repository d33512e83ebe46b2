import { checkSecurityToken, lookupCredential, safeEqual } from "../common/credentials.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { FrontEndConfig } from "../server/front-end.js";
import { invalidV4Scope, OssCodedError } from "./errors.js";
import { ossV1Resource, ossV1Signature, ossV1StringToSign } from "./signature-v1.js";
import { ossV4CanonicalRequest, ossV4Signature, ossV4StringToSign } from "./signature-v4.js";

function requestHeaders(ex: Exchange): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ex.req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(",") : v;
  return out;
}

/** SignatureDoesNotMatch with the StringToSign (as OSS returns it), security tokens redacted. */
const mismatch = (stringToSign: string): ProtocolError =>
  new ProtocolError("SignatureMismatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", {
    StringToSign: stringToSign.replace(/(security-token[:=])[^\n&]*/gi, "$1<redacted>"),
  });

/** `20231216T162057Z` → ms. */
function parseIsoBasic(v: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/**
 * A presigned URL's expiry (V1 `Expires`, V4 `x-oss-expires`) as a whole number of seconds: decimal
 * digits only, at most 2^53 - 1. Anything else (`NaN`, `abc`, `9e9`, `1.5`, `0x10`, `Infinity`,
 * `1e+300`) is refused as a malformed URL, never taken for one that does not expire.
 * @throws ProtocolError `AccessDenied` (403, as OSS answers a malformed presigned URL)
 */
function wholeSeconds(value: string | null | undefined, name: string): number {
  const n = value !== null && value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new ProtocolError("AccessDenied", `The presigned URL is malformed: ${name} is not a whole number of seconds.`);
  return n;
}

/** The longest a V4 presigned URL may be valid: 7 days (OSS help page 0002-00000232). */
const V4_PRESIGN_MAX_SECONDS = 7 * 24 * 3600;

/**
 * A V4 presigned URL whose `x-oss-expires` is outside 1..604800 seconds. OSS documents the EC
 * (0002-00000232: the expiry "is reported as invalid"), not the status or code: 403 `AccessDenied`,
 * as for an expiry that is no number, is an assumption.
 */
const expiresOutOfRange = (): OssCodedError =>
  new OssCodedError("AccessDenied", 403, "AccessDenied", "The presigned URL is malformed: x-oss-expires must be between 1 and 604800 seconds (7 days).", "0002-00000232");

/**
 * An RFC 1123 date (`Sun, 22 Nov 2026 08:20:57 GMT`), the one form of `Date` / `x-oss-date` a V1
 * request may carry: OSS asks for the "GMT format as supported by HTTP 1.1", the form ali-oss and the
 * Go SDK send (protocols.md §2.1). Another form that
 * `Date.parse` reads (ISO 8601, JS `toString()`) is refused as a malformed date.
 */
const RFC_1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** `value` in ms when it is an RFC 1123 date, else NaN. */
const rfc1123Ms = (value: string): number => (RFC_1123.test(value) ? Date.parse(value) : NaN);

function checkSkew(dateMs: number, now: number, config: FrontEndConfig): void {
  if (Number.isNaN(dateMs)) throw new ProtocolError("AccessDenied", "The request date is missing or malformed.");
  if (Math.abs(now - dateMs) > config.maxSkewMs) {
    throw new ProtocolError("TimeSkewed", "The difference between the request time and the current time is too large.");
  }
}

function verifyV1(ex: Exchange, route: Route, config: FrontEndConfig, now: number, ak: string, given: string, presignExpires?: string): void {
  const cred = lookupCredential(config.credentials, ak);
  const headers = requestHeaders(ex);
  let date: string;
  if (presignExpires !== undefined) {
    if (wholeSeconds(presignExpires, "Expires") * 1000 < now) throw new ProtocolError("RequestExpired", "Request has expired.");
    date = presignExpires;
    checkSecurityToken(cred, ex.query.get("security-token") ?? headers["x-oss-security-token"]);
  } else {
    date = headers["x-oss-date"] ?? headers["date"] ?? "";
    checkSkew(rfc1123Ms(date), now, config);
    checkSecurityToken(cred, headers["x-oss-security-token"]);
  }
  const query = [...ex.query.entries()].filter(([k]) => k !== "OSSAccessKeyId" && k !== "Expires" && k !== "Signature");
  const sts = ossV1StringToSign({
    method: ex.method,
    contentMd5: headers["content-md5"] ?? "",
    contentType: headers["content-type"] ?? "",
    date,
    headers,
    resource: ossV1Resource(route.bucket, route.key, query),
  });
  if (!safeEqual(ossV1Signature(cred.secretKey, sts), given)) throw mismatch(sts);
}

interface V4Parts {
  accessKey: string;
  day: string;
  region: string;
  product: string;
  additional: string[];
  signature: string;
}

function parseCredential(credential: string): Omit<V4Parts, "additional" | "signature"> {
  const [accessKey, day, region, product, terminator] = credential.split("/");
  if (!accessKey || !day || !region || !product || terminator !== "aliyun_v4_request") {
    throw new ProtocolError("AccessDenied", "The V4 credential scope is malformed.");
  }
  return { accessKey, day, region, product };
}

/**
 * Checks a V4 credential scope as OSS does (`protocols.md` §2.2): the region is the standard id
 * without `oss-`, the one the Host names; on a Host that names none (the emulator's IP or
 * `localhost`), the bucket's, or the emulator's own region for a request without a bucket and for
 * CreateBucket (created where the endpoint is). A request for a bucket that does not exist is
 * not checked against a region (it gets NoSuchBucket). The product is `oss`.
 * @throws ProtocolError (OssCodedError) 403 `SignatureDoesNotMatch` with the EC OSS documents
 */
function checkV4Scope(p: V4Parts, route: Route, config: FrontEndConfig, bucketRegion: string | undefined): void {
  if (p.region.startsWith("oss-")) throw invalidV4Scope("0002-00000226", "region");
  if (route.hostRegion !== undefined) {
    if (p.region !== route.hostRegion) throw invalidV4Scope("0002-00000226", "region");
  } else if (route.bucket === undefined || route.operation === "CreateBucket") {
    if (p.region !== config.region) throw invalidV4Scope("0002-00000226", "region");
  } else if (bucketRegion !== undefined && p.region !== bucketRegion) {
    throw invalidV4Scope("0002-00000228", "region");
  }
  if (p.product !== "oss") throw invalidV4Scope("0002-00000227", "product");
}

/**
 * 400 `InvalidArgument` with EC 0002-00000214 ("The value of the x-oss-content-sha256 header is
 * invalid"): a V4 header-signed request whose `x-oss-content-sha256` is not `UNSIGNED-PAYLOAD`, the one
 * value OSS takes there (the help page's fix: "Change the value ... to UNSIGNED-PAYLOAD"; a hex
 * digest of the body is refused). The page gives the EC, not the status or code: 400
 * `InvalidArgument` is an assumption. protocols.md §2.2 lists the header as required; OSS documents
 * no answer for a request without it, so that gets the same refusal (an assumption: the nearest
 * documented answer).
 */
const invalidContentSha256 = (): OssCodedError =>
  new OssCodedError("InvalidArgument", 400, "InvalidArgument", "The value of the x-oss-content-sha256 header is invalid.", "0002-00000214", { ArgumentName: "x-oss-content-sha256" });

function verifyV4(ex: Exchange, route: Route, config: FrontEndConfig, now: number, p: V4Parts, isoDate: string, presigned: boolean, bucketRegion: string | undefined): void {
  const cred = lookupCredential(config.credentials, p.accessKey);
  const headers = requestHeaders(ex);
  const dateMs = parseIsoBasic(isoDate);
  if (presigned) {
    if (Number.isNaN(dateMs)) throw new ProtocolError("AccessDenied", "The presigned URL is malformed.");
    const expires = wholeSeconds(ex.query.get("x-oss-expires"), "x-oss-expires");
    if (expires < 1 || expires > V4_PRESIGN_MAX_SECONDS) throw expiresOutOfRange();
    if (dateMs + expires * 1000 < now) throw new ProtocolError("RequestExpired", "Request has expired.");
    if (dateMs > now + config.maxSkewMs) throw new ProtocolError("TimeSkewed", "The request time is too far in the future.");
    checkSecurityToken(cred, ex.query.get("x-oss-security-token") ?? undefined);
  } else {
    checkSkew(dateMs, now, config);
    checkSecurityToken(cred, headers["x-oss-security-token"]);
    if (headers["x-oss-content-sha256"] !== "UNSIGNED-PAYLOAD") throw invalidContentSha256();
  }
  if (isoDate.slice(0, 8) !== p.day) throw new ProtocolError("AccessDenied", "The credential date does not match x-oss-date.");
  checkV4Scope(p, route, config, bucketRegion);
  const query = [...ex.query.entries()].filter(([k]) => k !== "x-oss-signature");
  const canonical = ossV4CanonicalRequest({
    method: ex.method,
    bucket: route.bucket,
    key: route.key,
    query,
    headers,
    additionalHeaders: p.additional,
    hashedPayload: "UNSIGNED-PAYLOAD", // the only value taken (a header-signed request's is checked above)
  });
  const sts = ossV4StringToSign(isoDate, `${p.day}/${p.region}/${p.product}/aliyun_v4_request`, canonical);
  if (!safeEqual(ossV4Signature(cred.secretKey, p.day, p.region, p.product, sts), p.signature.toLowerCase())) throw mismatch(sts);
}

/**
 * Verifies an OSS request: `OSS ak:sig` (V1), `OSS4-HMAC-SHA256 ...` (V4), or
 * a presigned URL of either version. A V4 scope must name the region the request
 * is for (see {@link checkV4Scope}; `bucketRegion`: the region of the bucket named, when it exists).
 * @throws ProtocolError `AccessDenied`, `RequestExpired`, `TimeSkewed`, `InvalidAccessKeyId`, `SignatureMismatch`,
 *   `InvalidArgument` (a V4 header-signed request whose `x-oss-content-sha256` is not `UNSIGNED-PAYLOAD`)
 */
export function authenticateOss(ex: Exchange, route: Route, config: FrontEndConfig, now: number, bucketRegion?: string): void {
  const auth = header(ex, "authorization");
  const q = ex.query;
  if (auth !== undefined) {
    const v1 = /^OSS ([^:]+):(.+)$/.exec(auth.trim());
    if (v1) return verifyV1(ex, route, config, now, v1[1]!, v1[2]!);
    const v4 = /^OSS4-HMAC-SHA256\s+(.*)$/.exec(auth.trim());
    if (v4) {
      const fields = new Map<string, string>();
      for (const part of v4[1]!.split(",")) {
        const eq = part.indexOf("=");
        if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
      }
      const credential = fields.get("Credential");
      const signature = fields.get("Signature");
      if (!credential || !signature) throw new ProtocolError("AccessDenied", "The V4 authorization is malformed.");
      const additional = (fields.get("AdditionalHeaders") ?? "").split(";").filter((s) => s !== "");
      return verifyV4(ex, route, config, now, { ...parseCredential(credential), additional, signature }, header(ex, "x-oss-date") ?? "", false, bucketRegion);
    }
    throw new ProtocolError("AccessDenied", "The authorization header is malformed.");
  }
  if (q.has("OSSAccessKeyId") && q.has("Signature") && q.has("Expires")) {
    return verifyV1(ex, route, config, now, q.get("OSSAccessKeyId")!, q.get("Signature")!, q.get("Expires")!);
  }
  if (q.get("x-oss-signature-version") === "OSS4-HMAC-SHA256") {
    const credential = q.get("x-oss-credential");
    const signature = q.get("x-oss-signature");
    if (!credential || !signature) throw new ProtocolError("AccessDenied", "The presigned URL is malformed.");
    const additional = (q.get("x-oss-additional-headers") ?? "").split(";").filter((s) => s !== "");
    return verifyV4(ex, route, config, now, { ...parseCredential(credential), additional, signature }, q.get("x-oss-date") ?? "", true, bucketRegion);
  }
  throw new ProtocolError("AccessDenied", "You have no right to access this object because of bucket acl.");
}

/**
 * The access key an OSS request was signed with: `<ak>` of `OSS <ak>:<sig>` (V1) or of
 * `Credential=<ak>/...` (V4), else the `OSSAccessKeyId` or `x-oss-credential` of a presigned URL;
 * undefined for an anonymous request. Read after {@link authenticateOss} accepted the request, so
 * the key is one the emulator knows.
 * @throws nothing.
 */
export function ossAccessKey(ex: Exchange): string | undefined {
  const auth = header(ex, "authorization")?.trim();
  if (auth !== undefined) return /^OSS ([^:]+):/.exec(auth)?.[1] ?? /Credential=([^/,\s]+)\//.exec(auth)?.[1];
  return ex.query.get("OSSAccessKeyId") ?? ex.query.get("x-oss-credential")?.split("/")[0] ?? undefined;
}
