import {
  ErrorCode,
  parseUploadToken,
  storageError,
  uploadToken,
  type DriverCallOptions,
  type DriverListPage,
  type DriverListRequest,
  type DriverPartsPage,
  type DriverUploadsPage,
  type RawObject,
} from "@stowage/core";
import type { QingStorClient } from "./client.js";
import { sendListing } from "./listing-answer.js";
import { LAST_PART_NUMBER } from "./part-numbers.js";
import { listObjects, listParts, listUploads } from "./requests.js";
import { parseListObjects, parseListParts, parseListUploads } from "./responses.js";

/** Most entries QingStor returns per list page. */
export const PAGE_MAXIMUM = 1000;

/**
 * One page of ListObjects. Dir mode (delimiter `/`) yields files and
 * sub-directories but not the listed directory's own marker; prefix mode
 * yields files only (directory markers, zero-byte keys ending with `/`, are left out; such a key
 * that holds bytes is passed on as a `dir` with its size, which core reports as not listed).
 * With `links`, keys of the link content type are `link`s (without their target).
 * The token is the `next_marker` of the page, a key (see parseListObjects for a page without
 * one; `startAfter` is the marker of the first); core hands back only tokens this driver
 * produced for the same prefix and mode.
 * @throws StorageError `ObjectNotExist` (no such bucket), `PermissionDenied`, `Aborted`,
 *   `Unexpected` (`has_more` with no way on, or a 200 that is no listing, retried first: see
 *   parseListObjects and sendListing), `ServiceInternal` (a 200 carrying `internal_server_error`), ...
 */
export async function listObjectsPage(client: QingStorClient, request: DriverListRequest, options: DriverCallOptions, links = false): Promise<DriverListPage> {
  const limit = Math.max(1, Math.min(PAGE_MAXIMUM, request.limit));
  // The marker is a key: a first page starts after `startAfter`, later ones after their token.
  const call = listObjects(request.prefix, request.delimiter, request.token || request.startAfter, limit);
  const page = await sendListing(client, call, options, (body) => parseListObjects(body, links));
  // Prefix mode lists objects, dir mode the directory's entries: markers (zero-byte `x/` keys) are
  // left out; another client's `x/` key that holds bytes goes on to core, which reports it.
  const isMarker = (o: RawObject): boolean => (o.size ?? 0) === 0 && (request.delimiter === undefined ? o.mode === "dir" : o.key === request.prefix);
  const items = page.items.filter((o) => !isMarker(o));
  return page.nextMarker === undefined ? { items } : { items, nextToken: page.nextMarker };
}

/** True when anything at all lies under `prefix` (a directory implied by its contents). */
export async function hasKeysUnder(client: QingStorClient, prefix: string, options: DriverCallOptions): Promise<boolean> {
  return (await sendListing(client, listObjects(prefix, undefined, undefined, 1), options, (body) => parseListObjects(body))).items.length > 0;
}

/**
 * One page of in-progress uploads under the prefix, as `part` objects. The
 * token is `JSON.stringify([keyMarker, uploadIdMarker])`.
 * @throws StorageError `InvalidArgument` for a token this driver did not issue
 */
export async function listUploadsPage(client: QingStorClient, request: DriverListRequest, options: DriverCallOptions): Promise<DriverUploadsPage> {
  const limit = Math.max(1, Math.min(PAGE_MAXIMUM, request.limit));
  const after = request.token ? parseUploadToken(request.token) : undefined;
  const [keyMarker, uploadIdMarker] = after === undefined ? [undefined, undefined] : [after.key, after.id];
  const page = await sendListing(client, listUploads(request.prefix, keyMarker, uploadIdMarker, limit), options, parseListUploads);
  return page.next === undefined ? { items: page.items } : { items: page.items, nextToken: uploadToken({ key: page.next.keyMarker, id: page.next.uploadIdMarker }) };
}

/**
 * One page of an upload's parts (0-based indexes). The token is the last part
 * number seen; parts at or below it are dropped, so a server that treats the
 * marker as inclusive does not repeat a part. Only a page with no new part is the last: the
 * answer says nothing of more parts, and a short page may only mean the service pages by fewer
 * than `limit` (a listing stopped early would let a resumed upload complete without its later parts),
 * or one that reaches part number 10000, QingStor's last.
 * @throws StorageError `ObjectNotExist` (upload_not_exists), `InvalidArgument` (a token that is
 *   not a part number, 0..10000 in decimal digits: nothing is sent), `Aborted`, ...
 */
export async function listPartsPage(
  client: QingStorClient,
  key: string,
  uploadId: string,
  token: string | undefined,
  options: DriverCallOptions,
  limit = PAGE_MAXIMUM,
): Promise<DriverPartsPage> {
  const marker = token === undefined || token === "" ? undefined : partMarker(token);
  const all = await sendListing(client, listParts(key, uploadId, marker, limit), options, parseListParts);
  const items = marker === undefined ? all : all.filter((p) => p.index > marker);
  const last = items[items.length - 1];
  // No part follows QingStor's last part number: the listing ends there (and never hands on a token it would refuse).
  return last === undefined || last.index >= LAST_PART_NUMBER ? { items } : { items, nextToken: String(last.index) };
}

/**
 * The part number a parts token names: decimal digits only, 0..10000 (QingStor's part numbers).
 * @throws StorageError `InvalidArgument` for anything else (empty, signed, hex, exponent, larger)
 */
function partMarker(token: string): number {
  const n = /^\d{1,5}$/.test(token) ? Number(token) : undefined;
  if (n !== undefined && n <= LAST_PART_NUMBER) return n;
  const shown = token.length <= 40 ? JSON.stringify(token) : `a token of ${token.length} characters`;
  throw storageError(ErrorCode.InvalidArgument, `invalid list token for parts: ${shown} is not a part number (0..${LAST_PART_NUMBER})`);
}
