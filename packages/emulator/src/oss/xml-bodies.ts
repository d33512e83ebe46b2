import { strictEncode } from "../common/encoding.js";
import { restoreHeaderValue } from "../common/restore-state.js";
import { el, renderXml, type XmlElement } from "../common/xml.js";
import type { ListPage } from "../store/listing.js";
import type { ListUploadsPage } from "../store/upload-listing.js";
import type { StoredBucket, StoredObject, StoredPart, StoredUpload } from "../store/types.js";
import { ossEtag, ossObjectType } from "./object-headers.js";

/** The owner every listing reports. */
export const OSS_OWNER_ID = "1000000000000001";

/** A time as the service's XML gives it: ISO 8601 to the whole second (`2019-04-24T11:52:30.000Z`), the second HEAD's Last-Modified names. */
const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString();
const owner = (): XmlElement => el("Owner", el("ID", OSS_OWNER_ID), el("DisplayName", OSS_OWNER_ID));

function encoder(encodingType: string | undefined): (s: string | undefined) => string | undefined {
  return encodingType === "url" ? (s) => (s === undefined ? undefined : strictEncode(s)) : (s) => s;
}

/** The paging of a GetService answer. */
export interface BucketsPageEcho {
  prefix: string;
  marker: string;
  maxKeys: number;
  /** Set when more buckets follow: the last name on this page. */
  nextMarker?: string;
}

/** GetService (ListBuckets). */
export function listBucketsXml(buckets: readonly StoredBucket[], page: BucketsPageEcho): string {
  return renderXml(
    el(
      "ListAllMyBucketsResult",
      el("Prefix", page.prefix),
      el("Marker", page.marker),
      el("MaxKeys", String(page.maxKeys)),
      el("IsTruncated", page.nextMarker === undefined ? "false" : "true"),
      page.nextMarker === undefined ? [] : el("NextMarker", page.nextMarker),
      owner(),
      el(
        "Buckets",
        buckets.map((b) =>
          el("Bucket", el("CreationDate", iso(b.created)), el("ExtranetEndpoint", `oss-${b.region}.aliyuncs.com`), el("IntranetEndpoint", `oss-${b.region}-internal.aliyuncs.com`), el("Location", `oss-${b.region}`), el("Name", b.name), el("Region", b.region), el("StorageClass", "Standard")),
        ),
      ),
    ),
  );
}

/** GetBucketInfo. */
export function bucketInfoXml(b: StoredBucket): string {
  return renderXml(
    el("BucketInfo", el("Bucket", el("CreationDate", iso(b.created)), el("ExtranetEndpoint", `oss-${b.region}.aliyuncs.com`), el("Location", `oss-${b.region}`), el("Name", b.name), owner(), el("StorageClass", "Standard"))),
  );
}

/** Inputs echoed by a listing. */
export interface OssListEcho {
  bucket: string;
  prefix: string;
  delimiter: string;
  maxKeys: number;
  encodingType?: string;
  /** V1 only. */
  marker?: string;
  /** V2 only. */
  v2?: { continuationToken?: string; startAfter?: string; nextToken?: string; fetchOwner: boolean };
}

/**
 * ListObjects (V1) and ListObjectsV2 results. An archived object's restore at `now` is its
 * `<RestoreInfo>`, the text `x-oss-restore` would carry (`ongoing-request="true"`, or `"false"` with
 * the copy's `expiry-date`: OSS's ListObjectsV2 page, which places it after `StorageClass`); none
 * without a restore or once its copy expired.
 */
export function listObjectsXml(echo: OssListEcho, page: ListPage, objects: readonly StoredObject[], now: number): string {
  const enc = encoder(echo.encodingType);
  const v2 = echo.v2;
  const withOwner = v2 === undefined || v2.fetchOwner;
  return renderXml(
    el(
      "ListBucketResult",
      el("Name", echo.bucket),
      el("Prefix", enc(echo.prefix)),
      v2 === undefined ? el("Marker", enc(echo.marker ?? "")) : undefined,
      v2?.continuationToken !== undefined ? el("ContinuationToken", v2.continuationToken) : undefined,
      v2?.startAfter !== undefined ? el("StartAfter", enc(v2.startAfter)) : undefined,
      el("MaxKeys", echo.maxKeys),
      el("Delimiter", enc(echo.delimiter)),
      echo.encodingType ? el("EncodingType", echo.encodingType) : undefined,
      el("IsTruncated", page.isTruncated),
      v2 === undefined && page.isTruncated ? el("NextMarker", enc(page.nextMarker ?? "")) : undefined,
      v2 !== undefined && page.isTruncated ? el("NextContinuationToken", v2.nextToken) : undefined,
      v2 !== undefined ? el("KeyCount", page.keys.length + page.commonPrefixes.length) : undefined,
      objects.map((o) =>
        el("Contents", el("Key", enc(o.key)), el("LastModified", iso(o.lastModified)), el("ETag", ossEtag(o.etag)), el("Type", ossObjectType(o)), el("Size", o.size), el("StorageClass", o.storageClass), restoreInfo(o, now), withOwner ? owner() : undefined),
      ),
      page.commonPrefixes.map((p) => el("CommonPrefixes", el("Prefix", enc(p)))),
    ),
  );
}

