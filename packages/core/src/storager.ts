import type { Readable, Writable } from "node:stream";
import type { StorageFeatures } from "./features.js";
import type { ObjectInfo, Part } from "./object/object-info.js";
import type {
  Body,
  CommitAppendOptions,
  CompleteMultipartOptions,
  CopyOptions,
  MoveOptions,
  CreateAppendOptions,
  CreateDirOptions,
  CreateLinkOptions,
  CreateMultipartOptions,
  DeleteOptions,
  FetchOptions,
  ListMultipartOptions,
  ListOptions,
  ListPageOptions,
  PresignOperation,
  PresignOptions,
  ReadOptions,
  RestoreOptions,
  StatOptions,
  WriteAppendOptions,
  WriteMultipartOptions,
  WriteOptions,
} from "./options.js";
import type { StorageOperation } from "./operations.js";

/** Who a storager is: service type, bucket (or root) name, work_dir. */
export interface StorageInfo {
  service: string;
  name: string;
  /** Absolute, ends with `/`. */
  workDir: string;
  location?: string;
}

/** What a completed write reports. */
export interface WriteResult {
  /** Bytes stored. */
  size: number;
  etag?: string;
  /** CRC-64/ECMA-182 (decimal) of what was stored, verified against the service where it returns one. */
  crc64?: string;
  /**
   * True when the service answered the write with the CRC-64 of what it stored (the object's, for a
   * multipart write) and core found it equal to `crc64`: the stored bytes are the bytes sent, with no
   * read-back or stat needed to know it. With `resumeOffset`, the parts taken as stored were not
   * sent in this call: only the `crc64` option ties them to the source, so without it this is false.
   */
  crc64Confirmed?: boolean;
  /** Set when the write went multipart: the number of parts. */
  parts?: number;
  /** Resumed writes: parts already stored and verified, not sent again. */
  resumedParts?: number;
  /** Resumed writes: bytes in those parts. */
  resumedBytes?: number;
}

/** One page of a listing. */
export interface ListPage {
  /**
   * This page's entries. A page may hold fewer than `limit`, even none, with a `nextToken`:
   * services count directory markers toward a page, and prefix mode leaves them out.
   */
  items: ObjectInfo[];
  /**
   * Pass as `token` to get the next page; absent on the last page (only its absence ends a listing).
   * Opaque: it is only good for the listing that returned it (same service, bucket, path and mode).
   */
  nextToken?: string;
}

/** A signed request anyone can send without credentials. */
export interface PresignedRequest {
  method: string;
  url: string;
  /** Headers the sender must send as they are. */
  headers: Record<string, string>;
  /** The body the sender must send as it is, when the request has one (completeMultipart: the list of parts). */
  body?: string;
}

/** What `writeAppend` reports. */
export interface AppendResult {
  /** Bytes appended by this call. */
  size: number;
  /** Next append position. */
  appendOffset: number;
  /**
   * CRC-64 (decimal) of the whole object after this append, as the storage reported it: OSS and
   * memory always; COS where its APPEND answer carries one (its documentation names none); fs
   * after it checked that the file held the bytes `obj` describes. Absent where the storage
   * reports none (QingStor, which has no CRC-64; COS's documented answer): nothing then says
   * what the object's bytes are, beyond its length, and `obj.crc64` is removed too.
   */
  crc64?: string;
  /**
   * True when `crc64` is the CRC-64 `obj` had before combined with this chunk's: the object holds
   * exactly the bytes `obj` described and then this chunk. Absent when the storage reported no
   * CRC-64, or `obj` had none (an object from `list`, say): the position alone was checked then.
   */
  crc64Confirmed?: boolean;
}

/** What `restore` reports once the service accepted it. */
export interface RestoreResult {
  /**
   * True when the object was restored already (the service answered 200): its copy's expiry was set
   * `days` on, as the service counts them. False when this call started the restore (202): stat shows
   * `restore.ongoing` until the object can be read.
   */
  alreadyRestored: boolean;
}

/**
 * Driver-specific options per operation, e.g. `{ write: { serverSideEncryption?: string } }`.
 * Drivers export their own (`CosOptions`), used as `Storager<CosOptions>`.
 */
export type ExtraOptions = Partial<Record<StorageOperation, object>>;

/** Options of operation `K` added by a driver's {@link ExtraOptions}. */
export type Extra<X extends ExtraOptions, K extends StorageOperation> = X[K] extends object ? X[K] : unknown;

/**
 * One storage: a bucket (or directory) below a work_dir, with every operation.
 * Operations a service cannot do throw `CapabilityInsufficient`; check `features` first.
 * Every call rejects with a `StorageError` and takes `signal`; transfers take `onProgress`.
 */
