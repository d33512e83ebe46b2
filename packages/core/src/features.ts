/**
 * Size and count limits a service imposes. Core checks them before any I/O and
 * uses them to choose multipart part sizes. Absent means "no limit known".
 */
export interface StorageLimits {
  /** Largest object one simple write may create (bytes). */
  writeSizeMaximum?: number;
  /** Smallest part except the last (bytes). */
  multipartSizeMinimum?: number;
  /** Largest part (bytes). */
  multipartSizeMaximum?: number;
  /** Most parts in one upload. */
  multipartNumberMaximum?: number;
  /**
   * Most parts `completeMultipart` takes, where an upload can hold more than the
   * `multipartNumberMaximum` Stowage writes (QingStor 10,001: another tool may have written part
   * number 10000). Absent: `multipartNumberMaximum`. More parts are `InvalidArgument`, before
   * anything is sent.
   */
  completePartsMaximum?: number;
  /** Largest single append (bytes). */
  appendSizeMaximum?: number;
  /** Largest appendable object (bytes). */
  appendTotalSizeMaximum?: number;
  /** Largest object one server-side copy may copy (bytes). */
  copySizeMaximum?: number;
  /** Most items the service returns in one list page. */
  listPageMaximum?: number;
  /**
   * Longest key the service takes (bytes of UTF-8, work_dir included): core refuses a longer one
   * with `InvalidArgument` for every operation that names an object, before anything is sent.
   * None on memory and fs (fs refuses itself a name over 255 bytes, and a path on disk, work_dir
   * included, over the system's PATH_MAX).
   */
  keyMaximum?: number;
  /**
   * Most bytes of user metadata one object may carry: the names (lower-cased) and values added up,
   * as the service counts them (COS and QingStor 2,048, OSS 8,192). A write over it is
   * `InvalidArgument`, before anything is sent. None on memory and fs.
   */
  metadataMaximum?: number;
  /** Longest presign expiry (seconds). */
  presignExpiresMaximum?: number;
  /**
   * Most days a `restore` keeps an archived object readable: a larger `days` is `InvalidArgument`,
   * before anything is sent (OSS 365; its Archive class takes at most 7, which the driver checks
   * once it knows the object's class). None where the service documents none (COS).
   */
  restoreDaysMaximum?: number;
  /**
   * Most symbolic links a read follows in a row (default 40, as Linux); a read through a longer
   * chain fails (OSS follows 1, the memory driver and QingStor's virtual links 8).
   */
  linkHopsMaximum?: number;
}

/**
 * What a storage can do. Operations whose flag is false throw
 * `CapabilityInsufficient`; options whose feature is false throw `PairUnsupported`, except a
 * read's `offset` and `size` without `readRange`, and a write's `multipartId` without `multipart`:
 * capabilities of the call, `CapabilityInsufficient`.
 */
