import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { bareEtag } from "./etag.js";

/** The ETags of an `If-Match` / `If-None-Match` value, unquoted, lower-cased (`*` kept). */
function etagsOf(value: string): string[] {
  return value.split(",").map(bareEtag);
}

function matches(value: string, etag: string | undefined): boolean {
  const list = etagsOf(value);
  if (list.includes("*")) return etag !== undefined;
  return etag !== undefined && list.includes(bareEtag(etag));
}

/**
 * Checks `ifMatch` / `ifNoneMatch` (as read from a call's options) against the ETag of the object
 * there (`undefined`: no object), the way HTTP does for a GET: for drivers that evaluate the
 * conditions themselves (memory, fs). Quotes, `W/` and case do not matter; `*` matches any object.
 * @throws StorageError `Conflict` with `statusCode` 412 (`ifMatch` does not hold) or 304 (`ifNoneMatch` does not: not modified).
 */
export function checkEtagConditions(etag: string | undefined, options: { readonly [pair: string]: unknown }): void {
  const { ifMatch, ifNoneMatch } = options;
  if (typeof ifMatch === "string" && !matches(ifMatch, etag)) {
    throw storageError(ErrorCode.Conflict, `the object's ETag is ${etag ?? "(none)"}, not ${ifMatch} (if_match)`, { statusCode: 412 });
  }
  if (typeof ifNoneMatch === "string" && matches(ifNoneMatch, etag)) {
    throw storageError(ErrorCode.Conflict, `not modified: the object's ETag is ${etag ?? "(none)"} (if_none_match)`, { statusCode: 304 });
  }
}
