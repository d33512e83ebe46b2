import { ErrorCode, objectHeadersOf, rangeHeader, storageError, type DriverCallOptions, type QueryParam } from "@stowage/core";
import { QINGSTOR_STORAGE_CLASSES } from "./config.js";
import type { CallBody, QsCall } from "./qs-call.js";
import { copySourcePin } from "./multipart-requests.js";
import { replacesAttributes } from "./copy-attributes.js";
import { bodyHeaders, conditionHeaders, EMPTY_BODY_HEADERS, jsonBody, metadataHeaders, newObjectHeaders, storageClassHeader } from "./request-headers.js";
import { copySourceSseHeaders, sseHeaders } from "./sse.js";

// The request builders of QingStor's API, pure: object and bucket calls here, multipart calls in
// multipart-requests.ts, shared headers in request-headers.ts (all re-exported from here).
export type { CallBody, QsCall } from "./qs-call.js";
export { conditionHeaders, conditionValue, METADATA_LIMIT, metadataHeaders, newObjectHeaders, storageClassHeader } from "./request-headers.js";
export {
  abortMultipart,
  completeMultipart,
  copySourcePin,
  initiateMultipart,
  listParts,
  listUploads,
  PRESIGNED_BODY_TYPE,
  presignedUploadPart,
  uploadPart,
  uploadPartCopy,
} from "./multipart-requests.js";

/** Most keys one batch delete takes. */
export const DELETE_BATCH_MAXIMUM = 1000;

/**
 * HeadObject, with the SSE-C and condition headers.
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key)
 */
export function headObject(key: string, options: DriverCallOptions, secure: boolean): QsCall {
  return { operation: "head_object", method: "HEAD", key, query: [], headers: { ...sseHeaders(options, secure), ...conditionHeaders(options) } };
}

/**
 * GetObject, whole or a range, with the SSE-C and condition headers (presigned reads take no conditions).
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key)
 */
export function getObject(key: string, range: { offset?: number | undefined; size?: number | undefined }, options: DriverCallOptions, secure: boolean): QsCall {
  const headers = { ...sseHeaders(options, secure), ...conditionHeaders(options) };
  const r = rangeHeader(range.offset, range.size);
  if (r !== undefined) headers["range"] = r;
  return { operation: "get_object", method: "GET", key, query: [], headers };
}

/**
 * PutObject (201), with the Cache-Control and Content-Encoding given (`objectHeadersOf`: the only
 * QingStor write that stores them).
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key, bad metadata or storage class)
 */
export function putObject(key: string, body: CallBody, options: DriverCallOptions, secure: boolean): QsCall {
  const headers = { ...newObjectHeaders(options, secure), ...objectHeadersOf(options), ...bodyHeaders(body) };
  return { operation: "put_object", method: "PUT", key, query: [], headers, body: body.data };
}

/** DeleteObject (204). */
export function deleteObject(key: string): QsCall {
  return { operation: "delete_object", method: "DELETE", key, query: [], headers: {} };
}

/**
 * DeleteMultipleObjects: `POST /<bucket>?delete`, quiet, with the Content-MD5 QingStor requires.
 * @throws StorageError `InvalidArgument` for no keys or more than 1000.
 */
export function deleteObjects(keys: readonly string[]): QsCall {
  if (keys.length === 0 || keys.length > DELETE_BATCH_MAXIMUM) throw storageError(ErrorCode.InvalidArgument, `a batch delete takes 1 to ${DELETE_BATCH_MAXIMUM} keys`);
  const { headers, body } = jsonBody({ objects: keys.map((key) => ({ key })), quiet: true }, true);
  return { operation: "delete_multiple_objects", method: "POST", query: [["delete", undefined]], headers, body };
}

/** ListObjects (`limit` ≤ 1000; `marker` is the `next_marker` of the previous page). */
export function listObjects(prefix: string, delimiter: string | undefined, marker: string | undefined, limit: number): QsCall {
  const query: QueryParam[] = [["prefix", prefix]];
  if (delimiter !== undefined) query.push(["delimiter", delimiter]);
  if (marker !== undefined && marker !== "") query.push(["marker", marker]);
  query.push(["limit", String(limit)]);
  return { operation: "list_objects", method: "GET", query, headers: {} };
}

