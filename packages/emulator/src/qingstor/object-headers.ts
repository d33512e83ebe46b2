import type { AttributeNames } from "../common/object-attributes.js";
import { standardObjectHeaders, validateKey } from "../common/object-attributes.js";
import { ProtocolError } from "../common/protocol-error.js";
import { quoteEtag } from "../common/responses.js";
import { readSseC } from "../common/sse-c.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { ObjectAttributes, StoredObject, StoredSse } from "../store/types.js";

/** QingStor attribute header names and limits. */
export const QS_ATTRIBUTES: AttributeNames = {
  metaPrefix: "x-qs-meta-",
  storageClassHeader: "x-qs-storage-class",
  defaultStorageClass: "STANDARD",
  maxMetadataBytes: 2048,
};

/** SSE-C request header prefix. */
export const QS_SSEC = "x-qs-encryption-customer-";
/** SSE-C copy-source header prefix. */
export const QS_COPY_SSEC = "x-qs-copy-source-encryption-customer-";

/**
 * Keys are 1..1023 bytes and must not start with `/`.
 * @throws ProtocolError `InvalidObjectName`, `KeyTooLong`
 */
export function validateQsKey(key: string): void {
  validateKey(key, 1023);
  if (key.startsWith("/")) throw new ProtocolError("InvalidObjectName", "The object name must not start with /.");
}

/**
 * Reads SSE-C for a write (QingStor's only SSE mode). Such objects get an ETag
 * that is not the content MD5.
 * @throws ProtocolError `InvalidArgument`, `InsecureTransport` (over http)
 */
export function readQsSse(ex: Exchange): StoredSse | undefined {
  const c = readSseC(ex, QS_SSEC);
  return c === undefined ? undefined : { algorithm: c.algorithm, customerKeyMd5: c.keyMd5, sealedEtag: true };
}

/**
 * `attrs` without the content headers besides Content-Type (Cache-Control, Content-Disposition,
 * Content-Encoding, Content-Language, Expires): what InitiateMultipartUpload and AppendObject store,
 * as QingStor documents none of them on either (`protocols.md` §3.3; PutObject takes Cache-Control
 * and Content-Encoding).
 */
export function withoutContentHeaders(attrs: ObjectAttributes): ObjectAttributes {
  const { cacheControl: _c, contentDisposition: _d, contentEncoding: _e, contentLanguage: _l, expires: _x, ...kept } = attrs;
  return kept;
}

/**
 * `attrs` without Content-Language, which a copy's REPLACE does not store: QingStor's modifiable
 * metadata are Cache-Control, Content-Disposition, Content-Encoding, Content-Type, Expires and `x-qs-meta-*`.
 */
export function withoutContentLanguage(attrs: ObjectAttributes): ObjectAttributes {
  const { contentLanguage: _l, ...kept } = attrs;
  return kept;
}

/** The `x-qs-storage-class` of a request (upper-cased, as PutObject stores it), STANDARD without one. */
export function qsStorageClass(ex: Exchange): string {
  return (header(ex, QS_ATTRIBUTES.storageClassHeader) || QS_ATTRIBUTES.defaultStorageClass).toUpperCase();
}

/** SSE response headers. */
export function qsSseHeaders(sse: StoredSse | undefined): Record<string, string> {
  if (sse?.customerKeyMd5 === undefined) return {};
  return { "x-qs-encryption-customer-algorithm": sse.algorithm, "x-qs-encryption-customer-key-md5": sse.customerKeyMd5 };
}

/** Headers of an object on GET/HEAD (no `ETag` for an object that has none). */
export function qsObjectHeaders(o: StoredObject): Record<string, string> {
  const h = standardObjectHeaders(o, QS_ATTRIBUTES.metaPrefix, o.etag === "" ? undefined : quoteEtag(o.etag));
  h["x-qs-storage-class"] = o.storageClass;
  h["x-qs-object-type"] = o.kind === "appendable" ? "appendable" : "normal";
  if (o.kind === "appendable") h["x-qs-next-append-position"] = String(o.size);
  return { ...h, ...qsSseHeaders(o.sse) };
}
