import {
  buildXml,
  ErrorCode,
  etagConditionHeaders,
  etagConditionValue,
  fitsXml,
  LETTERS_DIGITS_HYPHEN,
  md5Base64,
  metadataToHeaders,
  objectHeadersOf,
  rangeHeader,
  storageError,
  storedMetadataHeaders,
  type CallBody,
  type CopyReplacement,
  type DriverCall,
  type DriverCallOptions,
  type Part,
  type QueryParam,
  type XmlInputNode,
} from "@stowage/core";
import { sseHeaders } from "./sse.js";

/** One OSS API call before addressing and signing (core's {@link DriverCall}). */
export type OssCall = DriverCall;

/** A request body and its Content-MD5 (base64); core's. */
export type { CallBody };

/** Largest total of user metadata OSS keeps (names and values), in bytes. */
export const METADATA_LIMIT = 8192;

/**
 * `x-oss-meta-*` headers from a metadata map (keys lower-cased). OSS takes only letters, digits
 * and `-` in a name (core `LETTERS_DIGITS_HYPHEN`): an underscore, a dot or any other symbol is
 * refused here, before anything is sent, as the service would refuse the request.
 * @throws StorageError `InvalidArgument` for names of other characters, values outside printable
 *   ASCII (encode them first), or more than 8 KB in total.
 */
export function metadataHeaders(metadata: unknown): Record<string, string> {
  return metadataToHeaders(metadata, { prefix: "x-oss-meta-", limit: METADATA_LIMIT, service: "OSS", names: LETTERS_DIGITS_HYPHEN });
}

/**
 * Content type, metadata, storage class, SSE headers and the object headers (Cache-Control,
 * Content-Disposition, Content-Encoding, Expires: core `objectHeadersOf`) of a new object: what
 * PutObject, InitiateMultipartUpload and the AppendObject that creates an appendable object send.
 * @throws StorageError `InvalidArgument` (bad metadata, KMS details without KMS)
 */
export function newObjectHeaders(options: DriverCallOptions): Record<string, string> {
  const h: Record<string, string> = { ...objectHeadersOf(options), ...metadataHeaders(options.metadata), ...sseHeaders(options) };
  if (typeof options.contentType === "string") h["content-type"] = options.contentType;
  if (typeof options.storageClass === "string") h["x-oss-storage-class"] = options.storageClass;
  return h;
}

/**
 * `x-oss-forbid-overwrite: true` when `options.ifNotExists` is true (core's `if_not_exists`), else
 * nothing: PutObject, CopyObject, PutSymlink, InitiateMultipartUpload and CompleteMultipartUpload then refuse (409
 * `FileAlreadyExists`) to replace an object at the key. OSS honours it on a bucket whose versioning
 * is not enabled or suspended only.
 */
export function forbidOverwriteHeaders(options: DriverCallOptions): Record<string, string> {
  return options.ifNotExists === true ? { "x-oss-forbid-overwrite": "true" } : {};
}

function bodyHeaders(body: CallBody): Record<string, string> {
  const h: Record<string, string> = { "content-length": String(body.size) };
  if (body.contentMd5 !== undefined) h["content-md5"] = body.contentMd5;
  return h;
}

function xmlBody(root: string, value: XmlInputNode): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(buildXml(root, value), "utf8");
  return { body, headers: { "content-type": "application/xml", "content-md5": md5Base64(body), "content-length": String(body.length) } };
}

/**
 * An `ifMatch` / `ifNoneMatch` value as OSS compares it: each ETag of the comma list quoted and in
 * upper case (OSS ETags are upper-case hex; the contract says quotes, `W/` and case do not matter,
 * and OSS compares the strings), `*` kept.
 */
export function conditionValue(value: string): string {
  return etagConditionValue(value, "upper");
}

/**
 * `If-Match` / `If-None-Match` from the `ifMatch` / `ifNoneMatch` options (see {@link conditionValue}):
 * OSS evaluates them on HeadObject and GetObject (304 or 412 when one does not hold). Neither
 * signature signs them (V1 signs `x-oss-*` only; V4 would need them as additional headers).
 */