export interface Storager<X extends ExtraOptions = ExtraOptions> {
  readonly info: StorageInfo;
  readonly features: Readonly<StorageFeatures>;

  /**
   * Metadata of one object (of a directory with `mode: "dir"`). A directory whose key is over
   * `limits.keyMaximum` only by its `/` cannot exist: ObjectNotExist, nothing sent. On memory and fs
   * `d` names the directory `d/` where one is, and its stat is returned (`path` `d/`, mode `dir`); on
   * COS, OSS and QingStor `d` and `d/` are different keys: `stat("d")` is ObjectNotExist (ask `d/`).
   * @throws ObjectNotExist, PermissionDenied, InvalidArgument (a bad path, a key over `limits.keyMaximum`; COS, QingStor: an
   *   SSE-C key over http, a bad key, an algorithm without a key, before any request)
   */
  stat(path: string, options?: StatOptions & Extra<X, "stat">): Promise<ObjectInfo>;
  /**
   * The object's bytes (or a range). Whole-object reads are CRC64-checked where the service sends one.
   * @throws ObjectNotExist, ObjectModeInvalid (a directory), Conflict (`ifMatch`/`ifNoneMatch`), IntegrityMismatch,
   *   ServiceInternal (retryable: a body that broke past the resume budget, or at all when nothing pins the
   *   object's version: no ETag, no CRC-64), Aborted
   */
  read(path: string, options?: ReadOptions & Extra<X, "read">): Promise<Buffer>;
  /**
   * Streams the object; the stream errors with `IntegrityMismatch` rather than ending on corrupt data.
   * Read it to its end or destroy it: until then an HTTP service's stream holds one of the host's
   * `max_connections` (a request finding all busy waits `request_timeout`, then fails). A reader may
   * pause for long (backpressure); after 10 × `request_timeout` paused (at least 10 min) its connection
   * is closed, and the rest is asked for again once it reads on.
   * @throws ObjectNotExist, IntegrityMismatch, Aborted, ServiceInternal
   */
  createReadStream(path: string, options?: ReadOptions & Extra<X, "read">): Readable;
  /**
   * Stores a body of any size (multipart above the threshold). Overwrites, unless `ifNotExists`.
   * On memory and fs `d` names the directory `d/` where one is: a write onto it is ObjectModeInvalid;
   * on COS, OSS and QingStor `d` and `d/` are different keys, and the write makes an object `d` beside `d/`.
   * @throws InvalidArgument, IntegrityMismatch, PairUnsupported, Conflict (`ifNotExists`: an object exists),
   *   ObjectModeInvalid (memory, fs: a directory at the path, named without its `/`; a file in the place of a parent), Aborted
   */
  write(path: string, body: Body, options?: WriteOptions & Extra<X, "write">): Promise<WriteResult>;
  /** A writable whose `finish` fires only once the object is stored; it errors as `write` fails. @throws InvalidArgument (a path ending in `/`, bad options) */
  createWriteStream(path: string, options?: WriteOptions & Extra<X, "write">): Writable;
  /**
   * Deletes one object (idempotent: a missing one is no error), a directory (`mode: "dir"`), or
   * aborts an upload (`multipartId`). A directory whose key is over `limits.keyMaximum` only by
   * its `/` cannot exist: nothing to delete, nothing sent. The work_dir itself (`""` or its
   * absolute path, with `mode: "dir"`) is never deleted, on any storage: `InvalidArgument`,
   * nothing sent (delete what is in it, or delete it by name from a storager opened on its parent).
   * On memory and fs `d` names the directory `d/` where one is: `delete("d")` is ObjectModeInvalid (give
   * `mode: "dir"`), as is `delete("f", { mode: "dir" })` of a file; on COS, OSS and QingStor `d` and `d/`
   * are different keys, so `delete("d")` deletes nothing (no error), nor does a file given `mode: "dir"`.
   * @throws InvalidArgument (a bad path, the work_dir itself, a key over `limits.keyMaximum`), ObjectNotExist (a bucket that does not exist), ObjectModeInvalid (a directory without `mode: "dir"`: `d/` on every storage, `d` on memory and fs; memory, fs: a file with it; with it, on object stores, a `d/` key another client filled with bytes), Conflict (a non-empty directory where the storage refuses), Aborted
   */
  delete(path: string, options?: DeleteOptions & Extra<X, "delete">): Promise<void>;
  /**
   * Deletes many objects (batched where the service can; else one at a time, 8 at once). Idempotent.
   * All paths are checked before anything is deleted: a bad path is `InvalidArgument`, and a
   * directory path (`d/`) where a directory is, made or implied, `ObjectModeInvalid` (as `delete`
   * says it; one stat per such path), each naming its position (`key 2 of the batch: ...`). After a
   * failure no further delete starts, and the call rejects once those in flight settled, so nothing
   * changes after it did. That rejection has the first failure's code and `batch`
   * (a `BatchOutcome`): the paths that failed, each with its code, those deleted and those never
   * attempted; its message names at most three. A batch answer the service sent as 200 without a
   * result (an error document, an empty or damaged body) is such a failure, never a success.
   * @throws InvalidArgument (a bad path, or `mode`/`multipartId`), ObjectModeInvalid (a directory path, on every storage; on memory and fs also a directory named without its `/`: memory before anything of that batch of 1,000 is deleted, fs when it gets to it, with `batch`), ObjectNotExist (a bucket that does not exist), PermissionDenied, ServiceInternal, Unexpected (an answer that could not be read), Aborted
   */
  deleteMany(paths: readonly string[], options?: DeleteOptions & Extra<X, "delete">): Promise<void>;
  /**
   * Every entry under `path`, paging internally. Once `signal` aborts, nothing more is yielded
   * (not even the rest of a page already fetched): the next step of the iteration throws `Aborted`.
   * Keys no path addresses (another client's keys with `\`, an empty, `.` or `..` segment, NUL or a
   * lone surrogate) are left out and reported by one process warning when the listing ends
   * (`code` `STOWAGE_UNLISTED_KEYS`, exported as `UNLISTED_KEYS_WARNING`; in part mode it counts
   * the uploads left out).
   * @throws InvalidArgument (a bad path: `x//` is refused, never listed as `x/`; a `token` this listing did
   *   not produce), CapabilityInsufficient, ObjectNotExist (a bucket that does not exist), Unexpected (a page
   *   marked truncated that gives no way on: never a short listing), Aborted
   */
  list(path: string, options?: ListOptions & Extra<X, "list">): AsyncIterable<ObjectInfo>;
  /**
   * One page of entries under `path` (a page may be short, or empty, before the last: see {@link ListPage});
   * keys no path addresses are left out of it and reported by a process warning for this page.
   * @throws InvalidArgument (a bad path; a `token` that is not a `nextToken` of this same listing: same
   *   service, bucket, path and mode), CapabilityInsufficient, ObjectNotExist (a bucket that does not exist),
   *   Unexpected (a page marked truncated that gives no way on), Aborted
   */
  listPage(path: string, options?: ListPageOptions & Extra<X, "list">): Promise<ListPage>;
  /**
   * Server-side copy of one object; overwrites `dst` (unless `ifNotExists`). Given `contentType`,
   * `metadata` or object headers, the copy carries exactly those (see {@link CopyOptions}). `onProgress` gets `{ bytes, total }` as the
   * service copies (a multipart copy: part by part) and `{ bytes: size, total: size }` once done.
   * A directory source (`d/`, or `d` where `d/` is a directory) is `ObjectModeInvalid` on every storage.
   * A directory destination named without its `/` (`d` where `d/` is one) is `ObjectModeInvalid` on
   * memory and fs, where `d` names that directory; on COS, OSS and QingStor `d` and `d/` are different
   * keys, and the copy makes an object `d` beside `d/`.
   * A missing source is `ObjectNotExist` whatever is at `dst`, with `ifNotExists` too (an object at `dst`
   * is `Conflict` only when the source is there).
   * @throws ObjectNotExist (the source), ObjectModeInvalid (a directory source; memory, fs: a directory destination `d`), InvalidArgument (a `dst` ending in `/`),
   *   Conflict (`ifNotExists` and an object at `dst`, where `writeIfNotExists` (COS, OSS, memory, fs); COS, OSS, QingStor:
   *   the source changed while it was copied; nothing copied), PairUnsupported (attributes without `copyAttributes`;
   *   `ifNotExists` without `writeIfNotExists`, as on QingStor), CapabilityInsufficient (fs: `ifNotExists` on a filesystem
   *   without hard links; nothing copied), IntegrityMismatch (COS, OSS, QingStor: the copy contradicts the source's
   *   checksum; the copy removed, unless made onto the source itself, which is kept), Unexpected (the onProgress listener threw);
   *   InvalidArgument also for an SSE-C key over http (COS, QingStor: before any request)
   */
  copy(src: string, dst: string, options?: CopyOptions & Extra<X, "copy">): Promise<void>;
  /**
   * Moves one object; overwrites `dst` (unless `ifNotExists`). `onProgress` as on {@link Storager.copy} (a rename reports its size once).
   * A missing source is `ObjectNotExist` whatever is at `dst`, with `ifNotExists` too. A directory, as source or
   * destination, is as on {@link Storager.copy}: on memory and fs `d` names the directory `d/`, on COS, OSS and
   * QingStor the move makes an object `d` beside `d/`.
   * @throws ObjectNotExist (the source), ObjectModeInvalid (a directory source; memory, fs: a directory destination `d`), InvalidArgument (a `dst` ending in `/`, the same object),
   *   Conflict (`ifNotExists` and an object at `dst`, where `writeIfNotExists` (COS, OSS, memory, fs); COS, OSS, fs: the
   *   source changed during the move; the source kept), PairUnsupported (`ifNotExists` without `writeIfNotExists`, as on
   *   QingStor), CapabilityInsufficient (fs: `ifNotExists` on a filesystem without hard links; nothing moved),
   *   Unexpected (the onProgress listener threw); on a storage with links, InvalidArgument (a link moved onto what it
   *   leads to, or a chain of more than 40 links) and the code of a stat of the source, or of a link it leads through,
   *   that a service refused (`PermissionDenied`, ...: nothing moved); InvalidArgument for an SSE-C key over http
   *   (COS, QingStor: before any request); Aborted
   */
  move(src: string, dst: string, options?: MoveOptions & Extra<X, "move">): Promise<void>;
  /**
   * Has the service fetch `url` into `path`. `onProgress` gets `{ bytes, total }` as bytes arrive
   * where the driver downloads (fs, memory; `total` when the server sent a length), and the final
   * size once stored. fs and memory follow at most 20 redirects, to http(s) URLs only, and store
   * the bytes as the server sent them (a body sent with `Content-Encoding` is never decoded).
   * A failing source is never `PermissionDenied` (that is the storage refusing the caller's
   * credential). On fs and memory, an error for the source's answer carries its status as `statusCode`.
   * @throws InvalidArgument (not an http(s) URL, a path ending in `/`; fs, memory: a redirect loop or
   *   a redirect to another scheme, or the source answered 401 or 403: not retryable), ObjectNotExist
   *   (also the source's 404), CapabilityInsufficient (QingStor opened with an SSE-C key), RequestThrottled
   *   (fs, memory: the source answered 429), ServiceInternal (the source failed (5xx; QingStor: also its
   *   401/403), refused or reset the connection, could not be resolved, or its body broke off: retryable),
   *   Aborted, Unexpected (the onProgress listener threw; fs, memory: the source answered another status)
   */
  fetch(path: string, url: string, options?: FetchOptions & Extra<X, "fetch">): Promise<void>;
  /** Creates a directory (idempotent). */
  createDir(path: string, options?: CreateDirOptions & Extra<X, "createDir">): Promise<ObjectInfo>;
  /**
   * Makes `path` a symbolic link to `target` (a path like any other, inside the work_dir; it need
   * not exist). A link already at `path` is replaced, and so is an object where the service lets
   * a link overwrite one. Stat and list report the link itself (`mode: "link"`, `linkTarget` the
   * target's absolute path); reads and `copy` follow it to the target; `move` and `delete` act on
   * the link itself.
   * A target that leads back to `path` through the links already there would close a loop: refused.
   * @throws CapabilityInsufficient, InvalidArgument (a directory path or target, a link to itself or
   *   to links leading back to it or through more than 40 links, a target outside the work_dir), ObjectModeInvalid
   *   (a directory is at `path`), Aborted
   */
  createLink(path: string, target: string, options?: CreateLinkOptions & Extra<X, "createLink">): Promise<ObjectInfo>;
  /**
   * A request anyone can send until it expires: to read, write or delete `path`, or to upload part
   * `index` of multipart upload `multipartId` (`writeMultipart`; the part's ETag comes back in the
   * answer's `ETag` header, for `completeMultipart`). A `size` or `offset` given binds the URL only
   * where `features.presignBindsSize` is true (COS); on OSS and QingStor they are headers to send.
   * @throws CapabilityInsufficient, InvalidArgument (expiry, an option the operation does not take,
   *   a part index out of range, a write or multipart step at a path ending in `/`), PairRequired
   *   (`expires`; `multipartId` and `index` for writeMultipart), Aborted (an aborted `signal`), ServiceInternal
   *   (QingStor without `location`: the zone detection a presign waits for could not reach the service)
   */
  presign(op: PresignOperation, path: string, options: PresignOptions & Extra<X, "presign">): Promise<PresignedRequest>;
  /** Creates (or resets to empty) an appendable object. @throws InvalidArgument (a path ending in `/`), ObjectModeInvalid, CapabilityInsufficient */
  createAppend(path: string, options?: CreateAppendOptions & Extra<X, "createAppend">): Promise<ObjectInfo>;
  /**
   * Appends at `obj.appendOffset` and advances it; `obj.crc64` becomes the object's CRC-64 as the
   * storage reported it, or is removed where it reports none (see {@link AppendResult}). What is
   * checked beyond the position depends on the storage: a CRC-64 answer (OSS, memory, COS where
   * it sends one) or the bytes before the append (fs, memory); QingStor checks the position only.
   * An append aborted in flight may have been applied: stat the object (its size) to tell.
   * @throws Conflict (the position moved), ObjectModeInvalid (not appendable; memory, fs: not the
   *   object `obj` describes any more), IntegrityMismatch, InvalidArgument (a malformed
   *   `obj.appendOffset` or `obj.crc64`, a chunk or object past `features.limits`; nothing sent), Aborted
   */
  writeAppend(obj: ObjectInfo, body: Body, options?: WriteAppendOptions & Extra<X, "writeAppend">): Promise<AppendResult>;
  /** Finishes an appendable object (a no-op on most services). @throws ObjectModeInvalid (not an append object), Aborted */
  commitAppend(obj: ObjectInfo, options?: CommitAppendOptions & Extra<X, "commitAppend">): Promise<void>;
  /** Starts a multipart upload: a `part` object with `multipartId`. @throws InvalidArgument (a path ending in `/`), CapabilityInsufficient */
  createMultipart(path: string, options?: CreateMultipartOptions & Extra<X, "createMultipart">): Promise<ObjectInfo>;
  /** Uploads part `index` (0-based). */
  writeMultipart(obj: ObjectInfo, body: Body, options: WriteMultipartOptions & Extra<X, "writeMultipart">): Promise<Part>;
  /**
   * Completes the upload from `parts` (any order; sorted, and checked against the uploaded parts
   * first: one not uploaded, or of another size, ETag or CRC-64, is `Conflict` and the upload is kept).
   * A part's `crc64` is checked against the one the service lists or, where it lists none (COS,
   * QingStor), the one core hashed when this process uploaded the part with `writeMultipart`; one
   * nothing can check (a part uploaded elsewhere) is never believed: it never becomes the object's
   * CRC-64 and never has the object deleted.
   * @throws Conflict (a part not uploaded or unlike the uploaded one), InvalidArgument (no parts, a gap or a duplicate index),
   *   IntegrityMismatch (the completed object hashed differently from the parts' known CRC-64s: it was
   *   deleted; or from a combination that includes an unchecked `crc64`: it was kept), ObjectNotExist (no such upload),
   *   InvalidArgument also for an SSE-C key over http (COS, QingStor; core lists the parts first, sending no key)
   */
  completeMultipart(obj: ObjectInfo, parts: readonly Part[], options?: CompleteMultipartOptions & Extra<X, "completeMultipart">): Promise<WriteResult>;
  /** The parts uploaded so far. */
  listMultipart(obj: ObjectInfo, options?: ListMultipartOptions & Extra<X, "listMultipart">): AsyncIterable<Part>;
  /**
   * Asks the service to restore an object of an archive storage class (COS ARCHIVE, DEEP_ARCHIVE;
   * OSS Archive, ColdArchive, DeepColdArchive: until then reads and copies of it fail with
   * `Conflict`) for `days` (default 1). Resolves once the service accepted the request, which is
   * not when the object is readable: `stat` reports `restore: { ongoing: true }` until it is, then
   * `{ ongoing: false, expiresAt }`. An object restored already gets its expiry extended
   * (`alreadyRestored`). The drivers stat the object first (one HEAD) to check its class, `days` and
   * `tier` before the restore request is sent.
   * @throws CapabilityInsufficient (a storage without restore: memory, fs, QingStor), InvalidArgument (a path ending in `/`;
   *   `days` not a whole number of at least 1 or over `limits.restoreDaysMaximum`, a `tier` not Expedited, Standard or Bulk:
   *   nothing sent; a `days` or `tier` the object's class does not take: nothing sent after the stat), ObjectNotExist,
   *   ObjectModeInvalid (the object is in no archive class, or is a link: there is nothing to restore), Conflict (a restore
   *   of it is under way already: 409 RestoreAlreadyInProgress), PermissionDenied, Aborted
   */
  restore(path: string, options?: RestoreOptions & Extra<X, "restore">): Promise<RestoreResult>;
}
