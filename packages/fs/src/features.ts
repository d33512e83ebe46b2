import { defineFeatures, type StorageFeatures } from "@stowage/core";

/**
 * What the fs driver can do: everything a plain directory supports. No
 * presign (no server), no storage class, user metadata or content type (a
 * file has none), no CRC64 (nothing to compare with: the bytes are local),
 * no native batch delete. A given Content-MD5 is checked. Directories are real,
 * and so are symbolic links. Conditional writes, copies and moves (`writeIfNotExists`) hard-link
 * the finished file (a moved one itself) into place, so the kernel decides (if-not-exists.ts,
 * move-new.ts). A copy takes no attributes (`copyAttributes` off): a file has none.
 */
export const fsFeatures: Readonly<StorageFeatures> = defineFeatures({
  stat: true,
  read: true,
  readRange: true,
  write: true,
  delete: true,
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
  append: true,
  multipart: true,
  contentMd5: true,
  virtualDir: false,
  // Reads follow links as the kernel does: ELOOP past 40. Uploads take the clouds' 10,000 parts
  // (indexes 0..9999; core refuses 10000 and beyond), and non-last parts of any size.
  limits: { linkHopsMaximum: 40, multipartNumberMaximum: 10_000 },
});
