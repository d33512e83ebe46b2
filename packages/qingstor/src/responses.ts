import type { IncomingHttpHeaders } from "node:http";
import {
  compareKeys,
  ErrorCode,
  headerFields,
  headerValue,
  metadataFromHeaders,
  objectSizeFromHeaders,
  parseWholeNumber,
  parseWireDate,
  readObjectHeaders,
  storageError,
  truncatedWithoutMarker,
  type Part,
  type RawObject,
} from "@stowage/core";
import { crc64OfEtag } from "./etag.js";
import { hasMore, listingJson, notAListing } from "./listing-json.js";
import { isLinkContentType } from "./virtual-link.js";

/** A QingStor error document: `{"code","message","request_id","url"}`. */
export interface QsErrorBody {
  code?: string | undefined;
  message?: string | undefined;
  requestId?: string | undefined;
  url?: string | undefined;
}

type Json = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The JSON object of a response body.
 * @throws StorageError `Unexpected` (retryable: a damaged body may be a transfer fault, as a
 *   malformed XML answer is for the other drivers) when the body is not a JSON object.
 */
export function parseJson(body: Buffer): Json {
  let v: unknown;
  try {
    v = JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw storageError(ErrorCode.Unexpected, "the service sent a response that is not well-formed JSON", { cause: e, retryable: true });
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw storageError(ErrorCode.Unexpected, "the service sent a JSON answer that is not an object", { retryable: true });
  return v as Json;
}

/** The error fields of a body, or undefined when it is no QingStor error document. */
export function parseErrorBody(body: Buffer): QsErrorBody | undefined {
  // An error document has a `code` property; a body without that name is none, and is not parsed
  // here (a listing page, parsed by its own parser, would otherwise be parsed twice).
  if (body.length === 0 || !body.includes('"code"')) return undefined;
  let doc: Json;
  try {
    doc = parseJson(body);
  } catch {
    return undefined;
  }
  const code = str(doc["code"]);
  if (code === undefined) return undefined;
  return { code, message: str(doc["message"]), requestId: str(doc["request_id"]), url: str(doc["url"]) };
}

/** The whole object's size from `Content-Range: bytes a-b/total`, or `Content-Length` of a full answer. @throws never */
export const objectSize: (status: number, headers: IncomingHttpHeaders) => number | undefined = objectSizeFromHeaders;

/**
 * An object's metadata from HEAD/GET response headers: size, etag (and the `crc64` a Stowage CRC
 * ETag carries, etag.ts `crc64OfEtag`), content type, last modified, storage class (STANDARD when
 * absent), user metadata (`x-qs-meta-*`), the Cache-Control, Content-Disposition, Content-Encoding
 * and Expires answered (`cacheControl`, ... at the top level), append mode and offset for
 * appendable objects, and the object type and SSE-C algorithm under `system`. Never derives
 * contentMd5 from the ETag.
 */
export function objectFromHeaders(key: string, status: number, headers: IncomingHttpHeaders): RawObject {
  const size = objectSize(status, headers);
  const type = headerValue(headers, "x-qs-object-type");
  const appendable = type?.toLowerCase() === "appendable";
  const raw: RawObject = { key, mode: key.endsWith("/") ? "dir" : appendable ? "append" : "file" };
  if (size !== undefined) raw.size = size;
  const etag = headerValue(headers, "etag");
  if (etag !== undefined) raw.etag = etag;
  const crc64 = raw.mode === "file" ? crc64OfEtag(etag) : undefined;
  if (crc64 !== undefined) raw.crc64 = crc64;
  const contentType = headerValue(headers, "content-type");
  if (contentType !== undefined) raw.contentType = contentType;
  const modified = parseWireDate(headerValue(headers, "last-modified"));
  if (modified !== undefined) raw.lastModified = modified;
  raw.storageClass = headerValue(headers, "x-qs-storage-class") ?? "STANDARD";
  const metadata = metadataFromHeaders(headers, "x-qs-meta-");
  if (metadata !== undefined) raw.metadata = metadata;
  readObjectHeaders(headers, raw);
  if (appendable) {
    const next = parseWholeNumber(headerValue(headers, "x-qs-next-append-position"));
    const offset = next ?? size;
    if (offset !== undefined) raw.appendOffset = offset;
  }
  const system = headerFields(headers, [
    ["objectType", "x-qs-object-type"],
    ["encryptionCustomerAlgorithm", "x-qs-encryption-customer-algorithm"],
  ]);
  if (system !== undefined) raw.system = system;
  return raw;
}

/** One page of ListObjects. */
export interface ListObjectsPage {
  items: RawObject[];
  /** Where the next page starts, when `has_more`. */
  nextMarker?: string;
}

function listedObject(k: Json, links: boolean): RawObject {
  const key = str(k["key"]) ?? "";
  const type = str(k["mime_type"]);
  const link = links && !key.endsWith("/") && isLinkContentType(type);
  const raw: RawObject = { key, mode: key.endsWith("/") ? "dir" : link ? "link" : "file" };
  const size = link ? undefined : parseWholeNumber(k["size"]);
  if (size !== undefined) raw.size = size;
  const etag = str(k["etag"]);
  if (etag !== undefined && etag !== "") raw.etag = etag;
  const crc64 = raw.mode === "file" ? crc64OfEtag(etag) : undefined;
  if (crc64 !== undefined) raw.crc64 = crc64;
  if (type !== undefined && type !== "" && !link) raw.contentType = type;
  const modified = parseWireDate(k["modified"]) ?? parseWireDate(k["created"]);
  if (modified !== undefined) raw.lastModified = modified;
  const storageClass = str(k["storage_class"]);
  if (storageClass !== undefined && storageClass !== "") raw.storageClass = storageClass;
  return raw;
}

/**
 * Parses the ListObjects JSON: keys as `file` objects (`dir` for keys ending with
 * `/`; with `links`, `link` for keys of the virtual link content type, without
 * size or target; a Stowage CRC ETag's `crc64` on files), common prefixes as `dir` objects, sorted
 * by key (QingStor lists in its own internal order); `next_marker` while `has_more`. Without a
 * `next_marker`, a page of keys only continues after the last key as QingStor sent it (the end of
 * the page in QingStor's own order; the largest key by byte order could lie beyond keys not listed yet).
 * @throws StorageError `Unexpected` (retryable): the body is not a JSON object, is an error
 *   document (a string `code`), has neither `has_more` nor a `keys` list (an answer without `has_more`
 *   continues when it has a `next_marker`), a `has_more` that is no boolean, a `keys` or `common_prefixes` that is
 *   not a list, or `has_more` comes without a `next_marker` on a page that holds common prefixes
 *   (where the page ended is not known) or nothing at all (the listing never ends short silently)
 */
export function parseListObjects(body: Buffer, links = false): ListObjectsPage {
  const doc = listingJson(parseJson(body), "list_objects", ["keys", "common_prefixes"]);
  const more = hasMore(doc, "list_objects", "keys", "next_marker");
  const prefixes = array(doc["common_prefixes"]).filter((p): p is string => typeof p === "string");
  const items: RawObject[] = prefixes.map((p) => ({ key: p, mode: "dir" }));
  for (const k of array(doc["keys"])) if (k !== null && typeof k === "object") items.push(listedObject(k as Json, links));
  // The last key in QingStor's order, before sorting: where this page ended.
  const lastSent = prefixes.length === items.length ? undefined : items[items.length - 1]!.key;
  items.sort((a, b) => compareKeys(a.key, b.key));
  if (!more) return { items };
  const next = str(doc["next_marker"]);
  if (next !== undefined && next !== "") return { items, nextMarker: next };
  if (prefixes.length > 0 || lastSent === undefined) throw truncatedWithoutMarker("objects", "it gave no next_marker, and the page's end is not known");
  return { items, nextMarker: lastSent };
}

/** The `upload_id` of an InitiateMultipartUpload answer. */
export function parseInitiate(body: Buffer): string | undefined {
  const id = str(parseJson(body)["upload_id"]);
  return id === "" ? undefined : id;
}

/**
 * The parts of a ListMultipart answer (QingStor's 0-based part numbers are Stowage's indexes),
 * sorted. The answer has no `has_more`; it must carry `object_parts` or `count`, so that a JSON
 * object that is no part listing is not read as "no parts" (which would end the listing).
 * @throws StorageError `Unexpected` (retryable) when the body is not a JSON object, is an error
 *   document (a string `code`), has an `object_parts` that is not a list, or has neither `object_parts` nor `count`.
 */
export function parseListParts(body: Buffer): Part[] {
  const doc = listingJson(parseJson(body), "list_multipart", ["object_parts"]);
  if (!Array.isArray(doc["object_parts"]) && parseWholeNumber(doc["count"]) === undefined) throw notAListing("list_multipart", "neither object_parts nor count");
  const parts: Part[] = [];
  for (const p of array(doc["object_parts"])) {
    if (p === null || typeof p !== "object") continue;
    const o = p as Json;
    const index = parseWholeNumber(o["part_number"]);
    if (index === undefined) continue;
    const part: Part = { index, size: parseWholeNumber(o["size"]) ?? 0, etag: str(o["etag"]) ?? "" };
    const created = parseWireDate(o["created"]);
    if (created !== undefined) part.lastModified = created;
    parts.push(part);
  }
  return parts.sort((a, b) => a.index - b.index);
}

/**
 * In-progress uploads of a ListMultipartUploads answer as `part` objects, and the next markers while
 * `has_more` (after the last upload when they are missing).
 * @throws StorageError `Unexpected` (retryable): not a JSON object, an error document (a string
 *   `code`), neither `has_more` nor an `uploads` list (without `has_more`, a `next_key_marker` says more
 *   follows), a `has_more` that is no boolean, an `uploads` that is not a list, or `has_more` with no next key
 *   marker and no upload
 */
export function parseListUploads(body: Buffer): { items: RawObject[]; next?: { keyMarker: string; uploadIdMarker: string } } {
  const doc = listingJson(parseJson(body), "list_multipart_uploads", ["uploads", "common_prefixes"]);
  const more = hasMore(doc, "list_multipart_uploads", "uploads", "next_key_marker");
  const items: RawObject[] = [];
  for (const u of array(doc["uploads"])) {
    if (u === null || typeof u !== "object") continue;
    const o = u as Json;
    const raw: RawObject = { key: str(o["key"]) ?? "", mode: "part", multipartId: str(o["upload_id"]) ?? "" };
    const created = parseWireDate(o["created"]);
    if (created !== undefined) raw.lastModified = created;
    const storageClass = str(o["storage_class"]);
    if (storageClass !== undefined && storageClass !== "") raw.storageClass = storageClass;
    items.push(raw);
  }
  if (!more) return { items };
  const last = items[items.length - 1];
  const keyMarker = str(doc["next_key_marker"]);
  const uploadIdMarker = str(doc["next_upload_id_marker"]);
  if ((keyMarker === undefined || keyMarker === "") && last === undefined) throw truncatedWithoutMarker("multipart uploads");
  return {
    items,
    next: {
      keyMarker: keyMarker !== undefined && keyMarker !== "" ? keyMarker : (last?.key ?? ""),
      uploadIdMarker: uploadIdMarker !== undefined && uploadIdMarker !== "" ? uploadIdMarker : (last?.multipartId ?? ""),
    },
  };
}

/**
 * Keys a DeleteMultipleObjects answer reports as failed, with their codes (none when the answer has
 * no `errors` list: a quiet answer may carry neither `deleted`, which quiet mode leaves out, nor
 * `errors`). The caller first refuses an error document (parseErrorBody: a string `code`).
 * @throws StorageError `Unexpected` (retryable) when the body is not a JSON object (an empty body
 *   included), or has a `deleted` or `errors` field that is not a list
 */
export function parseDeleteErrors(body: Buffer): Array<{ key: string; code: string; message: string }> {
  const doc = parseJson(body);
  for (const field of ["deleted", "errors"]) {
    if (doc[field] !== undefined && doc[field] !== null && !Array.isArray(doc[field])) {
      throw storageError(ErrorCode.Unexpected, `the service sent a batch-delete answer whose "${field}" is not a list`, { retryable: true });
    }
  }
  return array(doc["errors"])
    .filter((e): e is Json => e !== null && typeof e === "object")
    .map((e) => ({ key: str(e["key"]) ?? "", code: str(e["code"]) ?? "", message: str(e["message"]) ?? "" }));
}

/**
 * Buckets of a ListBuckets answer and the total `count` QingStor reports. The answer must carry
 * `buckets` or `count`, so that a JSON object that is no bucket listing is not read as "no buckets".
 * @throws StorageError `Unexpected` (retryable) when the body is not a JSON object, is an error
 *   document (a string `code`), has a `buckets` that is not a list, or has neither `buckets` nor `count`.
 */
export function parseListBuckets(body: Buffer): { items: { name: string; location?: string }[]; count: number | undefined } {
  const doc = listingJson(parseJson(body), "list_buckets", ["buckets"]);
  if (!Array.isArray(doc["buckets"]) && parseWholeNumber(doc["count"]) === undefined) throw notAListing("list_buckets", "neither buckets nor count");
  const items = array(doc["buckets"])
    .filter((b): b is Json => b !== null && typeof b === "object")
    .map((b) => {
      const location = str(b["location"]);
      return { name: str(b["name"]) ?? "", ...(location ? { location } : {}) };
    });
  return { items, count: parseWholeNumber(doc["count"]) };
}