export interface StorageFeatures {
  /** `stat`: an object's (or directory's) metadata. */
  stat: boolean;
  /** `read` and `createReadStream`. */
  read: boolean;
  /** `read`/`createReadStream` honour `offset` and `size`. */
  readRange: boolean;
  /** `write` and `createWriteStream`. */
  write: boolean;
  /** `delete` and `deleteMany`. */
  delete: boolean;
  /** Several deletes in one request (core falls back to single deletes). */
  batchDelete: boolean;
  /** `list` and `listPage` (in the modes `listDir`, `listPrefix` and `listMultipartUploads` say). */
  list: boolean;
  /** `list(path, { mode: "dir" })`: one level, subdirectories as `dir` entries (the default mode where true). */
  listDir: boolean;
  /** `list(path, { mode: "prefix" })`: every object under the path, at any depth. */
  listPrefix: boolean;
  /** `list(path, { mode: "part" })`: in-progress multipart uploads. */
  listMultipartUploads: boolean;
  /** `copy`: a server-side copy within the storage. */
  copy: boolean;
  /** `move`: a server-side move (rename) within the storage. */
  move: boolean;
  /** `fetch`: a URL's content stored as an object (fetched by the service, or by the driver: fs, memory). */
  fetch: boolean;
  /** `createDir`: a directory (on COS, OSS and QingStor a `d/` marker object). */
  createDir: boolean;
  /** `createLink`: symbolic links, reported by stat and list as `link` objects with their `linkTarget`. */
  createLink: boolean;
  /**
   * `restore`: an object in an archive storage class (COS ARCHIVE, DEEP_ARCHIVE; OSS Archive,
   * ColdArchive, DeepColdArchive) is made readable for some days; stat and reads report its state
   * in `ObjectInfo.restore`.
   */
  restore: boolean;
  /** `presign("read", ...)`: a signed GET of the object (or a range of it). */
  presignRead: boolean;
  /** `presign("write", ...)`: a signed PUT of a whole object. */
  presignWrite: boolean;
  /** `presign("delete", ...)`: a signed DELETE of the object, or the abort of an upload (`multipartId`). */
  presignDelete: boolean;
  /** `presign("createMultipart", ...)`: a signed start of a multipart upload. */
  presignCreateMultipart: boolean;
  /** `presign("writeMultipart", ...)`: a signed upload of one part. */
  presignWriteMultipart: boolean;
  /** `presign("listMultipart", ...)`: a signed listing of an upload's parts (the service's own format). */
  presignListMultipart: boolean;
  /** `presign("completeMultipart", ...)`: a signed completion of an upload, with its body. */
  presignCompleteMultipart: boolean;
  /**
   * A presigned read takes `responseContentType`, `responseContentDisposition`, `responseCacheControl`,
   * `responseContentEncoding`, `responseContentLanguage` and `responseExpires`: the service answers with them.
   */
  responseOverrides: boolean;
  /**
   * A presign's `size` (write, writeMultipart: the Content-Length to send) and `offset` / `size`
   * (read: the Range) are signed: the service refuses a request to the URL that sends another
   * length or range, or none (COS). False (OSS V1 and V4, QingStor): they come back among the
   * headers to send but are not signed, so the URL's holder may write any length, or read another
   * range or the whole object. Hand out a URL to cap an upload's size or a read's range only where
   * this is true.
   */
  presignBindsSize: boolean;
  /** `stat` and `read` take `ifMatch` / `ifNoneMatch`. */
  conditionalRead: boolean;
  /**
   * `write` (and `createWriteStream`), `completeMultipart`, `copy` and `move` take `ifNotExists`:
   * the object is stored only where none exists at its path, the service deciding atomically (a
   * multipart write: at its Complete); otherwise `Conflict` and nothing changed (a move keeps its source).
   * A copy or move of a missing source is `ObjectNotExist` before that, whatever is at its destination.
   */
  writeIfNotExists: boolean;
  /**
   * `copy` takes `contentType`, `metadata`, `storageClass` and the object headers: given any but
   * `storageClass`, they replace the source's as a whole (the copy carries exactly those given; the
   * services' REPLACE directive), so a copy onto its own path changes an object's attributes in
   * place; `storageClass` sets the copy's class. Each also needs its own feature (`contentType`, ...).
   */
  copyAttributes: boolean;
  /** `createAppend`, `writeAppend` and `commitAppend`: appendable objects. */
  append: boolean;
  /**
   * `createMultipart`, `writeMultipart`, `completeMultipart`, `listMultipart`, a `write` with
   * `multipartId`, `stat` and `delete` of an upload: multipart uploads. Without it a `write` is one
   * request, at most `limits.writeSizeMaximum` bytes.
   */
  multipart: boolean;
  /** `metadata` option on writes and returned by stat. */
  userMetadata: boolean;
  /** `contentType` option on writes and returned by stat. */
  contentType: boolean;
  /** `storageClass` option on writes. */
  storageClass: boolean;
  /** `cacheControl` option on writes (see `ObjectHeaders`), and returned by stat. */
  cacheControl: boolean;
  /** `contentDisposition` option on writes, and returned by stat. */
  contentDisposition: boolean;
  /** `contentEncoding` option on writes, and returned by stat. */
  contentEncoding: boolean;
  /** `httpExpires` option on writes (the Expires header), and returned by stat. */
  httpExpires: boolean;
  /**
   * The object headers (`cacheControl`, ... where their features are on) go only with a write in
   * one request (QingStor: its Initiate and Append take none): `createMultipart`, `createAppend`
   * and a `write` that goes multipart refuse them given by the call (`PairUnsupported`, nothing
   * sent), and leave out an open-time default. False: every write carries them.
   */
  objectHeadersSingleWriteOnly: boolean;
  /**
   * Stowage verifies the CRC-64/ECMA-182 the service returns of what it stored: core compares it
   * with the CRC-64 of the bytes it sent (writes, parts, appends, Complete) or read (whole reads),
   * failing with `IntegrityMismatch`, and a write result's `crc64Confirmed` says it matched. False
   * when the service returns none (QingStor) or the driver turns the checks off
   * (`integrity=false` on COS and OSS): a CRC-64 the service still returns is then reported by `stat`
   * as it is, unchecked, and one a driver returns from `write` or `writePart` is ignored (an
   * append's or a Complete's is handed back unchecked). So a driver whose service returns a CRC-64
   * turns this on: nothing else makes core compare it. A CRC-64 a driver vouches for on a whole read
   * (`storedCrc64`: QingStor's CRC ETag) is checked whatever this flag says.
   */
  crc64: boolean;
  /**
   * A `write` (`createWriteStream` too) sends a Content-MD5 of its own for the storage to check:
   * with a single request, and with each part unless `part_content_md5=false` leaves the parts to
   * the CRC-64 checks (`crc64`). False (`integrity=false` on COS, OSS and QingStor): such a write
   * sends none of its own; a `content_md5` the caller gives is still checked (sent with a single
   * request, for the service to check; compared with the whole body when the write goes in parts).
   * `writeMultipart` and `writeAppend` send their body's Content-MD5 whatever this flag says.
   */
  contentMd5: boolean;
  /** Directories are zero-byte `dir/` marker objects, not native. */
  virtualDir: boolean;
  /**
   * Opened with `enable_loose_pair` (set by core, whatever the driver declares): an option an
   * operation does not take is dropped instead of rejected when it is a pair of this or another
   * registered service; a name no service defines is still rejected.
   */
  loosePair: boolean;
  /** Size and count limits of the service (see {@link StorageLimits}); frozen, like the flags. */
  readonly limits: Readonly<StorageLimits>;
}

