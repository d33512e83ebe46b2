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
  storageError,
  ErrorCode,
  truncatedWithoutMarker,
  xmlChildren,
  xmlText,
  type ListedParts,
  type ListedUploads,
  type RawObject,
  type XmlValue,
} from "@stowage/core";

export { decodeListedName };

/** A COS `<Error>` document. */
export interface CosErrorBody {
  code?: string | undefined;
  message?: string | undefined;
  requestId?: string | undefined;
}

/** The whole object's size from `Content-Range: bytes a-b/total`, or `Content-Length` of a full answer. @throws never */
export const objectSize: (status: number, headers: IncomingHttpHeaders) => number | undefined = objectSizeFromHeaders;

/** The `system` fields of an object's headers (see {@link objectFromHeaders}): [field, header]. */
const SYSTEM_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["objectType", "x-cos-object-type"],
  ["serverSideEncryption", "x-cos-server-side-encryption"],
  ["serverSideEncryptionCosKmsKeyId", "x-cos-server-side-encryption-cos-kms-key-id"],
  ["serverSideEncryptionCustomerAlgorithm", "x-cos-server-side-encryption-customer-algorithm"],
  ["versionId", "x-cos-version-id"],
  // Read by a multipart copy, which re-creates it with the object headers (PUT Object - Copy keeps them itself).
  ["contentLanguage", "content-language"],
  ["restoreStatus", "x-cos-restore-status"],
];

/**
 * An object's metadata from HEAD/GET response headers: size, etag, content
 * type, CRC64, last modified, storage class (STANDARD when COS omits it),
 * user metadata, append mode and offset for appendable objects, Cache-Control,
 * Content-Disposition, Content-Encoding and Expires (the object headers, top-level fields: core
 * `readObjectHeaders`), an archived object's restore state (`x-cos-restore`: core
 * `parseRestoreHeader`), and the object type, SSE details, version id, Content-Language and the
 * restore's tier and date (`x-cos-restore-status`, while it is under way) under `system`. Never
 * derives contentMd5 from the ETag.
 */
export function objectFromHeaders(key: string, status: number, headers: IncomingHttpHeaders): RawObject {
  const size = objectSize(status, headers);
  const appendable = headerValue(headers, "x-cos-object-type")?.toLowerCase() === "appendable";
  const raw: RawObject = { key, mode: key.endsWith("/") ? "dir" : appendable ? "append" : "file" };
  if (size !== undefined) raw.size = size;
  const etag = headerValue(headers, "etag");
  if (etag !== undefined) raw.etag = etag;
  const type = headerValue(headers, "content-type");
  if (type !== undefined) raw.contentType = type;
  const crc = headerValue(headers, "x-cos-hash-crc64ecma");
  if (crc !== undefined) raw.crc64 = crc;
  const modified = parseWireDate(headerValue(headers, "last-modified"));
  if (modified !== undefined) raw.lastModified = modified;
  raw.storageClass = headerValue(headers, "x-cos-storage-class") ?? "STANDARD";
  const metadata = metadataFromHeaders(headers, "x-cos-meta-");
  if (metadata !== undefined) raw.metadata = metadata;
  if (appendable && size !== undefined) raw.appendOffset = size;
  const restore = parseRestoreHeader(headerValue(headers, "x-cos-restore"));
  if (restore !== undefined) raw.restore = restore;
  const system = headerFields(headers, SYSTEM_HEADERS);
  if (system !== undefined) raw.system = system;
  readObjectHeaders(headers, raw);
  return raw;
}

/** The `<Error>` fields of a body, or undefined when it is no COS error document. */
export async function parseErrorBody(body: Buffer): Promise<CosErrorBody | undefined> {
  const text = body.toString("utf8").trim();
  if (!text.includes("<Error")) return undefined;
  try {
    const doc = await parseXml(text);
    if (doc.root !== "Error") return undefined;
    return { code: xmlText(doc.value, "Code"), message: xmlText(doc.value, "Message"), requestId: xmlText(doc.value, "RequestId") };
  } catch {
    return undefined;
  }
}

/** One page of GET Bucket. */
export interface ListObjectsPage {
  items: RawObject[];
  /** Where the next page starts (a decoded key), when truncated. */
  nextMarker?: string;
}

