import { defineFeatures, type StorageFeatures } from "@stowage/core";

/** Links a read follows in a row before it gives up (a loop, or a chain too long), as POSIX does with ELOOP. */
export const MEMORY_LINK_HOPS = 8;

/**
 * Parts one upload may have (indexes 0..9999), as on COS, OSS and QingStor: a test double takes no
 * part index the clouds refuse (core answers `InvalidArgument` for index 10000 and beyond).
 */
const MEMORY_MULTIPART_PARTS = 10_000;

/**
 * What the memory driver can do: everything except presigning (there is no
 * server to sign for). It computes CRC64 and MD5 of what it stores, checks a
 * given Content-MD5, keeps content type, user metadata and storage class, and
 * has real directories (`virtualDir` false) and symbolic links that reads follow. Conditional
 * writes, copies and moves (`writeIfNotExists`) are decided with the store's update
 * (if-not-exists.ts); a copy takes attributes that replace the source's (`copyAttributes`, relocate.ts).
 * Limits: the clouds' 10,000 parts per upload; no minimum part size (any non-last part is taken).
 */
export const memoryFeatures: Readonly<StorageFeatures> = defineFeatures({
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
  fetch: true,
  createDir: true,
  createLink: true,
  conditionalRead: true,
  writeIfNotExists: true,
  copyAttributes: true,
  append: true,
  multipart: true,
  userMetadata: true,
  contentType: true,
  storageClass: true,
  cacheControl: true,
  contentDisposition: true,
  contentEncoding: true,
  httpExpires: true,
  crc64: true,
  contentMd5: true,
  virtualDir: false,
  limits: { linkHopsMaximum: MEMORY_LINK_HOPS, multipartNumberMaximum: MEMORY_MULTIPART_PARTS },
});
