import type { ObjectHeaders } from "./object-headers.js";

/**
 * What kind of thing an {@link ObjectInfo} describes.
 * - `file`: a readable object.
 * - `dir`: a directory (listed in dir mode, or created by `createDir`); its path ends with `/`.
 * - `part`: an in-progress multipart upload (has `multipartId`).
 * - `append`: an appendable object (has `appendOffset`).
 * - `link`: a symbolic link (has `linkTarget`).
 */
export type ObjectMode = "file" | "dir" | "part" | "append" | "link";

/**
 * Where the restore of an archived object stands (feature `restore`), as stat and reads report it
 * (COS `x-cos-restore`, OSS `x-oss-restore`). Absent on an object never restored, or whose restored
 * copy expired: in an archive class it then cannot be read or copied (`Conflict`) until restored.
 */
export interface RestoreState {
  /** True while the service is restoring it (reads and copies still fail); false once it is readable. */
  ongoing: boolean;
  /** When the restored copy expires (the object is archived again), once `ongoing` is false. */
  expiresAt?: Date;
}

/**
 * Metadata of one object, as returned by stat, list and the create operations. The
 * {@link ObjectHeaders} (Cache-Control, Content-Disposition, ...), `contentType`, `metadata` and the
 * checksums come with stat and reads; a listing entry carries `path`, `mode`, `size`, `etag`,
 * `lastModified` and, where the service lists them, `storageClass`, `appendOffset`, `linkTarget` or
 * `restore` (on every driver, memory's included).
 */
export interface ObjectInfo extends ObjectHeaders {
  /** Path relative to the storage's work_dir (or absolute, echoing the caller's form). Dirs end with `/`. */
  path: string;
  mode: ObjectMode;
  /** Content length in bytes. */
  size?: number;
  /** Service-defined tag; only comparable within one service. Never an MD5 unless the service says so. */
  etag?: string;
  contentType?: string;
  /** Base64 MD5 of the content (RFC 1864), only when the service states it. */
  contentMd5?: string;
  /** CRC-64/ECMA-182 of the content as a decimal string, when known. */
  crc64?: string;
  lastModified?: Date;
  storageClass?: string;
  /** User metadata (keys lower-case). */
  metadata?: Record<string, string>;
  /** Upload id of a `part` object. */
  multipartId?: string;
  /** Next append position of an `append` object. */
  appendOffset?: number;
  /** Absolute path of a `link` object's target: `/` and the target's key (a driver reports it so too). */
  linkTarget?: string;
  /**
   * An archived object's restore (see {@link RestoreState}): from stat and reads of COS and OSS, once
   * a restore was asked for and until its copy expires, and from OSS listings (`<RestoreInfo>`);
   * COS listings carry none.
   */
  restore?: RestoreState;
  /** Service-specific metadata (SSE algorithm, key id, object type...). */
  system?: Record<string, unknown>;
}

/** One uploaded part of a multipart upload. `index` is 0-based. */
export interface Part {
  index: number;
  size: number;
  etag: string;
  /** CRC-64/ECMA-182 of the part as a decimal string, when known. */
  crc64?: string;
  lastModified?: Date;
}
