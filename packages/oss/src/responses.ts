import type { IncomingHttpHeaders } from "node:http";
import {
  compareKeys,
  decodeListedName,
  headerFields,
  headerValue,
  metadataFromHeaders,
  objectSizeFromHeaders,
  parseListingXml,
  parseListPartsResult,
  parseListUploadsResult,
  parseWholeNumber,
  parseWireDate,
  parseRestoreHeader,
  parseXml,
  readObjectHeaders,
  truncatedWithoutMarker,
  xmlChildren,
  xmlText,
  type ListedParts,
  type ListedUploads,
  type RawObject,
  type XmlValue,
} from "@stowage/core";
import { normalizeRegion } from "./addressing.js";

export { decodeListedName };

/** An OSS `<Error>` document. */
export interface OssErrorBody {
  code?: string | undefined;
  message?: string | undefined;
  requestId?: string | undefined;
  /** OSS's detailed error code (`0026-00000001`). */
  ec?: string | undefined;
}

/** Decodes an opaque token that may come url-encoded (`+` stays `+`: tokens are base64). */
export function decodeToken(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The whole object's size from `Content-Range: bytes a-b/total`, or `Content-Length` of a full answer. @throws never */
export const objectSize: (status: number, headers: IncomingHttpHeaders) => number | undefined = objectSizeFromHeaders;

const SYSTEM_HEADERS: ReadonlyArray<[string, string]> = [
  ["objectType", "x-oss-object-type"],
  ["serverSideEncryption", "x-oss-server-side-encryption"],
  ["serverSideDataEncryption", "x-oss-server-side-data-encryption"],
  ["serverSideEncryptionKeyId", "x-oss-server-side-encryption-key-id"],
  ["versionId", "x-oss-version-id"],
  // Read by a multipart copy, which re-creates it with the object headers (CopyObject keeps them itself).
  ["contentLanguage", "content-language"],
];

/**
 * An object's metadata from HEAD/GET response headers: size, etag, content
 * type, Content-MD5 (only on a whole answer, and only when OSS states it),
 * CRC64, last modified, storage class (Standard when OSS omits it), user
 * metadata, append mode and next position for appendable objects, Cache-Control,
 * Content-Disposition, Content-Encoding and Expires (the object headers, top-level fields: core
 * `readObjectHeaders`), an archived object's restore state (`x-oss-restore`: core
 * `parseRestoreHeader`), and object type / SSE details / version id / Content-Language under
 * `system`. Never derives contentMd5 from the ETag.
 */
export function objectFromHeaders(key: string, status: number, headers: IncomingHttpHeaders): RawObject {
  const size = objectSize(status, headers);
  const appendable = headerValue(headers, "x-oss-object-type")?.toLowerCase() === "appendable";
  const raw: RawObject = { key, mode: key.endsWith("/") ? "dir" : appendable ? "append" : "file" };
  if (size !== undefined) raw.size = size;
  const etag = headerValue(headers, "etag");
  if (etag !== undefined) raw.etag = etag;
  const type = headerValue(headers, "content-type");
  if (type !== undefined) raw.contentType = type;
  const md5 = headerValue(headers, "content-md5");
  if (md5 !== undefined && status === 200) raw.contentMd5 = md5;
  const crc = headerValue(headers, "x-oss-hash-crc64ecma");
  if (crc !== undefined) raw.crc64 = crc;
  const modified = parseWireDate(headerValue(headers, "last-modified"));
  if (modified !== undefined) raw.lastModified = modified;
  raw.storageClass = headerValue(headers, "x-oss-storage-class") ?? "Standard";
  const metadata = metadataFromHeaders(headers, "x-oss-meta-");
  if (metadata !== undefined) raw.metadata = metadata;
  if (appendable) {
    const next = parseWholeNumber(headerValue(headers, "x-oss-next-append-position"));
    const offset = next ?? size;
    if (offset !== undefined) raw.appendOffset = offset;
  }
  const restore = parseRestoreHeader(headerValue(headers, "x-oss-restore"));
  if (restore !== undefined) raw.restore = restore;
  const system = headerFields(headers, SYSTEM_HEADERS);
  if (system !== undefined) raw.system = system;
  readObjectHeaders(headers, raw);
  return raw;
}

/** True when HEAD/GET headers say the key is a symlink (`x-oss-object-type: Symlink`; the other headers then describe its target). */
export function isSymlinkType(headers: IncomingHttpHeaders): boolean {
  return headerValue(headers, "x-oss-object-type")?.toLowerCase() === "symlink";
}

/**
 * The symlink `key` from a GetSymlink answer: `mode: "link"`, `linkTarget` = `/`
 * and the decoded `x-oss-symlink-target`, and the link's own ETag, date, storage
 * class and user metadata. Undefined when the answer names no target.
 */
export function linkFromHeaders(key: string, headers: IncomingHttpHeaders): RawObject | undefined {
  const target = headerValue(headers, "x-oss-symlink-target");
  if (target === undefined || target === "") return undefined;
  const raw: RawObject = { key, mode: "link", linkTarget: "/" + decodeToken(target) };
  const etag = headerValue(headers, "etag");
  if (etag !== undefined) raw.etag = etag;
  const modified = parseWireDate(headerValue(headers, "last-modified"));
  if (modified !== undefined) raw.lastModified = modified;
  const storageClass = headerValue(headers, "x-oss-storage-class");
  if (storageClass !== undefined) raw.storageClass = storageClass;
  const metadata = metadataFromHeaders(headers, "x-oss-meta-");
  if (metadata !== undefined) raw.metadata = metadata;
  raw.system = { objectType: "Symlink" };
  return raw;
}

/** The `<Error>` fields of a body, or undefined when it is no OSS error document. */
export async function parseErrorBody(body: Buffer): Promise<OssErrorBody | undefined> {
  const text = body.toString("utf8").trim();
  if (!text.includes("<Error")) return undefined;
  try {
    const doc = await parseXml(text);
    if (doc.root !== "Error") return undefined;
    const v = doc.value;
    return { code: xmlText(v, "Code"), message: xmlText(v, "Message"), requestId: xmlText(v, "RequestId"), ec: xmlText(v, "EC") };
  } catch {
    return undefined;
  }
}

/**
 * The error document of a failed response: its body, or — for HEAD, which has
 * none — the base64 `x-oss-err` header newer OSS sends (plus `x-oss-ec`).
 */
export async function errorDocument(body: Buffer, headers: IncomingHttpHeaders): Promise<OssErrorBody | undefined> {
  const fromBody = body.length > 0 ? await parseErrorBody(body) : undefined;
  if (fromBody !== undefined) return fromBody;
  const encoded = headerValue(headers, "x-oss-err");
  const fromHeader = encoded === undefined ? undefined : await parseErrorBody(Buffer.from(encoded, "base64"));
  if (fromHeader !== undefined) return fromHeader;
  const ec = headerValue(headers, "x-oss-ec");
  return ec === undefined ? undefined : { ec };
}

/** One page of ListObjectsV2. */
export interface ListObjectsPage {
  items: RawObject[];
  /** The continuation token of the next page, when truncated. */
  nextToken?: string;
}

function listedObject(c: XmlValue, name: (s: string) => string): RawObject {
  const key = name(xmlText(c, "Key") ?? "");
  const type = xmlText(c, "Type");
  const appendable = type?.toLowerCase() === "appendable";
  const link = type?.toLowerCase() === "symlink";
  const raw: RawObject = { key, mode: key.endsWith("/") ? "dir" : link ? "link" : appendable ? "append" : "file" };
  const size = link ? undefined : parseWholeNumber(xmlText(c, "Size"));
  if (size !== undefined) {
    raw.size = size;
    if (appendable) raw.appendOffset = size;
  }
  const etag = xmlText(c, "ETag");
  if (etag !== undefined) raw.etag = etag;
  const modified = parseWireDate(xmlText(c, "LastModified"));
  if (modified !== undefined) raw.lastModified = modified;
  // go-service-oss put <Type> here (`go-storage.md` §8.3 bug 5); the storage class is <StorageClass>.
  const storageClass = xmlText(c, "StorageClass");
  if (storageClass !== undefined) raw.storageClass = storageClass;
  // <RestoreInfo> states an archived object's restore in the words of the x-oss-restore header.
  const restore = parseRestoreHeader(xmlText(c, "RestoreInfo"));
  if (restore !== undefined) raw.restore = restore;
  if (type !== undefined) raw.system = { objectType: type };
  return raw;
}

/**
 * Parses `<ListBucketResult>` of ListObjectsV2 (names url-encoded when
 * `EncodingType` says so): files as `file` (`append` for appendable objects,
 * `link` without size or target for symlinks, `dir` for keys ending with `/`),
 * common prefixes as `dir` objects, all in UTF-8 byte order (core's `compareKeys`). An archived
 * object's `<RestoreInfo>` (`ongoing-request="true"`, or `"false"` with its `expiry-date`: the
 * `x-oss-restore` header's words) is its `restore`, read as stat reads that header (core
 * `parseRestoreHeader`); none without one, or with one naming no `ongoing-request`.
 * A truncated page continues only from its `NextContinuationToken` (opaque: no key can stand in).
 * @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML, is another
 *   document (an `<Error>` in a 200) or has no `IsTruncated` of `true` or `false` (core
 *   `parseListingXml`), or is truncated without a `NextContinuationToken` (the listing never ends
 *   short silently)
 */
export async function parseListObjects(body: Buffer): Promise<ListObjectsPage> {
  const { value, truncated } = await parseListingXml(body, "ListBucketResult");
  const encoded = xmlText(value, "EncodingType") === "url";
  const name = (s: string): string => (encoded ? decodeListedName(s) : s);
  const items: RawObject[] = [];
  for (const p of xmlChildren(value, "CommonPrefixes")) {
    const prefix = xmlText(p, "Prefix");
    if (prefix !== undefined) items.push({ key: name(prefix), mode: "dir" });
  }
  for (const c of xmlChildren(value, "Contents")) items.push(listedObject(c, name));
  // OSS sends objects and common prefixes as two lists, each in UTF-8 byte order; merge them in that order.
  items.sort((a, b) => compareKeys(a.key, b.key));
  if (!truncated) return { items };
  const next = xmlText(value, "NextContinuationToken");
  if (next === undefined || next === "") throw truncatedWithoutMarker("objects", "it gave no NextContinuationToken");
  return { items, nextToken: encoded ? decodeToken(next) : next };
}

/** The UploadId of `<InitiateMultipartUploadResult>`. @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML */
export async function parseInitiate(body: Buffer): Promise<string | undefined> {
  const { root, value } = await parseXml(body);
  return root === "InitiateMultipartUploadResult" ? xmlText(value, "UploadId") : undefined;
}

/** ETag and date of a `<CompleteMultipartUploadResult>`, `<CopyObjectResult>` or `<CopyPartResult>`; undefined for another document. @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML */
export async function parseResultEtag(body: Buffer, expectedRoot: string): Promise<{ etag?: string; lastModified?: Date } | undefined> {
  const { root, value } = await parseXml(body);
  if (root !== expectedRoot) return undefined;
  const out: { etag?: string; lastModified?: Date } = {};
  const etag = xmlText(value, "ETag");
  if (etag !== undefined) out.etag = etag;
  const modified = parseWireDate(xmlText(value, "LastModified"));
  if (modified !== undefined) out.lastModified = modified;
  return out;
}

/** The parts of `<ListPartsResult>` (index = PartNumber - 1), with their CRC64. @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML or not a whole `<ListPartsResult>` (core `parseListPartsResult`) */
export function parseListParts(body: Buffer): Promise<ListedParts> {
  return parseListPartsResult(body, "HashCrc64ecma");
}

/** In-progress uploads of `<ListMultipartUploadsResult>` as `part` objects, and the next markers. @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML or not a whole `<ListMultipartUploadsResult>` (core `parseListUploadsResult`) */
export const parseListUploads: (body: Buffer) => Promise<ListedUploads> = parseListUploadsResult;

/**
 * Buckets of `<ListAllMyBucketsResult>` (region without `oss-`), and the next marker when truncated
 * (an absent `IsTruncated` is the last page: OSS sends it only when it pages).
 * @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML, is another
 *   document (an `<Error>` in a 200), has an `IsTruncated` neither `true` nor `false`, or is truncated without a `NextMarker`
 */
export async function parseListBuckets(body: Buffer): Promise<{ items: { name: string; location?: string }[]; nextMarker?: string }> {
  const { value, truncated } = await parseListingXml(body, "ListAllMyBucketsResult", "optional");
  const buckets = xmlChildren(value, "Buckets")[0];
  const items = xmlChildren(buckets, "Bucket").map((b) => {
    const location = normalizeRegion(xmlText(b, "Region") || xmlText(b, "Location"));
    return { name: xmlText(b, "Name") ?? "", ...(location ? { location } : {}) };
  });
  if (!truncated) return { items };
  const next = xmlText(value, "NextMarker");
  if (next === undefined || next === "") throw truncatedWithoutMarker("buckets", "it gave no NextMarker");
  return { items, nextMarker: next };
}
