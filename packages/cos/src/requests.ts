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
} from "@stowage/core";
import { copySourceSseHeaders, sseCustomerHeaders, sseServerHeaders } from "./sse.js";

/** One COS API call before addressing and signing (core's {@link DriverCall}). */
export type CosCall = DriverCall;

/** A request body and its Content-MD5 (base64); core's. */
export type { CallBody };

/** Largest total of user metadata COS keeps (names and values), in bytes. */
export const METADATA_LIMIT = 2048;

/**
 * `x-cos-meta-*` headers from a metadata map (keys lower-cased). COS takes only letters, digits
 * and `-` in a name (core `LETTERS_DIGITS_HYPHEN`): an underscore, a dot or any other symbol is
 * refused here, before anything is sent, as the service would refuse the request.
 * @throws StorageError `InvalidArgument` for names of other characters, values outside printable
 *   ASCII (encode them first), or more than 2 KB in total.
 */
export function metadataHeaders(metadata: unknown): Record<string, string> {
  return metadataToHeaders(metadata, { prefix: "x-cos-meta-", limit: METADATA_LIMIT, service: "COS", names: LETTERS_DIGITS_HYPHEN });
}

/**
 * Content type, metadata, storage class, SSE headers and the object headers (Cache-Control,
 * Content-Disposition, Content-Encoding, Expires: core `objectHeadersOf`) of a new object: what PUT
 * Object, Initiate Multipart Upload and the APPEND Object that creates an appendable object send.
 */
export function newObjectHeaders(options: DriverCallOptions, secure: boolean): Record<string, string> {
  const h: Record<string, string> = { ...objectHeadersOf(options), ...metadataHeaders(options.metadata), ...sseServerHeaders(options), ...sseCustomerHeaders(options, secure) };
  if (typeof options.contentType === "string") h["content-type"] = options.contentType;
  if (typeof options.storageClass === "string") h["x-cos-storage-class"] = options.storageClass;
  return h;
}

/**
 * `x-cos-forbid-overwrite: true` when `options.ifNotExists` is true (core's `if_not_exists`), else
 * nothing: PUT Object, PUT Object - Copy, Initiate Multipart Upload and Complete Multipart Upload then refuse (409) to
 * replace an object at the key. COS honours it on a bucket whose versioning was never enabled only.
 */
export function forbidOverwriteHeaders(options: DriverCallOptions): Record<string, string> {
  return options.ifNotExists === true ? { "x-cos-forbid-overwrite": "true" } : {};
}

function bodyHeaders(body: CallBody, contentType?: string): Record<string, string> {
  const h: Record<string, string> = { "content-length": String(body.size) };
  if (body.contentMd5 !== undefined) h["content-md5"] = body.contentMd5;
  if (contentType !== undefined) h["content-type"] = contentType;
  return h;
}


/**
 * An `ifMatch` / `ifNoneMatch` value as COS compares it: each ETag of the comma list quoted and in
 * lower case (COS ETags are lower-case hex; the contract says quotes, `W/` and case do not matter,
 * and COS compares the strings), `*` kept.
 */
export function conditionValue(value: string): string {
  return etagConditionValue(value, "lower");
}

/**
 * `If-Match` / `If-None-Match` from the `ifMatch` / `ifNoneMatch` options (see {@link conditionValue}):
 * COS evaluates them on HEAD and GET Object (304 or 412 when one does not hold), and signs both headers.
 */
export function conditionHeaders(options: DriverCallOptions): Record<string, string> {
  return etagConditionHeaders(options, "lower");
}


/** HEAD Object, with the SSE-C and condition headers. @throws StorageError `InvalidArgument` (SSE-C over http or a bad key) */
export function headObject(key: string, options: DriverCallOptions, secure: boolean): CosCall {
  return { operation: "head_object", method: "HEAD", key, query: [], headers: { ...sseCustomerHeaders(options, secure), ...conditionHeaders(options) } };
}

/**
 * GET Object, whole or a range (`size` > 0), with the SSE-C and condition headers (the conditions
 * go on every ranged GET of a read). @throws StorageError `InvalidArgument` (SSE-C over http or a bad key)
 */
export function getObject(key: string, range: { offset?: number | undefined; size?: number | undefined }, options: DriverCallOptions, secure: boolean): CosCall {
  const headers = { ...sseCustomerHeaders(options, secure), ...conditionHeaders(options) };
  const r = rangeHeader(range.offset, range.size);
  if (r !== undefined) headers["range"] = r;
  return { operation: "get_object", method: "GET", key, query: [], headers };
}

/** PUT Object (with `x-cos-forbid-overwrite` given `ifNotExists`). */
export function putObject(key: string, body: CallBody, options: DriverCallOptions, secure: boolean): CosCall {
  // Added to one record rather than spread from three (the same names, in the same order): this runs for every PUT.
  const headers = newObjectHeaders(options, secure);
  if (options.ifNotExists === true) headers["x-cos-forbid-overwrite"] = "true";
  headers["content-length"] = String(body.size);
  if (body.contentMd5 !== undefined) headers["content-md5"] = body.contentMd5;
  return { operation: "put_object", method: "PUT", key, query: [], headers, body: body.data };
}

