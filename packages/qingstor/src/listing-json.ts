import { ErrorCode, storageError, type StorageError } from "@stowage/core";

type Json = Record<string, unknown>;

/**
 * An `Unexpected` (retryable: a later answer may be whole) for a listing answer that is not one.
 * @throws never
 */
export function notAListing(operation: string, why: string): StorageError {
  return storageError(ErrorCode.Unexpected, `${operation}: the service answered with ${why}: the listing cannot go on`, { retryable: true });
}

/**
 * The JSON object `doc` of a listing answer, checked before any entry is read: not an error
 * document (a string `code`, as QingStor's errors carry, sent with a 200 by a proxy or gateway),
 * and every list field named in `lists` absent, `null` or a list. Taking such an answer for an
 * empty last page would end the listing short as a success (a `sync --delete` would then delete
 * what the source still holds).
 * @throws StorageError `Unexpected` (retryable) otherwise.
 */
export function listingJson(doc: Json, operation: string, lists: readonly string[]): Json {
  const code = doc["code"];
  if (typeof code === "string") throw notAListing(operation, `an error document (code ${JSON.stringify(code.slice(0, 60))})`);
  for (const field of lists) {
    const v = doc[field];
    if (v !== undefined && v !== null && !Array.isArray(v)) throw notAListing(operation, `a "${field}" that is not a list`);
  }
  return doc;
}

/**
 * Whether more follows a page of a listing QingStor pages with `has_more` (ListObjects,
 * ListMultipartUploads). Answers carry it since 2019; an older service's answer without it is
 * still a listing when it carries its entries' list (`list`: `keys`, `uploads`), and then more
 * follows exactly when it names a next marker (`marker`: `next_marker`, `next_key_marker`), as
 * older clients paged. A JSON object with neither says nothing of the rest and is not taken for the last page.
 * @throws StorageError `Unexpected` (retryable) when `has_more` is there but not a boolean, or
 *   absent from an answer without the list.
 */
export function hasMore(doc: Json, operation: string, list: string, marker: string): boolean {
  const v = doc["has_more"];
  if (typeof v === "boolean") return v;
  if (v !== undefined && v !== null) throw notAListing(operation, "a has_more that is not a boolean");
  if (!Array.isArray(doc[list])) throw notAListing(operation, `neither has_more nor ${list}`);
  const next = doc[marker];
  return typeof next === "string" && next !== "";
}