/**
 * PutObject with `x-qs-copy-source` (`source` from `sourceHeader`). Given a content type, metadata
 * or an object header (`replacesAttributes`), it sends `x-qs-metadata-directive: REPLACE` with exactly
 * those (Content-Type, `x-qs-meta-*`, Cache-Control, Content-Encoding): the copy carries them and
 * none of the source's; else the source's content type, metadata and headers are copied. The
 * storage class sent is `options.storageClass` when given, else `storageClass` (the source's, when
 * it is a QingStor class), as QingStor's copy otherwise stores STANDARD. With `sourceEtag`, the copy
 * is pinned to that source version (`copySourcePin`).
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key, for the object or the source; bad metadata or storage class)
 */
export function copyObject(key: string, source: string, options: DriverCallOptions, secure: boolean, storageClass?: string, sourceEtag?: string): QsCall {
  const keep: Record<string, string> = storageClass !== undefined && (QINGSTOR_STORAGE_CLASSES as readonly string[]).includes(storageClass) ? { "x-qs-storage-class": storageClass } : {};
  const cls = options.storageClass !== undefined ? storageClassHeader(options.storageClass) : keep;
  const replace: Record<string, string> = {};
  if (replacesAttributes(options)) {
    Object.assign(replace, { "x-qs-metadata-directive": "REPLACE" }, metadataHeaders(options.metadata), objectHeadersOf(options));
    if (typeof options.contentType === "string") replace["content-type"] = options.contentType;
  }
  const headers = {
    ...EMPTY_BODY_HEADERS,
    "x-qs-copy-source": source,
    ...replace,
    ...cls,
    ...copySourcePin(sourceEtag),
    ...sseHeaders(options, secure),
    ...copySourceSseHeaders(options, secure),
  };
  return { operation: "copy_object", method: "PUT", key, query: [], headers };
}

/** PutObject with `x-qs-move-source`: a server-side rename. */
export function moveObject(key: string, source: string): QsCall {
  return { operation: "move_object", method: "PUT", key, query: [], headers: { ...EMPTY_BODY_HEADERS, "x-qs-move-source": source } };
}

/**
 * PutObject with `x-qs-fetch-source`: QingStor downloads `url` (a WHATWG-serialized href, so ASCII
 * only) into `key`. QingStor is taken to URL-decode the header's value once: both vendor SDKs work
 * only against a server that does (the JS SDK `encodeURI`s every header value, protocols.md §3.2;
 * the Go SDK query-escapes one holding non-ASCII); not checked against the service. So the value
 * sent is `encodeURI(url)`: every `%` becomes `%25` (and the few characters a serialized URL may
 * keep raw, `|^[]` and the like, are escaped), and decoding it once, fully or with `decodeURI`,
 * gives back `url` exactly. Sent as it is, a source path holding `%25` or `%2520` would be fetched
 * as another URL.
 */
export function fetchObject(key: string, url: string): QsCall {
  return { operation: "fetch_object", method: "PUT", key, query: [], headers: { ...EMPTY_BODY_HEADERS, "x-qs-fetch-source": encodeURI(url) } };
}

/**
 * AppendObject: `POST ?append&position=n` (type, class and metadata only on the first append; never SSE-C).
 * @throws StorageError `InvalidArgument` (bad metadata or storage class)
 */
export function appendObject(key: string, position: number, body: CallBody, options: DriverCallOptions, secure: boolean): QsCall {
  const headers = { ...(position === 0 ? newObjectHeaders(options, secure, false) : {}), ...bodyHeaders(body) };
  return { operation: "append_object", method: "POST", key, query: [["append", undefined], ["position", String(position)]], headers, body: body.data };
}

/** ListBuckets (GET Service): `limit` buckets starting at `offset`. */
export function listBuckets(offset: number, limit: number): QsCall {
  return { operation: "list_buckets", method: "GET", query: [["limit", String(limit)], ["offset", String(offset)]], headers: {} };
}

/** PutBucket (201). */
export function putBucket(): QsCall {
  return { operation: "put_bucket", method: "PUT", query: [], headers: { ...EMPTY_BODY_HEADERS } };
}

/** DeleteBucket (204). */
export function deleteBucket(): QsCall {
  return { operation: "delete_bucket", method: "DELETE", query: [], headers: {} };
}
