import {
  parseUploadToken,
  uploadToken,
  type DriverCallOptions,
  type DriverListPage,
  type DriverListRequest,
  type DriverPartsPage,
  type DriverUploadsPage,
} from "@stowage/core";
import type { OssClient } from "./client.js";
import { sendListing } from "./listing-answer.js";
import { listObjectsV2, listParts, listUploads } from "./requests.js";
import { parseListObjects, parseListParts, parseListUploads } from "./responses.js";

/** Most keys OSS returns per page. */
const PAGE_MAXIMUM = 1000;

/**
 * One page of ListObjectsV2. Dir mode (delimiter `/`) yields files and
 * sub-directories; prefix mode yields files only (directory markers, zero-byte keys
 * ending with `/`, are left out; such a key that holds bytes is passed on as a `dir` with its
 * size, which core reports as not listed). The token is OSS's continuation token (opaque;
 * core hands back only tokens this driver produced for the same prefix and mode);
 * `startAfter` goes out as `start-after` on a first page.
 * @throws StorageError `ObjectNotExist` (no such bucket), `PermissionDenied`, `InvalidArgument` (a token OSS
 *   did not issue), `Aborted`, `Unexpected` (a truncated page without a token, or a 200 that is no listing, retried first: see
 *   parseListObjects and sendListing), `ServiceInternal` (a 200 carrying an `<Error>` InternalError), ...
 */
export async function listObjectsPage(client: OssClient, request: DriverListRequest, options: DriverCallOptions): Promise<DriverListPage> {
  const limit = Math.max(1, Math.min(PAGE_MAXIMUM, request.limit));
  const page = await sendListing(client, listObjectsV2(request.prefix, request.delimiter, request.token, limit, request.startAfter), options, parseListObjects);
  // Prefix mode lists objects: markers (zero-byte `x/` keys) are left out; another client's `x/`
  // key that holds bytes goes on to core, which reports it (no path reads those bytes).
  const items = request.delimiter === undefined ? page.items.filter((o) => o.mode !== "dir" || (o.size ?? 0) > 0) : page.items;
  return page.nextToken === undefined ? { items } : { items, nextToken: page.nextToken };
}

/** True when anything at all lies under `prefix` (a directory implied by its contents). */
export async function hasKeysUnder(client: OssClient, prefix: string, options: DriverCallOptions): Promise<boolean> {
  return (await sendListing(client, listObjectsV2(prefix, undefined, undefined, 1), options, parseListObjects)).items.length > 0;
}

/**
 * One page of in-progress uploads under the prefix, as `part` objects. The
 * token is `JSON.stringify([keyMarker, uploadIdMarker])`.
 * @throws StorageError `InvalidArgument` for a token this driver did not issue
 */
export async function listUploadsPage(client: OssClient, request: DriverListRequest, options: DriverCallOptions): Promise<DriverUploadsPage> {
  const limit = Math.max(1, Math.min(PAGE_MAXIMUM, request.limit));
  const after = request.token ? parseUploadToken(request.token) : undefined;
  const [keyMarker, uploadIdMarker] = after === undefined ? [undefined, undefined] : [after.key, after.id];
  const page = await sendListing(client, listUploads(request.prefix, keyMarker, uploadIdMarker, limit), options, parseListUploads);
  return page.next === undefined ? { items: page.items } : { items: page.items, nextToken: uploadToken({ key: page.next.keyMarker, id: page.next.uploadIdMarker }) };
}

/**
 * One page of an upload's parts (0-based indexes, with their CRC64); the token is the part-number marker.
 * @throws StorageError `ObjectNotExist` (NoSuchUpload), `Aborted`, ...
 */
export async function listPartsPage(client: OssClient, key: string, uploadId: string, token: string | undefined, options: DriverCallOptions): Promise<DriverPartsPage> {
  const page = await sendListing(client, listParts(key, uploadId, token), options, parseListParts);
  return page.nextMarker === undefined ? { items: page.items } : { items: page.items, nextToken: page.nextMarker };
}
