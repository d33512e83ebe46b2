import { givenObjectHeaders, type DriverCallOptions } from "@stowage/core";
import { metadataHeaders, storageClassHeader } from "./request-headers.js";

// A copy's attributes (feature `copyAttributes`; core gives the driver only those the call gave,
// open-time defaults stripped). QingStor's PUT Object - Copy takes `x-qs-metadata-directive:
// REPLACE` with the new Content-Type, `x-qs-meta-*`, Cache-Control and Content-Encoding (its
// "modifiable metadata"), and `x-qs-storage-class` under either directive (the copy is STANDARD
// without it; onto its own key, the object's class changes in place).

/**
 * True when the call gave a content type, metadata or an object header: the copy's attributes are
 * then replaced as a whole (`x-qs-metadata-directive: REPLACE`, or a multipart copy's Initiate
 * carrying exactly those given), none of the source's kept.
 * @throws nothing.
 */
export function replacesAttributes(options: DriverCallOptions): boolean {
  return typeof options.contentType === "string" || options.metadata !== undefined || givenObjectHeaders(options).length > 0;
}

/**
 * True when the call gave any attribute of the copy: one that {@link replacesAttributes}, or a storage class.
 * @throws nothing.
 */
export function setsAttributes(options: DriverCallOptions): boolean {
  return replacesAttributes(options) || options.storageClass !== undefined;
}

/**
 * Checks the attributes a copy was given before anything is sent: the metadata QingStor keeps
 * (HTTP-token names, printable values, 2 KiB in all) and a QingStor storage class.
 * @throws StorageError `InvalidArgument` (bad metadata, a storage class other than STANDARD or STANDARD_IA)
 */
export function checkCopyAttributes(options: DriverCallOptions): void {
  metadataHeaders(options.metadata);
  storageClassHeader(options.storageClass);
}
