import type { RawObject } from "@stowage/core";
import { assignAttributes, type MemoryEntry, type MemoryUpload } from "./store.js";

/**
 * What stat and list report for `entry`: files with size, etag, MD5, CRC64,
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

/** An implied directory (a prefix of deeper keys, with no entry of its own). */
export function impliedDir(key: string): RawObject {
  return { key, mode: "dir" };
}

/** What statMultipart and listUploads report for an upload. */
export function uploadObject(upload: MemoryUpload): RawObject {
  const raw: RawObject = { key: upload.key, mode: "part", multipartId: upload.id, lastModified: new Date(upload.created) };
  assignAttributes(raw, upload);
  return raw;
}