/**
 * Parses `<ListBucketResult>` (names url-encoded): files as `file` objects
 * (`dir`, with their size, for keys ending with `/`), common prefixes as `dir` objects.
 * A truncated page continues from `NextMarker`, else after its last entry (COS lists
 * in key order, so that is where the page ended).
 * @throws StorageError `Unexpected` (retryable): the body is not well-formed XML, is another
 *   document (an `<Error>` in a 200) or has no `IsTruncated` of `true` or `false` (core
 *   `parseListingXml`), or is truncated with no `NextMarker` and no entry (the listing never ends
 *   short silently), or with a `NextMarker` before the page's last entry (a damaged answer, whose
 *   next page would repeat keys)
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
  // Key (UTF-8 byte) order, as COS and every other driver list: not UTF-16 code units.
  items.sort((a, b) => compareKeys(a.key, b.key));
  if (!truncated) return { items };
  const next = xmlText(value, "NextMarker");
  const last = items[items.length - 1]?.key;
  const marker = next !== undefined && next !== "" ? name(next) : last;
  if (marker === undefined) throw truncatedWithoutMarker("objects");
  // The next page starts after this one: a NextMarker before the page's last key or prefix would
  // list some again (a body damaged on the way). One past it is not refused: S3-style servers
  // name a key inside a rolled-up prefix, or past keys they skipped, as their NextMarker.
  if (last !== undefined && compareKeys(marker, last) < 0) {
    throw storageError(ErrorCode.Unexpected, "the service said the objects listing continues from before this page's last entry (NextMarker goes back): the answer may be damaged", { retryable: true });
  }
  return { items, nextMarker: marker };
}

function listedObject(c: XmlValue, name: (s: string) => string): RawObject {
  const key = name(xmlText(c, "Key") ?? "");
  const raw: RawObject = { key, mode: key.endsWith("/") ? "dir" : "file" };
  const size = parseWholeNumber(xmlText(c, "Size"));
  if (size !== undefined) raw.size = size;
  const etag = xmlText(c, "ETag");
  if (etag !== undefined) raw.etag = etag;
  const modified = parseWireDate(xmlText(c, "LastModified"));
  if (modified !== undefined) raw.lastModified = modified;
  const storageClass = xmlText(c, "StorageClass");
  if (storageClass !== undefined) raw.storageClass = storageClass;
  return raw;
}

/** The UploadId of `<InitiateMultipartUploadResult>`. */
export async function parseInitiate(body: Buffer): Promise<string | undefined> {
  const { root, value } = await parseXml(body);
  return root === "InitiateMultipartUploadResult" ? xmlText(value, "UploadId") : undefined;
}

/** ETag (and CRC64, when present) of a `<CompleteMultipartUploadResult>`, `<CopyObjectResult>` or `<CopyPartResult>`. */
export async function parseResultEtag(body: Buffer, expectedRoot: string): Promise<{ etag?: string; crc64?: string; lastModified?: Date } | undefined> {
  const { root, value } = await parseXml(body);
  if (root !== expectedRoot) return undefined;
  const out: { etag?: string; crc64?: string; lastModified?: Date } = {};
  const etag = xmlText(value, "ETag");
  if (etag !== undefined) out.etag = etag;
  const crc = xmlText(value, "CRC64");
  if (crc !== undefined && crc !== "") out.crc64 = crc;
  const modified = parseWireDate(xmlText(value, "LastModified"));
  if (modified !== undefined) out.lastModified = modified;
  return out;
}

/** The parts of `<ListPartsResult>` (index = PartNumber - 1). @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML or not a whole `<ListPartsResult>` (core `parseListPartsResult`) */
export function parseListParts(body: Buffer): Promise<ListedParts> {
  return parseListPartsResult(body);
}

/** In-progress uploads of `<ListMultipartUploadsResult>` as `part` objects, and the next markers. @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML or not a whole `<ListMultipartUploadsResult>` (core `parseListUploadsResult`) */
export const parseListUploads: (body: Buffer) => Promise<ListedUploads> = parseListUploadsResult;

/**
 * Keys a `<DeleteResult>` reports as failed, with their codes; undefined when the body is another
 * document (an `<Error>`: nothing says what was deleted).
 * @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML (or empty)
 */
export async function parseDeleteErrors(body: Buffer): Promise<Array<{ key: string; code: string; message: string }> | undefined> {
  const { root, value } = await parseXml(body);
  if (root !== "DeleteResult") return undefined;
  return xmlChildren(value, "Error").map((e) => ({ key: xmlText(e, "Key") ?? "", code: xmlText(e, "Code") ?? "", message: xmlText(e, "Message") ?? "" }));
}

/**
 * Buckets of `<ListAllMyBucketsResult>`, and the next marker (`NextMarker`) when truncated (an
 * absent `IsTruncated` is the last page: GET Service without a marker may leave it out).
 * @throws StorageError `Unexpected` (retryable): not well-formed XML, another document (an
 *   `<Error>` in a 200), an `IsTruncated` neither `true` nor `false`, or truncated without a `NextMarker`
 */
export async function parseListBuckets(body: Buffer): Promise<{ items: { name: string; location?: string }[]; nextMarker?: string }> {
  const { value, truncated } = await parseListingXml(body, "ListAllMyBucketsResult", "optional");
  const buckets = xmlChildren(value, "Buckets")[0];
  const items = xmlChildren(buckets, "Bucket").map((b) => {
    const location = xmlText(b, "Location");
    return { name: xmlText(b, "Name") ?? "", ...(location ? { location } : {}) };
  });
  if (!truncated) return { items };
  const next = xmlText(value, "NextMarker");
  if (next === undefined || next === "") throw truncatedWithoutMarker("buckets", "it gave no NextMarker");
  return { items, nextMarker: next };
}
