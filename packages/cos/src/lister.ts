import {
  parseUploadToken,
  uploadToken,
  type DriverCallOptions,
  type DriverListPage,
  type DriverListRequest,
  type DriverPartsPage,
  type DriverUploadsPage,
} from "@stowage/core";
import type { CosClient } from "./client.js";
import { sendListing } from "./listing-answer.js";
import { listObjects, listParts, listUploads } from "./requests.js";
import { parseListObjects, parseListParts, parseListUploads } from "./responses.js";

/** Most keys COS returns per page. */
const PAGE_MAXIMUM = 1000;

/**
 * One page of GET Bucket. Dir mode (delimiter `/`) yields files and
 * sub-directories; prefix mode yields files only (directory markers, zero-byte keys
 * ending with `/`, are left out; such a key that holds bytes is passed on as a `dir` with its
 * size, which core reports as not listed). The token is the marker of the next page, a key
 * (`NextMarker`, else the page's last entry; `startAfter` is the marker of the first);
 * core hands back only tokens this driver produced for the same prefix and mode.
 * @throws StorageError `ObjectNotExist` (no such bucket), `PermissionDenied`, `Aborted`,
 *   `Unexpected` (a truncated page with no way on, or a 200 that is no listing, retried first: see
 *   parseListObjects and sendListing), `ServiceInternal` (a 200 carrying an `<Error>` InternalError), ...
 */
export async function listObjectsPage(client: CosClient, request: DriverListRequest, options: DriverCallOptions): Promise<DriverListPage> {
  const limit = Math.max(1, Math.min(PAGE_MAXIMUM, request.limit));
  // The marker is a key: a first page starts after `startAfter`, later ones after their token.
  const marker = request.token || request.startAfter;
  const page = await sendListing(client, listObjects(request.prefix, request.delimiter, marker, limit), options, parseListObjects);
  // Prefix mode lists objects: markers (zero-byte `x/` keys) are left out; another client's `x/`
  // key that holds bytes goes on to core, which reports it (no path reads those bytes).
  const items = request.delimiter === undefined ? page.items.filter((o) => o.mode !== "dir" || (o.size ?? 0) > 0) : page.items;
  return page.nextMarker === undefined ? { items } : { items, nextToken: page.nextMarker };
}

/** True when anything at all lies under `prefix` (a directory implied by its contents). */
export async function hasKeysUnder(client: CosClient, prefix: string, options: DriverCallOptions): Promise<boolean> {
  return (await sendListing(client, listObjects(prefix, undefined, undefined, 1), options, parseListObjects)).items.length > 0;
}

/**
 * One page of in-progress uploads under the prefix, as `part` objects. The
 * token is `JSON.stringify([keyMarker, uploadIdMarker])`.
 * @throws StorageError `InvalidArgument` for a token this driver did not issue
 */
export async function listUploadsPage(client: CosClient, request: DriverListRequest, options: DriverCallOptions): Promise<DriverUploadsPage> {
  const limit = Math.max(1, Math.min(PAGE_MAXIMUM, request.limit));
  const after = request.token ? parseUploadToken(request.token) : undefined;
  const [keyMarker, uploadIdMarker] = after === undefined ? [undefined, undefined] : [after.key, after.id];
  const page = await sendListing(client, listUploads(request.prefix, keyMarker, uploadIdMarker, limit), options, parseListUploads);
  return page.next === undefined ? { items: page.items } : { items: page.items, nextToken: uploadToken({ key: page.next.keyMarker, id: page.next.uploadIdMarker }) };
}

/**
 * One page of an upload's parts (0-based indexes); the token is the part-number marker.
 * @throws StorageError `ObjectNotExist` (NoSuchUpload), `Aborted`, ...
 */
export async function listPartsPage(client: CosClient, key: string, uploadId: string, token: string | undefined, options: DriverCallOptions): Promise<DriverPartsPage> {
  const page = await sendListing(client, listParts(key, uploadId, token), options, parseListParts);
  return page.nextMarker === undefined ? { items: page.items } : { items: page.items, nextToken: page.nextMarker };
}
