import { strictEncode } from "../common/encoding.js";
import { quoteEtag } from "../common/responses.js";
import { el, renderXml, type XmlElement } from "../common/xml.js";
import type { ListPage } from "../store/listing.js";
import type { ListUploadsPage } from "../store/upload-listing.js";
import type { StoredBucket, StoredObject, StoredPart, StoredUpload } from "../store/types.js";

/** The owner every listing reports (COS CAM style). */
export const COS_OWNER_ID = "qcs::cam::uin/100000000001:uin/100000000001";

/** A time as the service's XML gives it: ISO 8601 to the whole second (`2019-04-24T11:52:30.000Z`), the second HEAD's Last-Modified names. */
const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString();

function owner(tag = "Owner"): XmlElement {
  return el(tag, el("ID", COS_OWNER_ID), el("DisplayName", "100000000001"));
}

/** `encoding-type=url` applies to names in listings. */
function encoder(encodingType: string | undefined): (s: string | undefined) => string | undefined {
  return encodingType === "url" ? (s) => (s === undefined ? undefined : strictEncode(s)) : (s) => s;
}

/** The paging a GET Service answer echoes: the marker asked for, the page size, and where the next page starts. */
export interface BucketsPageEcho {
  marker: string;
  maxKeys: number;
  /** Present when truncated. */
  nextMarker?: string;
}

/** GET Service (one page of buckets). */
export function listBucketsXml(buckets: readonly StoredBucket[], page: BucketsPageEcho): string {
  return renderXml(
    el(
      "ListAllMyBucketsResult",
      owner(),
      el("Buckets", buckets.map((b) => el("Bucket", el("Name", b.name), el("Location", b.region), el("CreationDate", iso(b.created)), el("BucketType", "cos")))),
      el("Marker", page.marker),
      el("MaxKeys", String(page.maxKeys)),
      el("IsTruncated", page.nextMarker === undefined ? "false" : "true"),
      page.nextMarker === undefined ? undefined : el("NextMarker", page.nextMarker),
    ),
  );
}

/** Inputs echoed by a listing. */
export interface ListEcho {
  bucket: string;
  prefix: string;
  delimiter: string;
  marker: string;
  maxKeys: number;
  encodingType?: string;
}

/** GET Bucket (list objects). */
export function listObjectsXml(echo: ListEcho, page: ListPage, objects: readonly StoredObject[]): string {
  const enc = encoder(echo.encodingType);
  return renderXml(
    el(
      "ListBucketResult",
      el("Name", echo.bucket),
      echo.encodingType ? el("EncodingType", echo.encodingType) : undefined,
      el("Prefix", enc(echo.prefix)),
      el("Marker", enc(echo.marker)),
      el("MaxKeys", echo.maxKeys),
      echo.delimiter ? el("Delimiter", enc(echo.delimiter)) : undefined,
      el("IsTruncated", page.isTruncated),
      page.isTruncated ? el("NextMarker", enc(page.nextMarker ?? "")) : undefined,
      page.commonPrefixes.map((p) => el("CommonPrefixes", el("Prefix", enc(p)))),
      objects.map((o) =>
        el("Contents", el("Key", enc(o.key)), el("LastModified", iso(o.lastModified)), el("ETag", quoteEtag(o.etag)), el("Size", o.size), owner(), el("StorageClass", o.storageClass)),
      ),
    ),
  );
}

/** POST ?delete result. */
export function deleteResultXml(deleted: readonly string[], errors: readonly { key: string; code: string; message: string }[]): string {
  return renderXml(
    el(
      "DeleteResult",
      deleted.map((k) => el("Deleted", el("Key", k))),
      errors.map((e) => el("Error", el("Key", e.key), el("Code", e.code), el("Message", e.message))),
    ),
  );
}

/** PUT Object - Copy result. */
export function copyResultXml(o: StoredObject, tag = "CopyObjectResult"): string {
  return renderXml(el(tag, el("ETag", quoteEtag(o.etag)), el("LastModified", iso(o.lastModified)), o.crc64 !== undefined ? el("CRC64", o.crc64) : undefined));
}

/** Upload Part - Copy result: ETag and LastModified (the part's CRC-64 goes in the `x-cos-hash-crc64ecma` header, as `protocols.md` §1.5 has it; cos-go-sdk-v5's CopyPartResult has no CRC field). */
export function copyPartResultXml(p: StoredPart): string {
  return renderXml(el("CopyPartResult", el("ETag", quoteEtag(p.etag)), el("LastModified", iso(p.lastModified))));
}

/** Initiate Multipart Upload result. */
export function initiateXml(u: StoredUpload): string {
  return renderXml(el("InitiateMultipartUploadResult", el("Bucket", u.bucket), el("Key", u.key), el("UploadId", u.uploadId)));
}

/** Complete Multipart Upload result. */
export function completeXml(location: string, bucket: string, o: StoredObject): string {
  return renderXml(el("CompleteMultipartUploadResult", el("Location", location), el("Bucket", bucket), el("Key", o.key), el("ETag", quoteEtag(o.etag))));
}

/** List Parts result. */
export function listPartsXml(
  u: StoredUpload,
  marker: number,
  maxParts: number,
  r: { parts: StoredPart[]; isTruncated: boolean; nextMarker?: number },
  encodingType?: string,
): string {
  const enc = encoder(encodingType);
  return renderXml(
    el(
      "ListPartsResult",
      el("Bucket", u.bucket),
      encodingType ? el("Encoding-type", encodingType) : undefined,
      el("Key", enc(u.key)),
      el("UploadId", u.uploadId),
      owner("Initiator"),
      owner(),
      el("StorageClass", u.attrs.storageClass),
      el("PartNumberMarker", marker),
      el("NextPartNumberMarker", r.nextMarker ?? r.parts[r.parts.length - 1]?.partNumber ?? marker),
      el("MaxParts", maxParts),
      el("IsTruncated", r.isTruncated),
      r.parts.map((p) => el("Part", el("PartNumber", p.partNumber), el("LastModified", iso(p.lastModified)), el("ETag", quoteEtag(p.etag)), el("Size", p.size))),
    ),
  );
}

/** Inputs echoed by List Multipart Uploads. */
export interface UploadsEcho {
  bucket: string;
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  maxUploads: number;
  encodingType?: string;
}

/** List Multipart Uploads result (note COS's `CommonPrefixs` spelling). */
export function listUploadsXml(echo: UploadsEcho, page: ListUploadsPage): string {
  const enc = encoder(echo.encodingType);
  return renderXml(
    el(
      "ListMultipartUploadsResult",
      el("Bucket", echo.bucket),
      echo.encodingType ? el("Encoding-Type", echo.encodingType) : undefined,
      el("KeyMarker", enc(echo.keyMarker)),
      el("UploadIdMarker", echo.uploadIdMarker),
      el("NextKeyMarker", enc(page.nextKeyMarker ?? "")),
      el("NextUploadIdMarker", page.nextUploadIdMarker ?? ""),
      el("MaxUploads", echo.maxUploads),
      el("IsTruncated", page.isTruncated),
      el("Prefix", enc(echo.prefix)),
      el("Delimiter", enc(echo.delimiter)),
      page.uploads.map((u) =>
        el("Upload", el("Key", enc(u.key)), el("UploadId", u.uploadId), el("StorageClass", u.attrs.storageClass), owner("Initiator"), owner(), el("Initiated", iso(u.initiated))),
      ),
      page.commonPrefixes.map((p) => el("CommonPrefixs", el("Prefix", enc(p)))),
    ),
  );
}
