import type { Readable } from "node:stream";
import {
  etagConditionHeaders,
  etagConditionValue,
  withoutEtagConditions, ErrorCode, md5Base64, metadataToHeaders, storageError, type DriverCallOptions, type Part, type QueryParam } from "@stowage/core";
import { QINGSTOR_STORAGE_CLASSES } from "./config.js";
import { copySourceSseHeaders, sseHeaders } from "./sse.js";

/**
 * One QingStor API call before addressing and signing: what the client turns
 * into an HTTP request on the bucket (or the service, for bucket listing).
 */
export interface QsCall {
  /** snake_case API name for logs and errors (`put_object`). */
  operation: string;
  method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE";
  /** Object key; absent for bucket-level calls. */
  key?: string;
  query: QueryParam[];
  headers: Record<string, string>;
  body?: Buffer | Readable;
}

/** A request body and its Content-MD5 (base64). */
export interface CallBody {
  data: Buffer | Readable;
  size: number;
  contentMd5?: string | undefined;
}

/** Largest total of user metadata QingStor keeps (names and values), in bytes. */
export const METADATA_LIMIT = 2048;
/** Most keys one batch delete takes. */
export const DELETE_BATCH_MAXIMUM = 1000;
const EMPTY = { "content-length": "0" } as const;

/**
 * `x-qs-meta-*` headers from a metadata map (keys lower-cased).
 * @throws StorageError `InvalidArgument` for names that are not HTTP tokens, values
 *   outside printable ASCII (encode them first), or more than 2 KB in total.
 */
export function metadataHeaders(metadata: unknown): Record<string, string> {
  return metadataToHeaders(metadata, { prefix: "x-qs-meta-", limit: METADATA_LIMIT, service: "QingStor" });
}

/**
 * `x-qs-storage-class` for a storage class option.
 * @throws StorageError `InvalidArgument` for anything but STANDARD and STANDARD_IA.
 */
export function storageClassHeader(storageClass: unknown): Record<string, string> {
  if (storageClass === undefined) return {};
  if (!(QINGSTOR_STORAGE_CLASSES as readonly unknown[]).includes(storageClass)) {
    throw storageError(ErrorCode.InvalidArgument, `QingStor storage class must be ${QINGSTOR_STORAGE_CLASSES.join(" or ")}, not ${JSON.stringify(storageClass)}`);
  }
  return { "x-qs-storage-class": storageClass as string };
}

/**
 * Content type, metadata, storage class and (when `sse`) SSE-C headers of a new object.
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key, bad metadata or storage class)
 */
export function newObjectHeaders(options: DriverCallOptions, secure: boolean, sse = true): Record<string, string> {
  const h: Record<string, string> = { ...metadataHeaders(options.metadata), ...storageClassHeader(options.storageClass) };
  if (sse) Object.assign(h, sseHeaders(options, secure));
  if (typeof options.contentType === "string") h["content-type"] = options.contentType;
  return h;
}

function bodyHeaders(body: CallBody): Record<string, string> {
  const h: Record<string, string> = { "content-length": String(body.size) };
  if (body.contentMd5 !== undefined) h["content-md5"] = body.contentMd5;
  return h;
}

function jsonBody(value: unknown, withMd5: boolean): { headers: Record<string, string>; body: Buffer } {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(body.length) };
  if (withMd5) headers["content-md5"] = md5Base64(body);
  return { headers, body };
}

/** `Range` for `offset`/`size` (`undefined` = the whole object). */
export function rangeHeader(offset: number | undefined, size: number | undefined): string | undefined {
  const start = offset ?? 0;
  if (size === undefined) return start > 0 ? `bytes=${start}-` : undefined;
  return `bytes=${start}-${start + size - 1}`;
}

/**
 * An `ifMatch` / `ifNoneMatch` value as QingStor compares it: each ETag of the comma list quoted and
 * in lower case (QingStor's ETags are lower-case hex MD5s, and Stowage's multipart ETags too; the
 * contract says quotes, `W/` and case do not matter, and QingStor compares the strings), `*` kept.
 */
export function conditionValue(value: string): string {
  return etagConditionValue(value, "lower");
}

