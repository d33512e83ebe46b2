import type { RawObject } from "../driver/storage-driver.js";
import type { Part } from "../object/object-info.js";
import { xmlChildren, xmlDate, xmlInt, xmlText } from "../http/xml.js";
import { decodeListedName } from "./listed-name.js";
import { parseListingXml } from "./listing-document.js";
import { truncatedWithoutMarker } from "./truncated-page.js";

/** A page of `<ListPartsResult>`: the parts (0-based indexes) and the next part-number marker. */
export interface ListedParts {
  items: Part[];
  nextMarker?: string;
}

/** A page of `<ListMultipartUploadsResult>`: uploads as `part` objects and the next markers. */
export interface ListedUploads {
  items: RawObject[];
  next?: { keyMarker: string; uploadIdMarker: string };
}

/**
 * The parts of an S3-style `<ListPartsResult>` (COS, OSS): PartNumber n becomes
 * index n - 1, with size, ETag, last modification and, when the service lists
 * one in element `crc64Element`, the part's CRC-64. A truncated page without
 * `NextPartNumberMarker` continues after its last part.
 * @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML, is another
 *   document (an `<Error>`: see {@link parseListingXml}) or has no `IsTruncated` of `true` or
 *   `false`, or is a truncated page with neither a marker nor a part to continue after.
 */
export async function parseListPartsResult(body: Buffer, crc64Element?: string): Promise<ListedParts> {
  const { value, truncated } = await parseListingXml(body, "ListPartsResult");
  const items: Part[] = [];
  for (const p of xmlChildren(value, "Part")) {
    const number = xmlInt(p, "PartNumber");
    if (number === undefined || number < 1) continue;
    const part: Part = { index: number - 1, size: xmlInt(p, "Size") ?? 0, etag: xmlText(p, "ETag") ?? "" };
    const crc = crc64Element === undefined ? undefined : xmlText(p, crc64Element);
    if (crc !== undefined && crc !== "") part.crc64 = crc;
    const modified = xmlDate(p, "LastModified");
    if (modified !== undefined) part.lastModified = modified;
    items.push(part);
  }
  if (!truncated) return { items };
  const marker = xmlText(value, "NextPartNumberMarker");
  const last = items[items.length - 1];
  if ((marker === undefined || marker === "") && last === undefined) throw truncatedWithoutMarker("parts");
  return { items, nextMarker: marker !== undefined && marker !== "" ? marker : String(last!.index + 1) };
}

/**
 * The in-progress uploads of an S3-style `<ListMultipartUploadsResult>` (COS,
 * OSS) as `part` objects, keys url-decoded when the answer says it encoded them
 * (`Encoding-Type` or `EncodingType`). A truncated page without next markers
 * continues after its last upload.
 * @throws StorageError `Unexpected` (retryable) when the body is not well-formed XML, is another
 *   document (an `<Error>`: see {@link parseListingXml}) or has no `IsTruncated` of `true` or
 *   `false`, or is a truncated page with neither a next key marker nor an upload to continue after.
 */
export async function parseListUploadsResult(body: Buffer): Promise<ListedUploads> {
  const { value, truncated } = await parseListingXml(body, "ListMultipartUploadsResult");
  const encoded = (xmlText(value, "Encoding-Type") ?? xmlText(value, "EncodingType")) === "url";
  const name = (s: string): string => (encoded ? decodeListedName(s) : s);
  const items: RawObject[] = [];
  for (const u of xmlChildren(value, "Upload")) {
    const raw: RawObject = { key: name(xmlText(u, "Key") ?? ""), mode: "part", multipartId: xmlText(u, "UploadId") ?? "" };
    const initiated = xmlDate(u, "Initiated");
    if (initiated !== undefined) raw.lastModified = initiated;
    const storageClass = xmlText(u, "StorageClass");
    if (storageClass !== undefined) raw.storageClass = storageClass;
    items.push(raw);
  }
  if (!truncated) return { items };
  const last = items[items.length - 1];
  const keyMarker = xmlText(value, "NextKeyMarker");
  const uploadIdMarker = xmlText(value, "NextUploadIdMarker");
  if ((keyMarker === undefined || keyMarker === "") && last === undefined) throw truncatedWithoutMarker("multipart uploads");
  return {
    items,
    next: {
      keyMarker: keyMarker !== undefined && keyMarker !== "" ? name(keyMarker) : (last?.key ?? ""),
      uploadIdMarker: uploadIdMarker !== undefined && uploadIdMarker !== "" ? uploadIdMarker : (last?.multipartId ?? ""),
    },
  };
}
