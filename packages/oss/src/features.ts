import { constants as bufferConstants } from "node:buffer";
import { defineFeatures, type ServiceFeatures, type StorageFeatures, type StorageLimits } from "@stowage/core";
import { METADATA_LIMIT } from "./requests.js";

const KiB = 1024;
const GiB = 1024 * 1024 * KiB;

/** Longest validity of a V4 presigned URL: 7 days. */
export const V4_PRESIGN_MAXIMUM = 7 * 24 * 3600;

/**
 * OSS limits (`protocols.md` §2.8): 5 GiB per PUT and per appendable object;
 * parts of 100 KiB–5 GiB (the last may be smaller), at most 10,000;
 * 1,000 keys per list page; keys of 1,023 bytes of UTF-8 at most; 8 KiB of user metadata. V4
 * presigned URLs live at most 7 days. A restore keeps an object readable for at most 365 days.
 * @throws nothing
 */
export function ossLimits(signatureVersion: "v1" | "v4" = "v1"): Readonly<StorageLimits> {
  return Object.freeze({
    writeSizeMaximum: 5 * GiB,
    multipartSizeMinimum: 100 * KiB,
    multipartSizeMaximum: 5 * GiB,
    multipartNumberMaximum: 10_000,
    // The service takes 5 GiB; an append holds its chunk in one Buffer, which Node 20 caps at 4 GiB.
    appendSizeMaximum: Math.min(5 * GiB, bufferConstants.MAX_LENGTH),
    appendTotalSizeMaximum: 5 * GiB,
    listPageMaximum: 1000,
    keyMaximum: 1023,
    metadataMaximum: METADATA_LIMIT,
    // GetObject follows one symlink; a link to a link answers InvalidTargetType.
    linkHopsMaximum: 1,
    // RestoreObject: ColdArchive and DeepColdArchive 1 to 365 days (Archive 1 to 7: restore.ts checks it after the HEAD).
    restoreDaysMaximum: 365,
    ...(signatureVersion === "v4" ? { presignExpiresMaximum: V4_PRESIGN_MAXIMUM } : {}),
  });
}

/**
 * What an OSS storager can do: everything in the contract except `fetch`, with
 * virtual directories (zero-byte `dir/` objects) and symlinks (PutSymlink). `integrity` (default on)
 * decides whether a `write` sends a Content-MD5 of its own and whether CRC64s are verified
 * (`contentMd5`, `crc64`); off, OSS still returns its CRC64 (reported unchecked) and checks a
 * Content-MD5 that is sent. `writeIfNotExists`: PutObject,
 * CopyObject and PutSymlink (copy, move), InitiateMultipartUpload and CompleteMultipartUpload carry
 * `x-oss-forbid-overwrite: true`, which OSS
 * honours on a bucket whose versioning is not enabled or suspended; on one where it is, OSS ignores
 * the header and the write replaces the object (docs/services/oss.md says so). `appends` false (a
 * storager opened with a `default_server_side_encryption_key_id`, which AppendObject cannot take) turns `append` off.
 * @throws nothing
 */
export function ossFeatures(integrity = true, signatureVersion: "v1" | "v4" = "v1", appends = true): Readonly<StorageFeatures> {
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
    createLink: true,
    // RestoreObject of Archive, ColdArchive and DeepColdArchive objects (restore.ts); HeadObject and GetObject answer x-oss-restore.
    restore: true,
    presignRead: true,
    presignWrite: true,
    presignDelete: true,
    presignCreateMultipart: true,
    presignWriteMultipart: true,
    presignListMultipart: true,
    presignCompleteMultipart: true,
    responseOverrides: true,
    // Content-Length and Range are returned to send, unsigned (V1 signs no such header; V4 adds only the object headers).
    presignBindsSize: false,
    conditionalRead: true,
    // x-oss-forbid-overwrite: honoured only where versioning is not enabled or suspended (see above).
    writeIfNotExists: true,
    // CopyObject with `x-oss-metadata-directive: REPLACE` (a multipart copy: its Initiate) carries the call's attributes.
    copyAttributes: true,
    append: appends,
    multipart: true,
    userMetadata: true,
    contentType: true,
    storageClass: true,
    // PutObject, InitiateMultipartUpload and AppendObject store all four; HeadObject and GetObject answer them.
    cacheControl: true,
    contentDisposition: true,
    contentEncoding: true,
    httpExpires: true,
    crc64: integrity,
    contentMd5: integrity,
    virtualDir: true,
    limits: ossLimits(signatureVersion),
  });
}

/** The OSS servicer creates, deletes, opens and lists buckets. */
export const ossServiceFeatures: Readonly<ServiceFeatures> = Object.freeze({ create: true, delete: true, get: true, list: true });