/**
 * `If-Match` / `If-None-Match` from the `ifMatch` / `ifNoneMatch` options (see {@link conditionValue}):
 * QingStor evaluates them on HeadObject and GetObject (304 or 412 when one does not hold). The
 * signature does not cover them (it signs `x-qs-*` headers only).
 */
export function conditionHeaders(options: DriverCallOptions): Record<string, string> {
  return etagConditionHeaders(options, "lower");
}


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
 * PutObject (201).
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key, bad metadata or storage class)
 */
export function putObject(key: string, body: CallBody, options: DriverCallOptions, secure: boolean): QsCall {
  return { operation: "put_object", method: "PUT", key, query: [], headers: { ...newObjectHeaders(options, secure), ...bodyHeaders(body) }, body: body.data };
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
 * PutObject with `x-qs-copy-source` (`source` from `sourceHeader`); content type and metadata are copied.
 * `storageClass` (the source's, when it is a QingStor class) is sent, as QingStor's copy otherwise
 * stores STANDARD.
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key, for the object or the source)
 */
export function copyObject(key: string, source: string, options: DriverCallOptions, secure: boolean, storageClass?: string): QsCall {
  const keep: Record<string, string> = storageClass !== undefined && (QINGSTOR_STORAGE_CLASSES as readonly string[]).includes(storageClass) ? { "x-qs-storage-class": storageClass } : {};
  const headers = { ...EMPTY, "x-qs-copy-source": source, ...keep, ...sseHeaders(options, secure), ...copySourceSseHeaders(options, secure) };
  return { operation: "copy_object", method: "PUT", key, query: [], headers };
}

/** PutObject with `x-qs-move-source`: a server-side rename. */
export function moveObject(key: string, source: string): QsCall {
  return { operation: "move_object", method: "PUT", key, query: [], headers: { ...EMPTY, "x-qs-move-source": source } };
}

/** PutObject with `x-qs-fetch-source`: QingStor downloads `url` into `key`. */
export function fetchObject(key: string, url: string): QsCall {
  return { operation: "fetch_object", method: "PUT", key, query: [], headers: { ...EMPTY, "x-qs-fetch-source": url } };
}

/**
 * AppendObject: `POST ?append&position=n` (type, class and metadata only on the first append; never SSE-C).
 * @throws StorageError `InvalidArgument` (bad metadata or storage class)
 */
export function appendObject(key: string, position: number, body: CallBody, options: DriverCallOptions, secure: boolean): QsCall {
  const headers = { ...(position === 0 ? newObjectHeaders(options, secure, false) : {}), ...bodyHeaders(body) };
  return { operation: "append_object", method: "POST", key, query: [["append", undefined], ["position", String(position)]], headers, body: body.data };
}

/**
 * InitiateMultipartUpload: `POST ?uploads`.
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key, bad metadata or storage class)
 */
export function initiateMultipart(key: string, options: DriverCallOptions, secure: boolean): QsCall {
  return { operation: "initiate_multipart_upload", method: "POST", key, query: [["uploads", undefined]], headers: { ...EMPTY, ...newObjectHeaders(options, secure) } };
}

/**
 * UploadMultipart: `PUT ?part_number=N&upload_id=ID` (QingStor numbers parts from 0, as Stowage does).
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key)
 */
export function uploadPart(key: string, uploadId: string, index: number, body: CallBody, options: DriverCallOptions, secure: boolean): QsCall {
  return {
    operation: "upload_multipart",
    method: "PUT",
    key,
    query: [["part_number", String(index)], ["upload_id", uploadId]],
    headers: { ...sseHeaders(options, secure), ...bodyHeaders(body) },
    body: body.data,
  };
}

/**
 * The Content-Type a presigned upload signs when no content type is given. QingStor signs
 * Content-Type, and `fetch` adds one of its own to a string or typed-Blob body unless the request
 * names one: a presigned upload therefore always signs one, and the client sends it.
 */
export const PRESIGNED_BODY_TYPE = "application/octet-stream";

/**
 * UploadMultipart as a client will send it to a presigned URL: no body here; Content-Type is always
 * signed ({@link PRESIGNED_BODY_TYPE}: a part has no content type of its own, the upload's was set at
 * initiate), the part's size and Content-MD5 when given, so the client must send exactly those (and
 * the SSE-C headers).
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key)
 */
export function presignedUploadPart(key: string, uploadId: string, index: number, options: DriverCallOptions, secure: boolean): QsCall {
  const headers: Record<string, string> = { ...sseHeaders(options, secure), "content-type": PRESIGNED_BODY_TYPE };
  if (typeof options.contentMd5 === "string") headers["content-md5"] = options.contentMd5;
  if (typeof options.size === "number") headers["content-length"] = String(options.size);
  return { operation: "upload_multipart", method: "PUT", key, query: [["part_number", String(index)], ["upload_id", uploadId]], headers };
}

/**
 * UploadMultipart copying bytes `[first, last]` of `source` (`x-qs-copy-source` + `x-qs-copy-range`).
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key, for the object or the source)
 */
export function uploadPartCopy(key: string, uploadId: string, index: number, source: string, first: number, last: number, options: DriverCallOptions, secure: boolean): QsCall {
  return {
    operation: "upload_multipart_copy",
    method: "PUT",
    key,
    query: [["part_number", String(index)], ["upload_id", uploadId]],
    headers: {
      ...EMPTY,
      "x-qs-copy-source": source,
      "x-qs-copy-range": `bytes=${first}-${last}`,
      ...sseHeaders(options, secure),
      ...copySourceSseHeaders(options, secure),
    },
  };
}

/**
 * CompleteMultipartUpload: `POST ?upload_id=ID` with the parts in order. QingStor does
 * not compute a merged object's ETag: `etag` (when given) is stored and HEAD returns it.
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key)
 */
export function completeMultipart(
  key: string,
  uploadId: string,
  parts: readonly Pick<Part, "index" | "etag">[],
  etag: string | undefined,
  options: DriverCallOptions,
  secure: boolean,
  withMd5 = true,
): QsCall {
  const { headers, body } = jsonBody({ object_parts: parts.map((p) => ({ part_number: p.index, ...(p.etag ? { etag: p.etag } : {}) })) }, withMd5);
  Object.assign(headers, sseHeaders(options, secure));
  if (etag !== undefined) headers["etag"] = etag;
  return { operation: "complete_multipart_upload", method: "POST", key, query: [["upload_id", uploadId]], headers, body };
}

/** AbortMultipartUpload: `DELETE ?upload_id=ID` (204). */
export function abortMultipart(key: string, uploadId: string): QsCall {
  return { operation: "abort_multipart_upload", method: "DELETE", key, query: [["upload_id", uploadId]], headers: {} };
}

/** ListMultipart: the parts of one upload after part number `marker`. */
export function listParts(key: string, uploadId: string, marker: number | undefined, limit: number): QsCall {
  const query: QueryParam[] = [["upload_id", uploadId], ["limit", String(limit)]];
  if (marker !== undefined) query.push(["part_number_marker", String(marker)]);
  return { operation: "list_multipart", method: "GET", key, query, headers: {} };
}

/** ListMultipartUploads: `GET /<bucket>?uploads` under `prefix`. */
export function listUploads(prefix: string, keyMarker: string | undefined, uploadIdMarker: string | undefined, limit: number): QsCall {
  const query: QueryParam[] = [["uploads", undefined], ["prefix", prefix], ["limit", String(limit)]];
  if (keyMarker !== undefined && keyMarker !== "") query.push(["key_marker", keyMarker]);
  if (uploadIdMarker !== undefined && uploadIdMarker !== "") query.push(["upload_id_marker", uploadIdMarker]);
  return { operation: "list_multipart_uploads", method: "GET", query, headers: {} };
}

/** ListBuckets (GET Service): `limit` buckets starting at `offset`. */
export function listBuckets(offset: number, limit: number): QsCall {
  return { operation: "list_buckets", method: "GET", query: [["limit", String(limit)], ["offset", String(offset)]], headers: {} };
}

/** PutBucket (201). */
export function putBucket(): QsCall {
  return { operation: "put_bucket", method: "PUT", query: [], headers: { ...EMPTY } };
}

/** DeleteBucket (204). */
export function deleteBucket(): QsCall {
  return { operation: "delete_bucket", method: "DELETE", query: [], headers: {} };
}