/** The `<RestoreInfo>` of a listed object at `now`, or nothing without a restore state. */
function restoreInfo(o: StoredObject, now: number): XmlElement | undefined {
  const value = restoreHeaderValue(o, now);
  return value === undefined ? undefined : el("RestoreInfo", value);
}

/** DeleteMultipleObjects result. */
export function deleteResultXml(deleted: readonly string[], encodingType: string | undefined): string {
  const enc = encoder(encodingType);
  return renderXml(el("DeleteResult", encodingType ? el("EncodingType", encodingType) : undefined, deleted.map((k) => el("Deleted", el("Key", enc(k))))));
}

/** CopyObject / UploadPartCopy result. */
export function copyResultXml(etag: string, lastModified: number, tag = "CopyObjectResult"): string {
  return renderXml(el(tag, el("ETag", ossEtag(etag)), el("LastModified", iso(lastModified))));
}

/** InitiateMultipartUpload result. */
export function initiateXml(u: StoredUpload): string {
  return renderXml(el("InitiateMultipartUploadResult", el("Bucket", u.bucket), el("Key", u.key), el("UploadId", u.uploadId)));
}

/** CompleteMultipartUpload result. */
export function completeXml(location: string, bucket: string, o: StoredObject): string {
  return renderXml(el("CompleteMultipartUploadResult", el("Location", location), el("Bucket", bucket), el("Key", o.key), el("ETag", ossEtag(o.etag))));
}

/** ListParts result. */
export function listPartsXml(u: StoredUpload, marker: number, maxParts: number, r: { parts: StoredPart[]; isTruncated: boolean; nextMarker?: number }): string {
  return renderXml(
    el(
      "ListPartsResult",
      el("Bucket", u.bucket),
      el("Key", u.key),
      el("UploadId", u.uploadId),
      el("PartNumberMarker", marker),
      el("NextPartNumberMarker", r.nextMarker ?? r.parts[r.parts.length - 1]?.partNumber ?? marker),
      el("MaxParts", maxParts),
      el("IsTruncated", r.isTruncated),
      el("StorageClass", u.attrs.storageClass),
      r.parts.map((p) =>
        el("Part", el("PartNumber", p.partNumber), el("LastModified", iso(p.lastModified)), el("ETag", ossEtag(p.etag)), p.crc64 !== undefined ? el("HashCrc64ecma", p.crc64) : undefined, el("Size", p.size)),
      ),
    ),
  );
}

/** Inputs echoed by ListMultipartUploads. */
export interface OssUploadsEcho {
  bucket: string;
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  maxUploads: number;
  /** `url`: keys, markers, prefixes and the delimiter are URL-encoded, and `<EncodingType>` says so. */
  encodingType?: string | undefined;
}

/** ListMultipartUploads result (encoded as ListObjects is, with `encoding-type=url`). */
export function listUploadsXml(echo: OssUploadsEcho, page: ListUploadsPage): string {
  const enc = encoder(echo.encodingType);
  return renderXml(
    el(
      "ListMultipartUploadsResult",
      el("Bucket", echo.bucket),
      echo.encodingType ? el("EncodingType", echo.encodingType) : undefined,
      el("KeyMarker", enc(echo.keyMarker)),
      el("UploadIdMarker", echo.uploadIdMarker),
      el("NextKeyMarker", enc(page.nextKeyMarker ?? "")),
      el("NextUploadIdMarker", page.nextUploadIdMarker ?? ""),
      el("Delimiter", enc(echo.delimiter)),
      el("Prefix", enc(echo.prefix)),
      el("MaxUploads", echo.maxUploads),
      el("IsTruncated", page.isTruncated),
      page.uploads.map((u) => el("Upload", el("Key", enc(u.key)), el("UploadId", u.uploadId), el("Initiated", iso(u.initiated)))),
      page.commonPrefixes.map((p) => el("CommonPrefixes", el("Prefix", enc(p)))),
    ),
  );
}
