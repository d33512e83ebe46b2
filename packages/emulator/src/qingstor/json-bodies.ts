import { quoteEtag } from "../common/responses.js";
import type { ListPage } from "../store/listing.js";
import type { ListUploadsPage } from "../store/upload-listing.js";
import type { StoredBucket, StoredObject, StoredPart, StoredUpload } from "../store/types.js";

/** The owner every listing reports. */
export const QS_OWNER = { id: "usr-emulator", name: "stowage-emulator" };

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** ListBuckets (GET /). */
export function listBucketsJson(buckets: readonly StoredBucket[], count: number, baseUrl: string): unknown {
  return {
    count,
    buckets: buckets.map((b) => ({ name: b.name, location: b.region, url: `${baseUrl}/${b.name}`, created: iso(b.created) })),
  };
}

/** Inputs echoed by ListObjects. */
export interface QsListEcho {
  bucket: string;
  prefix: string;
  delimiter: string;
  marker: string;
  limit: number;
}

/** ListObjects. */
export function listObjectsJson(echo: QsListEcho, page: ListPage, objects: readonly StoredObject[]): unknown {
  return {
    name: echo.bucket,
    owner: QS_OWNER,
    prefix: echo.prefix,
    delimiter: echo.delimiter,
    limit: echo.limit,
    marker: echo.marker,
    next_marker: page.isTruncated ? (page.nextMarker ?? "") : "",
    has_more: page.isTruncated,
    common_prefixes: page.commonPrefixes,
    keys: objects.map((o) => ({
      key: o.key,
      mime_type: o.contentType,
      etag: o.etag === "" ? "" : quoteEtag(o.etag),
      size: o.size,
      modified: Math.floor(o.lastModified / 1000),
      created: iso(o.lastModified),
      encrypted: o.sse !== undefined,
      storage_class: o.storageClass,
    })),
  };
}

/** InitiateMultipartUpload. */
export function initiateJson(u: StoredUpload): unknown {
  return { bucket: u.bucket, key: u.key, upload_id: u.uploadId };
}

/** ListMultipart (parts of one upload). */
export function listPartsJson(parts: readonly StoredPart[]): unknown {
  return {
    count: parts.length,
    object_parts: parts.map((p) => ({ part_number: p.partNumber, size: p.size, etag: quoteEtag(p.etag), created: iso(p.lastModified) })),
  };
}

/** Inputs echoed by ListMultipartUploads. */
export interface QsUploadsEcho {
  bucket: string;
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  limit: number;
}

/** ListMultipartUploads. */
export function listUploadsJson(echo: QsUploadsEcho, page: ListUploadsPage): unknown {
  return {
    name: echo.bucket,
    prefix: echo.prefix,
    delimiter: echo.delimiter,
    limit: echo.limit,
    marker: echo.keyMarker,
    next_key_marker: page.nextKeyMarker ?? "",
    next_upload_id_marker: page.nextUploadIdMarker ?? "",
    has_more: page.isTruncated,
    common_prefixes: page.commonPrefixes,
    uploads: page.uploads.map((u) => ({ key: u.key, upload_id: u.uploadId, created: iso(u.initiated), storage_class: u.attrs.storageClass })),
  };
}
