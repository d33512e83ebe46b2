import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { bareEtag } from "./etag.js";

/** The ETags of an `If-Match` / `If-None-Match` value, unquoted, lower-cased (`*` kept). */
function etagsOf(value: string): string[] {
  return value.split(",").map(bareEtag);
}

function matches(value: string, etag: string | undefined, exists: boolean): boolean {
  const list = etagsOf(value);
  if (list.includes("*")) return exists;
  return etag !== undefined && list.includes(bareEtag(etag));
}

/**
 * Checks `ifMatch` / `ifNoneMatch` (as read from a call's options) against the ETag of the object
 * there, as the object stores evaluate them for a GET: for drivers that evaluate the conditions
 * themselves (memory, fs), and for core's reads of 0 bytes. `exists` says whether there is an
 * object; by default whether it has an ETag (`undefined`: no object), which is right where every
 * object has one (memory, fs) but not on QingStor, whose multipart objects may have none. The
 * comparison is weak for both conditions, unlike HTTP's strong one for `If-Match` (RFC 9110): each
 * tag is compared without surrounding spaces, a `W/` prefix, its quotes or case (`W/"ABC"` matches
 * the ETag `"abc"`); a comma-separated list matches when one of its tags does; `*` (alone or in a
 * list) matches any object, ETag or not; a named ETag never matches an object without one.
 * `ifMatch` is checked first.
 * @throws StorageError `Conflict` with `statusCode` 412 (`ifMatch` does not hold) or 304 (`ifNoneMatch` does not: not modified).
 */
export function checkEtagConditions(etag: string | undefined, options: { readonly [pair: string]: unknown }, exists = etag !== undefined): void {
  const { ifMatch, ifNoneMatch } = options;
  if (typeof ifMatch === "string" && !matches(ifMatch, etag, exists)) {
    throw storageError(ErrorCode.Conflict, `the object's ETag is ${etag ?? "(none)"}, not ${ifMatch} (if_match)`, { statusCode: 412 });
  }
  if (typeof ifNoneMatch === "string" && matches(ifNoneMatch, etag, exists)) {
    throw storageError(ErrorCode.Conflict, `not modified: the object's ETag is ${etag ?? "(none)"} (if_none_match)`, { statusCode: 304 });
  }
}
