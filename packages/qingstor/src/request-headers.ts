import { ErrorCode, etagConditionHeaders, etagConditionValue, md5Base64, metadataToHeaders, storageError, type DriverCallOptions } from "@stowage/core";
import { QINGSTOR_STORAGE_CLASSES } from "./config.js";
import type { CallBody } from "./qs-call.js";
import { sseHeaders } from "./sse.js";

/** Largest total of user metadata QingStor keeps (names and values), in bytes. */
export const METADATA_LIMIT = 2048;
/** Longest user metadata name QingStor keeps, in bytes (`protocols.md` §3.2, as the Go SDK checks). */
const METADATA_NAME_LIMIT = 512;
/** The headers of a request without a body. */
export const EMPTY_BODY_HEADERS = { "content-length": "0" } as const;

/**
 * `x-qs-meta-*` headers from a metadata map (keys lower-cased).
 * @throws StorageError `InvalidArgument` for names that are not HTTP tokens or longer than 512
 *   bytes, values outside printable ASCII (encode them first), or more than 2 KB in total.
 */
export function metadataHeaders(metadata: unknown): Record<string, string> {
  return metadataToHeaders(metadata, { prefix: "x-qs-meta-", limit: METADATA_LIMIT, nameLimit: METADATA_NAME_LIMIT, service: "QingStor" });
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

/**
 * `Content-Length` and (when given) `Content-MD5` of a request body.
 * @throws nothing.
 */
export function bodyHeaders(body: CallBody): Record<string, string> {
  const h: Record<string, string> = { "content-length": String(body.size) };
  if (body.contentMd5 !== undefined) h["content-md5"] = body.contentMd5;
  return h;
}

/**
 * A JSON request body with its Content-Type, Content-Length and (with `withMd5`) Content-MD5.
 * @throws nothing.
 */
export function jsonBody(value: unknown, withMd5: boolean): { headers: Record<string, string>; body: Buffer } {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(body.length) };
  if (withMd5) headers["content-md5"] = md5Base64(body);
  return { headers, body };
}


/**
 * An `ifMatch` / `ifNoneMatch` value as QingStor compares it (core `etagConditionValue`,
 * `given-and-lower`): QingStor compares the strings and computes no ETag for a merged object: HEAD
 * answers whatever ETag the completing client stored (`protocols.md` §3.3), which need not be
 * lower-case, so the ETag a stat reported goes as it is (as the copy pin sends it: `copySourcePin`),
 * followed by its lower-case form, which an ETag QingStor computed (lower-case hex) given in upper case matches.
 * @throws nothing.
 */
export function conditionValue(value: string): string {
  return etagConditionValue(value, "given-and-lower");
}

/**
 * `If-Match` / `If-None-Match` from the `ifMatch` / `ifNoneMatch` options (see {@link conditionValue}):
 * QingStor evaluates them on HeadObject and GetObject (304 or 412 when one does not hold). The
 * signature does not cover them (it signs `x-qs-*` headers only).
 * @throws nothing.
 */
export function conditionHeaders(options: DriverCallOptions): Record<string, string> {
  return etagConditionHeaders(options, "given-and-lower");
}
