import type { ObjectHeaderOptions, ObjectHeaders } from "./object-headers.js";

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
  expiresAt?: Date | undefined;
}

/**
 * Metadata of one object, as returned by stat, list and the create operations. The
 * {@link ObjectHeaders} (Cache-Control, Content-Disposition, ...), `contentType`, `metadata` and the
 * checksums come with stat and reads; a listing entry carries `path`, `mode`, `size`, `etag`,
 * `lastModified` and, where the service lists them, `storageClass`, `appendOffset`, `linkTarget` or
 * `restore` (on every driver, memory's included).
 *
 * It is also an input (`writeAppend`, `writeMultipart`, `completeMultipart`, `listMultipart`), which
 * an application may rebuild from a checkpoint: every optional field takes an explicit `undefined`
 * (the same as leaving it out), under `exactOptionalPropertyTypes` too. What Stowage returns leaves
 * out a field it has no value for.
 */
export interface ObjectInfo extends ObjectHeaderOptions {
  /** Path relative to the storage's work_dir (or absolute, echoing the caller's form). Dirs end with `/`. */
  path: string;
  /** What the path holds: a file, a directory, an upload, an appendable object or a link (see {@link ObjectMode}). */
  mode: ObjectMode;
  /** Content length in bytes. */
  size?: number | undefined;
  /** Service-defined tag; only comparable within one service. Never an MD5 unless the service says so. */
  etag?: string | undefined;
  /** Content-Type the object was stored with. */
  contentType?: string | undefined;
  /** Base64 MD5 of the content (RFC 1864), only when the service states it. */
  contentMd5?: string | undefined;
  /** CRC-64/ECMA-182 of the content as a decimal string, when known. */
  crc64?: string | undefined;
  /** When the object was last written, as the storage reports it. */
  lastModified?: Date | undefined;
  /** The storage class the object is in (`STANDARD`, `ARCHIVE`, ...: the service's own names). */
  storageClass?: string | undefined;
  /** User metadata (keys lower-case). */
  metadata?: Record<string, string> | undefined;
  /** Upload id of a `part` object. */
  multipartId?: string | undefined;
  /** Next append position of an `append` object. */
  appendOffset?: number | undefined;
  /** Absolute path of a `link` object's target: `/` and the target's key (a driver reports it so too). */
  linkTarget?: string | undefined;
  /**
   * An archived object's restore (see {@link RestoreState}): from stat and reads of COS and OSS, once
   * a restore was asked for and until its copy expires, and from OSS listings (`<RestoreInfo>`);
   * COS listings carry none.
   */
  restore?: RestoreState | undefined;
  /** Service-specific metadata (SSE algorithm, key id, object type...). */
  system?: Record<string, unknown> | undefined;
}

/**
 * What `createMultipart` returns: a `part` object whose `multipartId` is always there. Keep the id
 * (a checkpoint) to resume the upload (`write` with `multipartId`) or abort it (`delete` with it).
 */
export interface MultipartInfo extends ObjectInfo {
  /** Always `part`: an in-progress multipart upload. */
  mode: "part";
  /** The upload's id, as the service named it. */
  multipartId: string;
}

/**
 * One uploaded part of a multipart upload. `index` is 0-based. Also an input (`completeMultipart`,
 * presign's `parts`): its optional fields take an explicit `undefined`, as {@link ObjectInfo}'s do.
 */
export interface Part {
  /** The part's 0-based position in the object. */
  index: number;
  /** Bytes in the part. */
  size: number;
  /** The ETag the service gave the part (for a presigned part upload: its answer's `ETag` header). */
  etag: string;
  /** CRC-64/ECMA-182 of the part as a decimal string, when known. */
  crc64?: string | undefined;
  /** When the service stored the part, where it lists that. */
  lastModified?: Date | undefined;
}