/** What a servicer (bucket manager) can do. */
export interface ServiceFeatures {
  /** `create`: makes a bucket (store). */
  create: boolean;
  /** `delete`: deletes an empty bucket (store). */
  delete: boolean;
  /** `get`: a storager of an existing bucket, without a request. */
  get: boolean;
  /** `list`: the buckets (stores) the credentials see, each as a storager. */
  list: boolean;
}

/** Every flag false and no limits: drivers spread their own flags over it. */
export const NO_STORAGE_FEATURES: Readonly<StorageFeatures> = Object.freeze({
  stat: false,
  read: false,
  readRange: false,
  write: false,
  delete: false,
  batchDelete: false,
  list: false,
  listDir: false,
  listPrefix: false,
  listMultipartUploads: false,
  copy: false,
  move: false,
  fetch: false,
  createDir: false,
  createLink: false,
  restore: false,
  presignRead: false,
  presignWrite: false,
  presignDelete: false,
  presignCreateMultipart: false,
  presignWriteMultipart: false,
  presignListMultipart: false,
  presignCompleteMultipart: false,
  responseOverrides: false,
  presignBindsSize: false,
  conditionalRead: false,
  writeIfNotExists: false,
  copyAttributes: false,
  append: false,
  multipart: false,
  userMetadata: false,
  contentType: false,
  storageClass: false,
  cacheControl: false,
  contentDisposition: false,
  contentEncoding: false,
  httpExpires: false,
  objectHeadersSingleWriteOnly: false,
  crc64: false,
  contentMd5: false,
  virtualDir: false,
  loosePair: false,
  limits: Object.freeze({}),
});

/** Builds a complete, frozen {@link StorageFeatures} from the flags a driver sets. @throws nothing */
export function defineFeatures(flags: Partial<StorageFeatures>): Readonly<StorageFeatures> {
  return Object.freeze({ ...NO_STORAGE_FEATURES, ...flags, limits: Object.freeze({ ...(flags.limits ?? {}) }) });
}