/** DELETE Object. */
export function deleteObject(key: string): CosCall {
  return { operation: "delete_object", method: "DELETE", key, query: [], headers: {} };
}

/**
 * POST Bucket?delete (quiet: only failures come back).
 * @throws StorageError `InvalidArgument` for no keys, more than 1000, or a key XML cannot carry (see {@link fitsXml}).
 */
export function deleteObjects(keys: readonly string[]): CosCall {
  if (keys.length === 0 || keys.length > 1000) throw storageError(ErrorCode.InvalidArgument, "a batch delete takes 1 to 1000 keys");
  const unfit = keys.findIndex((k) => !fitsXml(k));
  if (unfit >= 0) throw storageError(ErrorCode.InvalidArgument, `a batch delete cannot carry key ${unfit} (${JSON.stringify(keys[unfit])}): XML 1.0 has no form for one of its characters`);
  const body = Buffer.from(buildXml("Delete", { Quiet: "true", Object: keys.map((k) => ({ Key: k })) }), "utf8");
  return {
    operation: "delete_objects",
    method: "POST",
    query: [["delete", undefined]],
    headers: { "content-type": "application/xml", "content-md5": md5Base64(body), "content-length": String(body.length) },
    body,
  };
}

/** GET Bucket (list objects, names url-encoded in the answer). */
export function listObjects(prefix: string, delimiter: string | undefined, marker: string | undefined, maxKeys: number): CosCall {
  const query: QueryParam[] = [["prefix", prefix]];
  if (delimiter !== undefined) query.push(["delimiter", delimiter]);
  if (marker !== undefined && marker !== "") query.push(["marker", marker]);
  query.push(["max-keys", String(maxKeys)], ["encoding-type", "url"]);
  return { operation: "list_objects", method: "GET", query, headers: {} };
}

/**
 * `x-cos-copy-source-If-Match` with the source's ETag (see {@link conditionValue}), when one is given:
 * COS refuses the copy (412) when the source is no longer that version.
 */
export function copySourceCondition(sourceEtag: string | undefined): Record<string, string> {
  return sourceEtag === undefined ? {} : { "x-cos-copy-source-if-match": conditionValue(sourceEtag) };
}

/**
 * PUT Object - Copy. `source` is the `x-cos-copy-source` value (host and encoded key).
 * The source's attributes are kept (directive Copy) unless `replace` is given: then
 * `x-cos-metadata-directive: Replaced` with exactly its content type, metadata and content headers.
 * With `sourceEtag`, only that version of the source is copied (`x-cos-copy-source-If-Match`; 412
 * otherwise); with `options.ifNotExists`, `x-cos-forbid-overwrite: true` (409 over an object).
 * @throws StorageError `InvalidArgument` (metadata that cannot travel in headers, SSE-C over http)
 */
export function copyObject(key: string, source: string, options: DriverCallOptions, secure: boolean, replace?: CopyReplacement, sourceEtag?: string): CosCall {
  const headers: Record<string, string> = {
    "x-cos-copy-source": source,
    ...copySourceCondition(sourceEtag),
    ...sseServerHeaders(options),
    ...sseCustomerHeaders(options, secure),
    ...copySourceSseHeaders(options, secure),
    ...forbidOverwriteHeaders(options),
  };
  if (typeof options.storageClass === "string") headers["x-cos-storage-class"] = options.storageClass;
  if (replace !== undefined) {
    headers["x-cos-metadata-directive"] = "Replaced";
    Object.assign(headers, replace.headers ?? {}, replace.stored === true ? storedMetadataHeaders(replace.metadata, "x-cos-meta-") : metadataHeaders(replace.metadata));
    if (typeof replace.contentType === "string") headers["content-type"] = replace.contentType;
  }
  return { operation: "copy_object", method: "PUT", key, query: [], headers };
}

/** POST Object?append&position=n. */
export function appendObject(key: string, position: number, body: CallBody, options: DriverCallOptions, secure: boolean): CosCall {
  const headers = { ...(position === 0 ? newObjectHeaders(options, secure) : {}), ...bodyHeaders(body) };
  return { operation: "append_object", method: "POST", key, query: [["append", undefined], ["position", String(position)]], headers, body: body.data };
}

/**
 * POST Object?uploads (Initiate Multipart Upload); `contentHeaders` (Cache-Control and the like) are
 * sent as given; `x-cos-forbid-overwrite` given `ifNotExists` (an object at the key refuses it early).
 */
export function initiateMultipart(key: string, options: DriverCallOptions, secure: boolean, contentHeaders: Readonly<Record<string, string>> = {}): CosCall {
  const headers = { ...contentHeaders, ...newObjectHeaders(options, secure), ...forbidOverwriteHeaders(options) };
  return { operation: "initiate_multipart_upload", method: "POST", key, query: [["uploads", undefined]], headers };
}