export function conditionHeaders(options: DriverCallOptions): Record<string, string> {
  return etagConditionHeaders(options, "upper");
}


/** HeadObject: the full metadata (not the lighter `?objectMeta`), with the condition headers of `options`. */
export function headObject(key: string, options: DriverCallOptions = {}): OssCall {
  return { operation: "head_object", method: "HEAD", key, query: [], headers: conditionHeaders(options) };
}

/**
 * GetObject, whole or a range. `standard` adds `x-oss-range-behavior: standard`,
 * so that a range starting past the end is a 416 rather than the whole object.
 * The condition headers of `options` go on every GET of a read (presigned reads take none).
 */
export function getObject(key: string, range: { offset?: number | undefined; size?: number | undefined }, standard = true, options: DriverCallOptions = {}): OssCall {
  const headers: Record<string, string> = conditionHeaders(options);
  const r = rangeHeader(range.offset, range.size);
  if (r !== undefined) {
    headers["range"] = r;
    if (standard) headers["x-oss-range-behavior"] = "standard";
  }
  return { operation: "get_object", method: "GET", key, query: [], headers };
}

/** PutObject (with `x-oss-forbid-overwrite` given `ifNotExists`). @throws StorageError `InvalidArgument` (bad metadata or SSE options) */
export function putObject(key: string, body: CallBody, options: DriverCallOptions): OssCall {
  const headers = { ...newObjectHeaders(options), ...forbidOverwriteHeaders(options), ...bodyHeaders(body) };
  return { operation: "put_object", method: "PUT", key, query: [], headers, body: body.data };
}

/** The header that names a symlink's target in PutSymlink and GetSymlink. */
export const SYMLINK_TARGET_HEADER = "x-oss-symlink-target";

/** A target key as ali-oss sends it in {@link SYMLINK_TARGET_HEADER}: `encodeURIComponent`, with `/` kept. */
export function encodeSymlinkTarget(targetKey: string): string {
  return encodeURIComponent(targetKey).replace(/%2F/g, "/");
}

/**
 * PutSymlink (`PUT ?symlink`): makes `key` a symlink to `targetKey`, replacing what is there (unless
 * `options.ifNotExists`: `x-oss-forbid-overwrite: true`, 409 over an object); the target need not exist.
 */
export function putSymlink(key: string, targetKey: string, options: DriverCallOptions = {}): OssCall {
  const headers = { [SYMLINK_TARGET_HEADER]: encodeSymlinkTarget(targetKey), ...forbidOverwriteHeaders(options) };
  return { operation: "put_symlink", method: "PUT", key, query: [["symlink", undefined]], headers };
}

/** GetSymlink (`GET ?symlink`): the target of the symlink `key` in {@link SYMLINK_TARGET_HEADER}, no body. */
export function getSymlink(key: string): OssCall {
  return { operation: "get_symlink", method: "GET", key, query: [["symlink", undefined]], headers: {} };
}

/** DeleteObject (204, also for a missing key). */
export function deleteObject(key: string): OssCall {
  return { operation: "delete_object", method: "DELETE", key, query: [], headers: {} };
}

/**
 * DeleteMultipleObjects (quiet), with the Content-MD5 OSS requires.
 * @throws StorageError `InvalidArgument` for no keys, more than 1000, or a key XML cannot carry (see {@link fitsXml}).
 */
export function deleteObjects(keys: readonly string[]): OssCall {
  if (keys.length === 0 || keys.length > 1000) throw storageError(ErrorCode.InvalidArgument, "a batch delete takes 1 to 1000 keys");
  const unfit = keys.findIndex((k) => !fitsXml(k));
  if (unfit >= 0) throw storageError(ErrorCode.InvalidArgument, `a batch delete cannot carry key ${unfit} (${JSON.stringify(keys[unfit])}): XML 1.0 has no form for one of its characters`);
  const { body, headers } = xmlBody("Delete", { Quiet: "true", Object: keys.map((k) => ({ Key: k })) });
  return { operation: "delete_objects", method: "POST", query: [["delete", undefined]], headers, body };
}

