import { constants as bufferConstants } from "node:buffer";
import { defineFeatures, type ServiceFeatures, type StorageFeatures, type StorageLimits } from "@stowage/core";
import { UPLOAD_PARTS_MAXIMUM, WRITTEN_PARTS_MAXIMUM } from "./part-numbers.js";
import { METADATA_LIMIT } from "./requests.js";
import { MAX_LINK_HOPS } from "./virtual-link.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

/**
 * QingStor limits (`protocols.md` §3.7): 5 GiB per PUT, part and append; parts of
 * at least 4 MiB except the last; 10,000 parts (indexes 0..9999: QingStor numbers parts 0..10000,
 * Stowage writes one fewer, see part-numbers.ts); appendable
 * objects up to 50 TiB; 1,000 keys per list page; keys of 1,023 bytes of UTF-8 at most; 2 KiB of user
 * metadata.
 */
export const qingstorLimits: Readonly<StorageLimits> = Object.freeze({
  writeSizeMaximum: 5 * GiB,
  multipartSizeMinimum: 4 * MiB,
  multipartSizeMaximum: 5 * GiB,
  multipartNumberMaximum: WRITTEN_PARTS_MAXIMUM,
  // An upload another tool made may hold part number 10000: completeMultipart takes all 10,001.
  completePartsMaximum: UPLOAD_PARTS_MAXIMUM,
  // The service takes 5 GiB; an append holds its chunk in one Buffer, which Node 20 caps at 4 GiB.
  appendSizeMaximum: Math.min(5 * GiB, bufferConstants.MAX_LENGTH),
  appendTotalSizeMaximum: 50 * TiB,
  listPageMaximum: 1000,
  keyMaximum: 1023,
  metadataMaximum: METADATA_LIMIT,
  // Reads through virtual links (enable_virtual_link) follow at most this many in a row.
  linkHopsMaximum: MAX_LINK_HOPS,
});

/**
 * What a QingStor storager can do: every operation of the contract, with
 * virtual directories (zero-byte `dir/` objects). QingStor returns no CRC64
 * (`crc64` is false); `integrity` (default on) decides whether a `write` sends a Content-MD5 of
 * its own (`contentMd5`; QingStor checks one that is sent either way) and whether the MD5 ETags
 * QingStor returns, and the CRC ETags of whole reads, are checked. QingStor has no symbolic
 * links: `createLink` is on only with `virtualLinks` (the `enable_virtual_link`
 * pair), go-storage's links in user metadata. Appends and fetches take no SSE-C key on QingStor:
 * both are off when the storager was opened with one (`withoutCustomerKey` false), rather than
 * store plain bytes that storager could not read back. Cache-Control and Content-Encoding are
 * stored with a single PutObject only (see object-headers.ts: a multipart upload or an append
 * refuses them); Content-Disposition and Expires are documented on no QingStor write, so
 * `contentDisposition` and `httpExpires` are off. `copyAttributes`: a copy given a content type,
 * metadata, Cache-Control or Content-Encoding sends them with `x-qs-metadata-directive: REPLACE`
 * (a multipart copy, above 5 GiB, refuses the headers), and a storage class with `x-qs-storage-class`
 * (copy.ts). `loosePair`: opened with `enable_loose_pair`.
 * @throws nothing
 */
export function qingstorFeatures(integrity = true, virtualLinks = false, withoutCustomerKey = true, loosePair = false): Readonly<StorageFeatures> {
  return defineFeatures({
    stat: true,
    read: true,
    readRange: true,
    write: true,
    delete: true,
    batchDelete: true,
    list: true,
    listDir: true,
    listPrefix: true,
    listMultipartUploads: true,
    copy: true,
    copyAttributes: true,
    move: true,
    fetch: withoutCustomerKey,
    createDir: true,
    createLink: virtualLinks,
    presignRead: true,
    presignWrite: true,
    presignDelete: true,
    presignCreateMultipart: true,
    presignWriteMultipart: true,
    presignListMultipart: true,
    presignCompleteMultipart: true,
    responseOverrides: true,
    // Content-Length and Range are returned to send, unsigned (QingStor signs neither).
    presignBindsSize: false,
    conditionalRead: true,
    append: withoutCustomerKey,
    multipart: true,
    userMetadata: true,
    contentType: true,
    storageClass: true,
    cacheControl: true,
    contentEncoding: true,
    objectHeadersSingleWriteOnly: true,
    crc64: false,
    contentMd5: integrity,
    virtualDir: true,
    loosePair,
    limits: qingstorLimits,
  });
}

/** The QingStor servicer creates, deletes, opens and lists buckets. */
export const qingstorServiceFeatures: Readonly<ServiceFeatures> = Object.freeze({ create: true, delete: true, get: true, list: true });
