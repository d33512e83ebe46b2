import type { RawObject } from "@stowage/core";
import { assignAttributes, type MemoryEntry, type MemoryUpload } from "./store.js";

/**
 * What stat and reads report for `entry`: files with size, etag, MD5, CRC64,
 * dates and attributes; append objects also with their next append offset;
 * dirs with their date; links with their target (`/` + its key) and date. Returned objects never share memory with the store.
 */
export function toRawObject(key: string, entry: MemoryEntry): RawObject {
  if (entry.kind === "dir") return { key, mode: "dir", lastModified: new Date(entry.lastModified) };
  if (entry.kind === "link") return { key, mode: "link", linkTarget: "/" + entry.linkTarget, lastModified: new Date(entry.lastModified) };
  const raw: RawObject = {
    key,
    mode: entry.kind,
    size: entry.data.length,
    etag: entry.etag,
    contentMd5: entry.contentMd5,
    crc64: entry.crc64,
    lastModified: new Date(entry.lastModified),
  };
  if (entry.kind === "append") raw.appendOffset = entry.data.length;
  assignAttributes(raw, entry);
  return raw;
}

/**
 * What a listing reports for `entry`: what a COS, OSS or QingStor listing carries, so that code
 * tested on memory reads no field a cloud listing leaves out. A file or append object has its size,
 * etag, date and storage class (when it has one), an append object also its next append offset; no
 * content type, metadata, MD5, CRC-64 or object headers (stat and reads report those). Dirs and
 * links as {@link toRawObject}.
 */
export function listedObject(key: string, entry: MemoryEntry): RawObject {
  if (entry.kind === "dir" || entry.kind === "link") return toRawObject(key, entry);
  const raw: RawObject = { key, mode: entry.kind, size: entry.data.length, etag: entry.etag, lastModified: new Date(entry.lastModified) };
  if (entry.kind === "append") raw.appendOffset = entry.data.length;
  if (entry.storageClass !== undefined) raw.storageClass = entry.storageClass;
  return raw;
}

/** An implied directory (a prefix of deeper keys, with no entry of its own). */
export function impliedDir(key: string): RawObject {
  return { key, mode: "dir" };
}

/** What statMultipart reports for an upload: its date and attributes. */
export function uploadObject(upload: MemoryUpload): RawObject {
  const raw: RawObject = { key: upload.key, mode: "part", multipartId: upload.id, lastModified: new Date(upload.created) };
  assignAttributes(raw, upload);
  return raw;
}

/** What a listing of uploads reports for one, as a cloud's does: its date and storage class (when it has one), no other attribute. */
export function listedUpload(upload: MemoryUpload): RawObject {
  const raw: RawObject = { key: upload.key, mode: "part", multipartId: upload.id, lastModified: new Date(upload.created) };
  if (upload.storageClass !== undefined) raw.storageClass = upload.storageClass;
  return raw;
}
