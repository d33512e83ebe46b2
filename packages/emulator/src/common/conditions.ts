import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import { ProtocolError } from "./protocol-error.js";

/** Conditional request headers (any may be absent). */
export interface Conditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

/** An ETag of a condition list, or as an answer prints it, without `W/` and quotes. */
function bareEtag(v: string): string {
  return v.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
}

/**
 * True when `list` (If-Match / If-None-Match) names `etag`, the ETag as the answer prints it; an
 * object without an ETag (`""`) matches only `*`. Quotes and `W/` aside, the comparison is exact,
 * as RFC 7232's strong comparison (the services compare the strings): an ETag in another letter case
 * is another ETag.
 */
function matchesEtag(list: string, etag: string): boolean {
  const l = list.split(",").map(bareEtag);
  const own = bareEtag(etag);
  return l.includes("*") || (own !== "" && l.includes(own));
}

/**
 * Evaluates conditional headers (RFC 7232 order) against an object's ETag, as the provider prints it
 * (OSS: upper-case hex; a quoted one is fine), and last-modified time; ETags compare exactly (see
 * `matchesEtag`). `notModifiedAllowed` is true for GET/HEAD, where a
 * failed If-None-Match / If-Modified-Since means 304; elsewhere it means 412.
 * `notModifiedHeaders` are the headers a 304 carries (RFC 7232 §4.1: the ETag a 200 would have).
 * @throws ProtocolError `PreconditionFailed`, `NotModified`
 */
export function checkConditions(c: Conditions, etag: string, lastModified: number, notModifiedAllowed: boolean, notModifiedHeaders: Readonly<Record<string, string>> = {}): void {
  const lm = Math.floor(lastModified / 1000) * 1000;
  if (c.ifMatch !== undefined) {
    if (!matchesEtag(c.ifMatch, etag)) throw new ProtocolError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold.", { Condition: "If-Match" });
  } else if (c.ifUnmodifiedSince !== undefined) {
    const t = Date.parse(c.ifUnmodifiedSince);
    if (!Number.isNaN(t) && lm > t) throw new ProtocolError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold.", { Condition: "If-Unmodified-Since" });
  }
  const fail = (cond: string): never => {
    if (notModifiedAllowed) throw new ProtocolError("NotModified", "Not Modified", {}, notModifiedHeaders);
    throw new ProtocolError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold.", { Condition: cond });
  };
  if (c.ifNoneMatch !== undefined) {
    if (matchesEtag(c.ifNoneMatch, etag)) fail("If-None-Match");
  } else if (c.ifModifiedSince !== undefined) {
    const t = Date.parse(c.ifModifiedSince);
    if (!Number.isNaN(t) && lm <= t) fail("If-Modified-Since");
  }
}

/**
 * The `<prefix>-copy-source-if-(match|none-match|modified-since|unmodified-since)` conditions of a
 * copy or a part copy (`prefix` "x-cos", "x-oss", "x-qs"), checked against the source (its `etag` as
 * the provider prints it: OSS upper-case), exactly as `checkConditions` compares: 412 when one
 * does not hold, except that with `notModified` (OSS, which documents it for CopyObject and
 * UploadPartCopy) a failed `-if-none-match` or `-if-modified-since` is 304 Not Modified.
 * @throws ProtocolError `PreconditionFailed`, `NotModified`
 */
export function checkCopySourceConditions(ex: Exchange, prefix: string, src: { etag: string; lastModified: number }, notModified = false): void {
  checkConditions(
    {
      ifMatch: header(ex, `${prefix}-copy-source-if-match`),
      ifNoneMatch: header(ex, `${prefix}-copy-source-if-none-match`),
      ifModifiedSince: header(ex, `${prefix}-copy-source-if-modified-since`),
      ifUnmodifiedSince: header(ex, `${prefix}-copy-source-if-unmodified-since`),
    },
    src.etag,
    src.lastModified,
    notModified,
  );
}