/** ListObjectsV2 with url-encoded names in the answer; `token` is a continuation token. */
export function listObjectsV2(prefix: string, delimiter: string | undefined, token: string | undefined, maxKeys: number, startAfter?: string): OssCall {
  const query: QueryParam[] = [["list-type", "2"], ["prefix", prefix]];
  if (delimiter !== undefined) query.push(["delimiter", delimiter]);
  if (token !== undefined && token !== "") query.push(["continuation-token", token]);
  else if (startAfter !== undefined && startAfter !== "") query.push(["start-after", startAfter]);
  query.push(["max-keys", String(maxKeys)], ["encoding-type", "url"]);
  return { operation: "list_objects_v2", method: "GET", query, headers: {} };
}

/**
 * CopyObject. `source` is the `x-oss-copy-source` value (`/<bucket>/<encoded key>`).
 * The source's attributes are kept (directive COPY) unless `replace` is given: then
 * `x-oss-metadata-directive: REPLACE` with exactly its content type, metadata and content headers.
 * `x-oss-forbid-overwrite: true` given `options.ifNotExists` (409 over an object).
 * @throws StorageError `InvalidArgument` (bad metadata or SSE options)
 */
export function copyObject(key: string, source: string, options: DriverCallOptions, replace?: CopyReplacement): OssCall {
  const headers: Record<string, string> = { "x-oss-copy-source": source, ...sseHeaders(options), ...forbidOverwriteHeaders(options) };
  if (typeof options.storageClass === "string") headers["x-oss-storage-class"] = options.storageClass;
  if (replace !== undefined) {
    headers["x-oss-metadata-directive"] = "REPLACE";
    Object.assign(headers, replace.headers ?? {}, replace.stored === true ? storedMetadataHeaders(replace.metadata, "x-oss-meta-") : metadataHeaders(replace.metadata));
    if (typeof replace.contentType === "string") headers["content-type"] = replace.contentType;
  }
  return { operation: "copy_object", method: "PUT", key, query: [], headers };
}

/** AppendObject (`POST ?append&position=n`); the object's attributes go with the first append only. @throws StorageError `InvalidArgument` (bad metadata or SSE options) */
export function appendObject(key: string, position: number, body: CallBody, options: DriverCallOptions): OssCall {
  const headers = { ...(position === 0 ? newObjectHeaders(options) : {}), ...bodyHeaders(body) };
  return { operation: "append_object", method: "POST", key, query: [["append", undefined], ["position", String(position)]], headers, body: body.data };
}

/**
 * InitiateMultipartUpload (`POST ?uploads`; `x-oss-forbid-overwrite` given `ifNotExists`: an object at
 * the key refuses it early). @throws StorageError `InvalidArgument` (bad metadata or SSE options)
 */
export function initiateMultipart(key: string, options: DriverCallOptions, contentHeaders: Readonly<Record<string, string>> = {}): OssCall {
  const headers = { ...contentHeaders, ...newObjectHeaders(options), ...forbidOverwriteHeaders(options) };
  return { operation: "initiate_multipart_upload", method: "POST", key, query: [["uploads", undefined]], headers };
}

/** UploadPart (`index` is 0-based; OSS numbers parts from 1). */
export function uploadPart(key: string, uploadId: string, index: number, body: CallBody): OssCall {
  return { operation: "upload_part", method: "PUT", key, query: [["partNumber", String(index + 1)], ["uploadId", uploadId]], headers: bodyHeaders(body), body: body.data };
}

/**
 * The Content-Type a presigned upload signs when no content type is given. OSS signs Content-Type
 * (V1 and V4), and `fetch` adds one of its own to a string or typed-Blob body unless the request
 * names one: a presigned upload therefore always signs one, and the client sends it.
 */
export const PRESIGNED_BODY_TYPE = "application/octet-stream";

/**
 * UploadPart as a client will send it to a presigned URL: no body here; Content-Type is always
 * signed ({@link PRESIGNED_BODY_TYPE}: a part has no content type of its own, the upload's was set
 * at initiate), the part's size and Content-MD5 when given, so the client must send exactly those.
 */
