import { constants as bufferConstants } from "node:buffer";
import { defineFeatures, type ServiceFeatures, type StorageFeatures, type StorageLimits } from "@stowage/core";
import { METADATA_LIMIT } from "./requests.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** COS limits (`protocols.md` §1.7): 5 GiB per PUT, part and append object; 1 MiB–5 GiB parts; 10,000 parts; 1,000 keys per list page; keys of at most 850 bytes; 2 KiB of user metadata. */
export const cosLimits: Readonly<StorageLimits> = Object.freeze({
  writeSizeMaximum: 5 * GiB,
  multipartSizeMinimum: MiB,
  multipartSizeMaximum: 5 * GiB,
  multipartNumberMaximum: 10_000,
  // The service takes 5 GiB; an append holds its chunk in one Buffer, which Node 20 caps at 4 GiB.
  appendSizeMaximum: Math.min(5 * GiB, bufferConstants.MAX_LENGTH),
  appendTotalSizeMaximum: 5 * GiB,
  listPageMaximum: 1000,
  keyMaximum: 850,
  metadataMaximum: METADATA_LIMIT,
});

/**
 * What a COS storager can do: everything in the contract except `fetch` (and links), `restore` included, with
 * virtual directories (zero-byte `dir/` objects). `integrity` (default on)
 * decides whether a `write` sends a Content-MD5 of its own and whether CRC64s are verified
 * (`contentMd5`, `crc64`); off, COS still returns its CRC64 (reported unchecked) and checks a
 * Content-MD5 that is sent. `writeIfNotExists`: PUT Object,
 * PUT Object - Copy (copy, move), Initiate and Complete Multipart Upload carry
 * `x-cos-forbid-overwrite: true`, which COS honours on a
 * bucket whose versioning was never enabled; on one where it was (even suspended since) COS ignores
 * the header and the write replaces the object (docs/services/cos.md says so).
 * @throws nothing
 */
export function cosFeatures(integrity = true, appends = true): Readonly<StorageFeatures> {
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
    move: true,
    fetch: false,
    createDir: true,
    // POST Object restore of ARCHIVE and DEEP_ARCHIVE objects (restore.ts); HEAD and GET answer x-cos-restore.
    restore: true,
    presignRead: true,
    presignWrite: true,
    presignDelete: true,
    presignCreateMultipart: true,
    presignWriteMultipart: true,
    presignListMultipart: true,
    presignCompleteMultipart: true,
    responseOverrides: true,
    // Content-Length and Range are in the signed header list (signer.ts): COS refuses another length or range.
    presignBindsSize: true,
    conditionalRead: true,
    // x-cos-forbid-overwrite: honoured only where versioning was never enabled (see above).
    writeIfNotExists: true,
    // PUT Object - Copy with `x-cos-metadata-directive: Replaced` (a multipart copy: its Initiate) carries the call's attributes.
    copyAttributes: true,
    append: appends,
    multipart: true,
    userMetadata: true,
    contentType: true,
    storageClass: true,
    // PUT Object, Initiate Multipart Upload and APPEND Object store all four; HEAD and GET answer them.
    cacheControl: true,
    contentDisposition: true,
    contentEncoding: true,
    httpExpires: true,
    crc64: integrity,
    contentMd5: integrity,
    virtualDir: true,
    limits: cosLimits,
  });
}

/** The COS servicer creates, deletes, opens and lists buckets. */
export const cosServiceFeatures: Readonly<ServiceFeatures> = Object.freeze({ create: true, delete: true, get: true, list: true });