/** PUT Object?partNumber=N&uploadId=ID (`index` is 0-based; COS numbers parts from 1). */
export function uploadPart(key: string, uploadId: string, index: number, body: CallBody, options: DriverCallOptions, secure: boolean): CosCall {
  return {
    operation: "upload_part",
    method: "PUT",
    key,
    query: [["partNumber", String(index + 1)], ["uploadId", uploadId]],
    headers: { ...sseCustomerHeaders(options, secure), ...bodyHeaders(body) },
    body: body.data,
  };
}

/**
 * Upload Part as a client will send it to a presigned URL: no body here; the part's size and
 * Content-MD5 are signed when given, so the client must send exactly those (and the SSE-C headers).
 * @throws StorageError `InvalidArgument` (SSE-C over http or a bad key)
 */
export function presignedUploadPart(key: string, uploadId: string, index: number, options: DriverCallOptions, secure: boolean): CosCall {
  const headers: Record<string, string> = sseCustomerHeaders(options, secure);
  if (typeof options.contentMd5 === "string") headers["content-md5"] = options.contentMd5;
  if (typeof options.size === "number") headers["content-length"] = String(options.size);
  return { operation: "upload_part", method: "PUT", key, query: [["partNumber", String(index + 1)], ["uploadId", uploadId]], headers };
}

/** Upload Part - Copy of bytes `[first, last]` of `source`; with `sourceEtag`, of that version only (412 otherwise). */
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
): CosCall {
  return {
    operation: "upload_part_copy",
    method: "PUT",
    key,
    query: [["partNumber", String(index + 1)], ["uploadId", uploadId]],
    headers: {
      "x-cos-copy-source": source,
      "x-cos-copy-source-range": `bytes=${first}-${last}`,
      ...copySourceCondition(sourceEtag),
      ...sseCustomerHeaders(options, secure),
      ...copySourceSseHeaders(options, secure),
    },
  };
}

/** POST Object?uploadId=ID with the parts in order (PartNumber = index + 1); `x-cos-forbid-overwrite` given `options.ifNotExists`. */
export function completeMultipart(key: string, uploadId: string, parts: readonly Pick<Part, "index" | "etag">[], options: DriverCallOptions = {}): CosCall {
  const xml = buildXml("CompleteMultipartUpload", { Part: parts.map((p) => ({ PartNumber: p.index + 1, ETag: p.etag })) });
  const body = Buffer.from(xml, "utf8");
  return {
    operation: "complete_multipart_upload",
    method: "POST",
    key,
    query: [["uploadId", uploadId]],
    headers: { "content-type": "application/xml", "content-md5": md5Base64(body), "content-length": String(body.length), ...forbidOverwriteHeaders(options) },
    body,
  };
}

/**
 * POST Object?restore: `<RestoreRequest>` with `Days` and `CASJobParameters/Tier` (COS's page lists
 * both as required; its older page gives Standard as the default), with the Content-MD5 COS requires.
 */
export function restoreObject(key: string, days: number, tier: string): CosCall {
  const body = Buffer.from(buildXml("RestoreRequest", { Days: days, CASJobParameters: { Tier: tier } }), "utf8");
  return {
    operation: "restore_object",
    method: "POST",
    key,
    query: [["restore", undefined]],
    headers: { "content-type": "application/xml", "content-md5": md5Base64(body), "content-length": String(body.length) },
    body,
  };
}

/** DELETE Object?uploadId=ID. */
export function abortMultipart(key: string, uploadId: string): CosCall {
  return { operation: "abort_multipart_upload", method: "DELETE", key, query: [["uploadId", uploadId]], headers: {} };
}

/** GET Object?uploadId=ID (List Parts) after part number `marker`. */
export function listParts(key: string, uploadId: string, marker: string | undefined, maxParts = 1000): CosCall {
  const query: QueryParam[] = [["uploadId", uploadId], ["max-parts", String(maxParts)]];
  if (marker !== undefined && marker !== "") query.push(["part-number-marker", marker]);
  return { operation: "list_parts", method: "GET", key, query, headers: {} };
}

/** GET Bucket?uploads (List Multipart Uploads) under `prefix`. */
export function listUploads(prefix: string, keyMarker: string | undefined, uploadIdMarker: string | undefined, maxUploads: number): CosCall {
  const query: QueryParam[] = [["uploads", undefined], ["prefix", prefix], ["max-uploads", String(maxUploads)], ["encoding-type", "url"]];
  if (keyMarker !== undefined) query.push(["key-marker", keyMarker]);
  if (uploadIdMarker !== undefined) query.push(["upload-id-marker", uploadIdMarker]);
  return { operation: "list_multipart_uploads", method: "GET", query, headers: {} };
}

/** GET Service (list buckets). */
export function listBuckets(marker: string | undefined): CosCall {
  return { operation: "list_buckets", method: "GET", query: marker ? [["marker", marker]] : [], headers: {} };
}

/** PUT Bucket (the region comes from the bucket's host). */
export function putBucket(): CosCall {
  return { operation: "put_bucket", method: "PUT", query: [], headers: { "content-length": "0" } };
}

/** DELETE Bucket. */
export function deleteBucket(): CosCall {
  return { operation: "delete_bucket", method: "DELETE", query: [], headers: {} };
}