export function presignedUploadPart(key: string, uploadId: string, index: number, options: DriverCallOptions): OssCall {
  const headers: Record<string, string> = { "content-type": PRESIGNED_BODY_TYPE };
  if (typeof options.contentMd5 === "string") headers["content-md5"] = options.contentMd5;
  if (typeof options.size === "number") headers["content-length"] = String(options.size);
  return { operation: "upload_part", method: "PUT", key, query: [["partNumber", String(index + 1)], ["uploadId", uploadId]], headers };
}

/** UploadPartCopy of bytes `[first, last]` of `source`. */
export function uploadPartCopy(key: string, uploadId: string, index: number, source: string, first: number, last: number): OssCall {
  return {
    operation: "upload_part_copy",
    method: "PUT",
    key,
    query: [["partNumber", String(index + 1)], ["uploadId", uploadId]],
    headers: { "x-oss-copy-source": source, "x-oss-copy-source-range": `bytes=${first}-${last}` },
  };
}

/**
 * CompleteMultipartUpload with the parts in order (PartNumber = index + 1) and the body's Content-MD5;
 * `x-oss-forbid-overwrite` given `options.ifNotExists`.
 */
export function completeMultipart(key: string, uploadId: string, parts: readonly Pick<Part, "index" | "etag">[], options: DriverCallOptions = {}): OssCall {
  const { body, headers } = xmlBody("CompleteMultipartUpload", { Part: parts.map((p) => ({ PartNumber: p.index + 1, ETag: p.etag })) });
  return { operation: "complete_multipart_upload", method: "POST", key, query: [["uploadId", uploadId]], headers: { ...headers, ...forbidOverwriteHeaders(options) }, body };
}

/**
 * RestoreObject (POST Object?restore): `<RestoreRequest>` with `Days`, and `JobParameters/Tier` when
 * a tier is given (ColdArchive and DeepColdArchive take one; Standard is OSS's default), with Content-MD5.
 */
export function restoreObject(key: string, days: number, tier: string | undefined): OssCall {
  const { body, headers } = xmlBody("RestoreRequest", tier === undefined ? { Days: days } : { Days: days, JobParameters: { Tier: tier } });
  return { operation: "restore_object", method: "POST", key, query: [["restore", undefined]], headers, body };
}

/** AbortMultipartUpload (204). */
export function abortMultipart(key: string, uploadId: string): OssCall {
  return { operation: "abort_multipart_upload", method: "DELETE", key, query: [["uploadId", uploadId]], headers: {} };
}

/** ListParts after part number `marker`. */
export function listParts(key: string, uploadId: string, marker: string | undefined, maxParts = 1000): OssCall {
  const query: QueryParam[] = [["uploadId", uploadId], ["max-parts", String(maxParts)]];
  if (marker !== undefined && marker !== "") query.push(["part-number-marker", marker]);
  return { operation: "list_parts", method: "GET", key, query, headers: {} };
}

/** ListMultipartUploads under `prefix`. */
export function listUploads(prefix: string, keyMarker: string | undefined, uploadIdMarker: string | undefined, maxUploads: number): OssCall {
  const query: QueryParam[] = [["uploads", undefined], ["prefix", prefix], ["max-uploads", String(maxUploads)], ["encoding-type", "url"]];
  if (keyMarker !== undefined) query.push(["key-marker", keyMarker]);
  if (uploadIdMarker !== undefined) query.push(["upload-id-marker", uploadIdMarker]);
  return { operation: "list_multipart_uploads", method: "GET", query, headers: {} };
}

/**
 * ListBuckets (GetService): the requester's own buckets, 1000 a page, whose names start with `prefix`
 * (when given and not empty), after `marker`.
 */
export function listBuckets(marker: string | undefined, prefix?: string): OssCall {
  const query: QueryParam[] = [["max-keys", "1000"]];
  if (prefix) query.push(["prefix", prefix]);
  if (marker) query.push(["marker", marker]);
  return { operation: "list_buckets", method: "GET", query, headers: {} };
}

/** PutBucket (the region is the one of the endpoint the request goes to). */
export function putBucket(): OssCall {
  return { operation: "put_bucket", method: "PUT", query: [], headers: { "content-length": "0" } };
}

/** DeleteBucket (204). */
export function deleteBucket(): OssCall {
  return { operation: "delete_bucket", method: "DELETE", query: [], headers: {} };
}
