import type { DriverCallOptions, Part, QueryParam } from "@stowage/core";
import type { CallBody, QsCall } from "./qs-call.js";
import { bodyHeaders, EMPTY_BODY_HEADERS, jsonBody, newObjectHeaders } from "./request-headers.js";
import { copySourceSseHeaders, sseHeaders } from "./sse.js";

/**
 * InitiateMultipartUpload: `POST ?uploads`.
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key, bad metadata or storage class)
 */
export function initiateMultipart(key: string, options: DriverCallOptions, secure: boolean): QsCall {
  return { operation: "initiate_multipart_upload", method: "POST", key, query: [["uploads", undefined]], headers: { ...EMPTY_BODY_HEADERS, ...newObjectHeaders(options, secure) } };
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
 * UploadMultipart copying bytes `[first, last]` of `source` (`x-qs-copy-source` + `x-qs-copy-range`),
 * pinned to the source version whose ETag is `sourceEtag` when given (see {@link copySourcePin}).
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key, for the object or the source)
 */
export function uploadPartCopy(
  key: string,
  uploadId: string,
  index: number,
  source: string,
  first: number,
  last: number,
  options: DriverCallOptions,
  secure: boolean,
  sourceEtag?: string,
): QsCall {
  return {
    operation: "upload_multipart_copy",
    method: "PUT",
    key,
    query: [["part_number", String(index)], ["upload_id", uploadId]],
    headers: {
      ...EMPTY_BODY_HEADERS,
      "x-qs-copy-source": source,
      "x-qs-copy-range": `bytes=${first}-${last}`,
      ...copySourcePin(sourceEtag),
      ...sseHeaders(options, secure),
      ...copySourceSseHeaders(options, secure),
    },
  };
}

/**
 * `x-qs-copy-source-if-match: <sourceEtag>` (none without an ETag): the copy reads only the source
 * version the driver looked at, and QingStor answers 412 `precondition_failed` once it changed.
 * The ETag goes as the source's HEAD gave it (trimmed; quoted when it was not): QingStor compares
 * the strings, and an ETag another tool stored at Complete need not be lower-case.
 * @throws nothing.
 */
export function copySourcePin(sourceEtag: string | undefined): Record<string, string> {
  const etag = sourceEtag?.trim();
  if (etag === undefined || etag === "") return {};
  return { "x-qs-copy-source-if-match": /^(W\/)?".*"$/.test(etag) ? etag : `"${etag}"` };
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
