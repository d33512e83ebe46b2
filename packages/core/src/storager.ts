import type { Readable } from "node:stream";
import type { StorageFeatures } from "./features.js";
import type { MultipartInfo, ObjectInfo, Part } from "./object/object-info.js";
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
  DeleteManyOptions,
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
import { DRIVER_OPTIONS, type Extra, type ExtraOptions } from "./extra-options.js";
import type { AppendResult, ListPage, PresignedRequest, RestoreResult, StorageInfo, WriteResult } from "./storager-results.js";
import type { ObjectWriteStream } from "./storager/write-stream.js";

export * from "./extra-options.js";
export * from "./storager-results.js";

/**
 * One storage: a bucket (or directory) below a work_dir, with every operation.
 * Every call rejects with a `StorageError` and takes `signal`; transfers take `onProgress`.
 *
 * Besides the codes each member names, every call may fail with:
 * - `InvalidArgument`: a path that is no path (not a string; an empty, `.` or `..` segment; NUL; an absolute path outside
 *   the work_dir; one ending in `/` where the call makes an object), a key over `limits.keyMaximum`, options that are
 *   not an object, an option value of the wrong type or form.
 * - `PairUnsupported`: an option the operation does not take, or one whose feature the storage lacks (dropped instead
 *   with `enable_loose_pair`).
 * - `CapabilityInsufficient`: an operation, or a feature it needs (ranged reads, a list mode), the storage lacks (see `features`).
 * - `Aborted`: once `signal` fired, whatever else went wrong.
 * - COS, OSS and QingStor, on a call that sends requests: `PermissionDenied` (the credential refused, a credential provider
 *   that failed), `RequestThrottled` and `ServiceInternal` (retryable: throttling, a 5xx, a network failure, once
 *   `max_retries` are spent), `ObjectNotExist` (the bucket does not exist), `Unexpected` (an unreadable answer, a TLS failure).
 * - fs: `PermissionDenied` (the filesystem refused access), `ServiceInternal` (a full file system or quota,
 *   not retryable; too many open files, retryable), `Unexpected` (another filesystem error, named).
 *
 * `X` adds a driver's own options to the calls (`Storager<CosOptions>`: see `ExtraOptionsOf`). A
 * `Storager<CosOptions>` passes where a plain `Storager` is expected; a plain one, or one of another
 * driver, does not pass for a `Storager<CosOptions>`: narrow it with the driver's guard
 * (`isCosStorager(store)`), which checks `info.service`.
 */
export interface Storager<X extends ExtraOptions = ExtraOptions> {
  /** Who this storager is: service type, bucket (or root) name, work_dir. */
  readonly info: StorageInfo;
  /** What the storage can do, and its limits; frozen. */
  readonly features: Readonly<StorageFeatures>;
  /**
   * Type-only, never set: records `X`, so that the type of a storager says which driver's options
   * its calls take (see {@link DRIVER_OPTIONS}).
   */
  readonly [DRIVER_OPTIONS]?: X;

  /**
   * Metadata of one object (of a directory with `mode: "dir"`). A directory whose key is over
   * `limits.keyMaximum` only by its `/` cannot exist: ObjectNotExist, nothing sent. On memory and fs
   * `d` names the directory `d/` where one is, and its stat is returned (`path` `d/`, mode `dir`); on
   * COS, OSS and QingStor `d` and `d/` are different keys: `stat("d")` is ObjectNotExist (ask `d/`).
   * @throws ObjectNotExist (nothing at `path`; with `multipartId`, no such upload), Conflict (`ifMatch`/`ifNoneMatch`
   *   does not hold), PermissionDenied, InvalidArgument (a `mode` other than `dir`; COS, QingStor: an SSE-C key over
   *   http, a bad key, an algorithm without a key, before any request), ObjectModeInvalid (fs: a fifo, socket or device)
   */
  stat(path: string, options?: StatOptions & Extra<X, "stat">): Promise<ObjectInfo>;
  /**
   * The object's bytes (or a range). Whole-object reads are CRC64-checked where the service sends one.
   * @throws ObjectNotExist, ObjectModeInvalid (a directory), Conflict (`ifMatch`/`ifNoneMatch`; COS, OSS: an archived
   *   object not restored), IntegrityMismatch (a wrong length, CRC-64 or MD5; the object changed during a resumed read),
   *   ServiceInternal (retryable: a body that broke past the resume budget, or at all when nothing pins the
   *   object's version: no ETag, no CRC-64), InvalidArgument (memory, fs, QingStor: more links in a row than the
   *   storage follows, e.g. a loop), Unexpected (the `onProgress` or `onObject` listener threw), Aborted
   */
  read(path: string, options?: ReadOptions & Extra<X, "read">): Promise<Buffer>;
  /**
   * Streams the object; the stream errors with `IntegrityMismatch` rather than ending on corrupt data.
   * Read it to its end or destroy it: until then an HTTP service's stream holds one of the host's
   * `max_connections` for reads (other requests, writes included, have as many of their own; a read
   * finding all busy waits, with no timer, for one to be freed). A reader may
   * pause for long (backpressure); after 10 × `request_timeout` paused (at least 10 min) its connection
   * is closed, and the rest is asked for again once it reads on. On fs a stream dropped without
   * `destroy()` holds its file open until garbage collection, when Node closes it with a warning.
   * @throws nothing itself: the stream errors with the codes of `read` (ObjectNotExist, ObjectModeInvalid, Conflict,
   *   IntegrityMismatch, ServiceInternal, InvalidArgument, Unexpected, Aborted)
   */
  createReadStream(path: string, options?: ReadOptions & Extra<X, "read">): Readable;
  /**
   * Stores a body of any size (multipart above the threshold). Overwrites, unless `ifNotExists`. Parts are sized to
   * fit the body's length where core knows it: `size`, a Buffer's or string's, or (a hint, not a limit) the file of an
   * `fs.ReadStream` opened by path; any other stream holds at most `partSize` × `limits.multipartNumberMaximum` bytes.
   * On memory and fs `d` names the directory `d/` where one is: a write onto it is ObjectModeInvalid;
   * on COS, OSS and QingStor `d` and `d/` are different keys, and the write makes an object `d` beside `d/`.
   * @throws InvalidArgument (a body that is no Body or is shorter than `size`, `resumeOffset` without `multipartId` or
   *   not on a part boundary, a body past the service's size limits; a stream of unknown length past the above: at
   *   its first part too many, the parts before it sent), IntegrityMismatch (the body is not `contentMd5` or
   *   `crc64`; the service stored other bytes), Conflict (`ifNotExists`: an object exists), ObjectModeInvalid (memory,
   *   fs: a directory at the path, named without its `/`; a file in the place of a parent), ObjectNotExist (`multipartId`:
   *   no such upload), Unexpected (the `onProgress` listener threw; the body's stream failed with an error that is no
   *   StorageError), Aborted. A body that is another storage's read stream and fails rejects the write with that
   *   stream's StorageError as it is: its own code (`ObjectNotExist` of a missing source...), op (`read`), service
   *   and path, not this write's.
   */
  write(path: string, body: Body, options?: WriteOptions & Extra<X, "write">): Promise<WriteResult>;
  /**
   * A writable whose `finish` fires only once the object is stored; it errors as `write` fails. Once
   * `finish` fired, its `result` is what `write` would have returned (the {@link WriteResult}: size,
   * ETag, verified CRC-64, `crc64Confirmed`); until then, and after a failure, it is undefined.
   * Without `size` it holds at most `partSize` × `limits.multipartNumberMaximum` bytes (78.1 GiB at
   * 8 MiB and 10,000 parts).
   * @throws nothing itself: the stream errors with the codes of `write` (InvalidArgument, also past that,
   *   IntegrityMismatch, Conflict, ObjectModeInvalid, ObjectNotExist, Unexpected, Aborted); fed by `pipeline` from
   *   a source that fails (another storage's read stream), with that source's own error as it is, nothing stored
   */
  createWriteStream(path: string, options?: WriteOptions & Extra<X, "write">): ObjectWriteStream;
  /**
   * Deletes one object (idempotent: a missing one is no error), a directory (`mode: "dir"`), or
   * aborts an upload (`multipartId`). A directory whose key is over `limits.keyMaximum` only by
   * its `/` cannot exist: nothing to delete, nothing sent. The work_dir itself (`""` or its
   * absolute path, with `mode: "dir"`) is never deleted, on any storage: `InvalidArgument`,
   * nothing sent (delete what is in it, or delete it by name from a storager opened on its parent).
   * On memory and fs `d` names the directory `d/` where one is: `delete("d")` is ObjectModeInvalid (give
   * `mode: "dir"`), as is `delete("f", { mode: "dir" })` of a file; on COS, OSS and QingStor `d` and `d/`
   * are different keys, so `delete("d")` deletes nothing (no error), nor does a file given `mode: "dir"`.
   * @throws InvalidArgument (a bad path, the work_dir itself, a key over `limits.keyMaximum`, `mode: "dir"` with `multipartId`), ObjectNotExist (a bucket that does not exist), ObjectModeInvalid (a directory without `mode: "dir"`: `d/` on every storage, `d` on memory and fs; memory, fs: a file with it; with it, on object stores, a `d/` key another client filled with bytes), Conflict (a non-empty directory where the storage refuses), Aborted
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
  deleteMany(paths: readonly string[], options?: DeleteManyOptions & Extra<X, "delete">): Promise<void>;
  /**
   * Every entry under `path`, paging internally. Once `signal` aborts, nothing more is yielded
   * (not even the rest of a page already fetched): the next step of the iteration throws `Aborted`.
   * Keys no path addresses (another client's keys with `\`, an empty, `.` or `..` segment, NUL or a
   * lone surrogate) are left out and reported by one process warning when the listing ends
   * (`code` `STOWAGE_UNLISTED_KEYS`, exported as `UNLISTED_KEYS_WARNING`; in part mode it counts
   * the uploads left out).
   * @throws InvalidArgument (a bad path: `x//` is refused, never listed as `x/`; a `token` this listing did
   *   not produce), CapabilityInsufficient, ObjectNotExist (a bucket that does not exist), ObjectModeInvalid (fs: a
   *   work_dir that is a regular file, or below one), Unexpected (a page marked truncated that gives no way on: never a
   *   short listing), Aborted
   */
  list(path: string, options?: ListOptions & Extra<X, "list">): AsyncIterable<ObjectInfo>;
  /**
   * One page of entries under `path` (a page may be short, or empty, before the last: see {@link ListPage});
   * keys no path addresses are left out of it and reported by a process warning for this page.
   * @throws InvalidArgument (a bad path; a `token` that is not a `nextToken` of this same listing: same
   *   service, bucket, path and mode), CapabilityInsufficient, ObjectNotExist (a bucket that does not exist),
   *   ObjectModeInvalid (fs: a work_dir that is a regular file, or below one), Unexpected (a page marked truncated
   *   that gives no way on), Aborted
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
   * @throws ObjectNotExist (the source), ObjectModeInvalid (a directory source; memory, fs: a directory destination `d`, a file in the place of its parent), InvalidArgument (a `dst` ending in `/`),
   *   Conflict (`ifNotExists` and an object at `dst`, where `writeIfNotExists` (COS, OSS, memory, fs); COS, OSS, QingStor:
   *   the source changed while it was copied, nothing copied; COS, OSS: an archived source not restored), PairUnsupported (attributes without `copyAttributes`;
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
   * On COS and OSS (a copy, a stat of the source again, then a delete, which these services cannot make conditional),
   * a source overwritten between that second stat and the delete (one round trip) is still deleted without having been
   * copied: the write, acknowledged to its writer, is lost and the destination holds the version copied.
   * @throws ObjectNotExist (the source), ObjectModeInvalid (a directory source; memory, fs: a directory destination `d`, a file in the place of its parent), InvalidArgument (a `dst` ending in `/`, the same object),
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
   *   a redirect to another scheme, the source answered 401 or 403, or its TLS certificate was refused: not retryable), ObjectNotExist
   *   (also the source's 404), CapabilityInsufficient (COS, OSS: no fetch; QingStor opened with an SSE-C key), Conflict
   *   (QingStor: a fetch into the path is under way), ObjectModeInvalid (memory, fs: a directory at the path, named
   *   without its `/`, or a file in the place of a parent: nothing fetched), RequestThrottled
   *   (fs, memory: the source answered 429), ServiceInternal (the source failed (5xx; QingStor: also its
   *   401/403), refused or reset the connection, could not be resolved, or its body broke off: retryable),
   *   Aborted, Unexpected (the onProgress listener threw; fs, memory: the source answered another status)
   */
  fetch(path: string, url: string, options?: FetchOptions & Extra<X, "fetch">): Promise<void>;
  /**
   * Creates a directory (idempotent). On COS, OSS and QingStor it is a `d/` marker, made beside an object `d`.
   * @throws ObjectModeInvalid (memory, fs: a file at the path, named without its `/`, or in the place of a parent)
   */
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
   *   (memory, fs: a directory is at `path`, or a file in the place of a parent; OSS and QingStor, where `d` and `d/`
   *   are different keys, make a link `d` beside a directory `d/`), Aborted
   */
  createLink(path: string, target: string, options?: CreateLinkOptions & Extra<X, "createLink">): Promise<ObjectInfo>;
  /**
   * A request anyone can send until it expires: to read, write or delete `path`, or to upload part
   * `index` of multipart upload `multipartId` (`writeMultipart`; the part's ETag comes back in the
   * answer's `ETag` header, for `completeMultipart`). A `size` or `offset` given binds the URL only
   * where `features.presignBindsSize` is true (COS); on OSS and QingStor they are headers to send.
   *
   * A URL binds only what its signature covers, and that differs by service: a holder may add what
   * is not covered. COS covers only the parameters and headers its `q-url-param-list` and
   * `q-header-list` name: a holder may add others (`x-cos-copy-source` turns a write URL into a copy
   * of any object the credentials can read; `response-*` overrides; `uploadId` and `partNumber`;
   * `x-cos-meta-*`, a storage class). OSS V1 covers the key, Content-Type, Content-MD5, `x-oss-*`
   * headers and its sub-resources (overrides, `uploadId`, `partNumber`...), no other header; OSS V4
   * every query parameter, those headers and its additional (object) headers; QingStor Content-Type,
   * Content-MD5, `x-qs-*` headers and its sub-resources. Where that matters, presign with credentials
   * that can do no more than the URL should (temporary credentials scoped to the path and action).
   * @throws CapabilityInsufficient, InvalidArgument (expiry, an option the operation does not take,
   *   a part index out of range, a write or multipart step at a path ending in `/`; OSS V1: a key with
   *   `?`; OSS V1 and QingStor: an `&` in an override or `multipartId`, which they sign unescaped),
   *   PairUnsupported (an unknown option, `metadata`, `ifNotExists`, an option the storage lacks such as
   *   `contentDisposition` on QingStor), PairRequired (`expires`; `multipartId` and `index` for
   *   writeMultipart), PermissionDenied (a `credentialProvider` failed), Aborted (an aborted `signal`),
   *   ServiceInternal (QingStor without `location`: the zone detection a presign waits for could not
   *   reach the service)
   */
  presign(op: PresignOperation, path: string, options: PresignOptions & Extra<X, "presign">): Promise<PresignedRequest>;
  /**
   * Creates (or resets to empty) an appendable object, replacing what is at the path (a link there
   * too, not what it leads to).
   * @throws ObjectModeInvalid (memory, fs: a directory at the path, named without its `/`; a file in the place of a
   *   parent), CapabilityInsufficient (COS and QingStor opened with an SSE-C key; COS with an SSE default: the
   *   message says so), InvalidArgument (a path ending in `/`), IntegrityMismatch (COS, OSS: the empty append was
   *   answered with a CRC-64 other than 0; the object was made)
   */
  createAppend(path: string, options?: CreateAppendOptions & Extra<X, "createAppend">): Promise<ObjectInfo>;
  /**
   * Appends at `obj.appendOffset` and advances it; `obj.crc64` becomes the object's CRC-64 as the
   * storage reported it, or is removed where it reports none (see {@link AppendResult}). What is
   * checked beyond the position depends on the storage: a CRC-64 answer (OSS, memory, COS where
   * it sends one) or the bytes before the append (fs, memory); QingStor checks the position only.
   * An append aborted in flight may have been applied: stat the object (its size) to tell.
   * The whole chunk is read into memory before it is sent (an append is one request), unlike
   * `write`: it is at most `features.limits.appendSizeMaximum`, and never more than one Buffer
   * holds (`buffer.constants.MAX_LENGTH`, 4 GiB on Node 20), on memory and fs too. After the append
   * `obj` has no `etag`, `contentMd5` or `lastModified` (those of the object before it): stat for them.
   * Through a link, memory and fs append to what it leads to (the link kept). To go on after a
   * restart, `stat` gives an append object (memory, COS, OSS, QingStor); on fs, which keeps no
   * append flag, build one: `{ path, mode: "append", appendOffset: size }` (it appends to any file).
   * A `Readable` or async iterable body is always read to its end or closed, as `write`'s: a call
   * that fails, even before reading it (an aborted `signal`, a bad `obj`), destroys the stream.
   * @throws Conflict (the position moved), ObjectModeInvalid (not appendable; memory, fs: not the
   *   object `obj` describes any more), IntegrityMismatch (an answer that contradicts the chunk: it
   *   was stored and `obj` not advanced, stat the object), InvalidArgument (a malformed
   *   `obj.appendOffset` or `obj.crc64`, a path ending in `/`, a chunk or object past `features.limits` or
   *   what one Buffer holds: refused before the body is read when its size is known; nothing sent), ObjectNotExist (memory,
   *   fs: no object at the path), Unexpected (the `onProgress` listener threw: the bytes are appended), Aborted,
   *   CapabilityInsufficient (as for createAppend)
   */
  writeAppend(obj: ObjectInfo, body: Body, options?: WriteAppendOptions & Extra<X, "writeAppend">): Promise<AppendResult>;
  /**
   * Finishes an appendable object (a no-op on most services).
   * @throws InvalidArgument (`obj` is no ObjectInfo with a path, or its path ends in `/`, as for
   *   writeAppend: on every storage), ObjectModeInvalid (`obj.mode` is not `"append"`: on every storage;
   *   besides, memory's and fs's own checks of the path: memory, an object there that is not appendable;
   *   memory and fs, a directory there; COS, OSS and QingStor look at nothing), ObjectNotExist (memory,
   *   fs: no object at the path), Aborted
   */
  commitAppend(obj: ObjectInfo, options?: CommitAppendOptions & Extra<X, "commitAppend">): Promise<void>;
  /**
   * Starts a multipart upload: a `part` object with its `multipartId` (keep it to resume or abort the upload).
   * An abort while the Initiate is in flight gives it 10 s to answer (the service may have made the
   * upload whatever happens to the request), then aborts the upload it answered with (within 10 s)
   * and rejects `Aborted`, as a multipart `write` does; when that abort timed out or failed, the
   * message names the upload id and key left behind. An Initiate that got no answer in time may
   * still have made an upload that nothing names (`stowage uploads --abort` removes it).
   * @throws ObjectModeInvalid (memory, fs: a directory at the path, named without its `/`; a file in the place of a parent),
   *   Aborted
   */
  createMultipart(path: string, options?: CreateMultipartOptions & Extra<X, "createMultipart">): Promise<MultipartInfo>;
  /**
   * Uploads part `index` (0-based) of `obj`'s upload. A `Readable` or async iterable body is always
   * read to its end or closed, as `write`'s: a call that fails, even before reading it (an aborted
   * `signal`, a bad `index`), destroys the stream (a file stream closes its file).
   * @throws PairRequired (no `index`), InvalidArgument (`obj` is no ObjectInfo with a path; an `index` past
   *   `limits.multipartNumberMaximum`, a body that is no Body or is over `limits.multipartSizeMaximum`), ObjectModeInvalid
   *   (`obj` is no `part` object with `multipartId`), ObjectNotExist (no such upload), IntegrityMismatch (the body is not
   *   `contentMd5`; the service stored other bytes), Unexpected (the `onProgress` listener threw), Aborted
   */
  writeMultipart(obj: ObjectInfo, body: Body, options: WriteMultipartOptions & Extra<X, "writeMultipart">): Promise<Part>;
  /**
   * Completes the upload from `parts` (any order; sorted, and checked against the uploaded parts
   * first: one not uploaded, or of another size, ETag or CRC-64, is `Conflict` and the upload is kept; an
   * upload aborted or completed meanwhile, its listing missing parts, is `ObjectNotExist`).
   * A part's `crc64` is checked against the one the service lists or, where it lists none (COS,
   * QingStor), the one core hashed when this process uploaded the part with `writeMultipart`; one
   * nothing can check (a part uploaded elsewhere) is never believed: it never becomes the object's
   * CRC-64 and never has the object deleted. The result's `crc64Confirmed` is true when the
   * service's CRC-64 of the completed object was found equal to the parts' known ones combined.
   * @throws Conflict (a part not uploaded or unlike the uploaded one; `ifNotExists` and an object at the path: nothing
   *   completed), InvalidArgument (`obj` is no ObjectInfo with a path; no parts, a malformed part, a gap or a duplicate
   *   index; more parts than one upload holds, `limits.completePartsMaximum` or else `multipartNumberMaximum`, before
   *   anything is sent), ObjectModeInvalid (`obj` is no `part` object with `multipartId`; memory, fs: a directory or a file in the
   *   way of the path, made since the upload began: the upload kept), IntegrityMismatch (the completed object
   *   hashed differently from the parts' known CRC-64s: it was deleted; or from a combination that includes an unchecked
   *   `crc64`: it was kept), ObjectNotExist (no such upload, also one aborted or completed while it was checked), InvalidArgument also for an SSE-C key over http (COS,
   *   QingStor; core lists the parts first, sending no key)
   */
  completeMultipart(obj: ObjectInfo, parts: readonly Part[], options?: CompleteMultipartOptions & Extra<X, "completeMultipart">): Promise<WriteResult>;
  /**
   * The parts uploaded so far.
   * @throws InvalidArgument (`obj` is no ObjectInfo with a path), ObjectModeInvalid (`obj` is no `part` object with
   *   `multipartId`), ObjectNotExist (no such upload), Unexpected (a page marked truncated that gives no way on), Aborted
   */
  listMultipart(obj: ObjectInfo, options?: ListMultipartOptions & Extra<X, "listMultipart">): AsyncIterable<Part>;
  /**
   * Asks the service to restore an object of an archive storage class (COS ARCHIVE, DEEP_ARCHIVE;
   * OSS Archive, ColdArchive, DeepColdArchive: until then reads and copies of it fail with
   * `Conflict`) for `days` (default 1). Resolves once the service accepted the request, which is
   * not when the object is readable: `stat` reports `restore: { ongoing: true }` until it is, then
   * `{ ongoing: false, expiresAt }`. An object restored already gets a new expiry (`alreadyRestored`;
   * COS sets it `days` from now, OSS adds `days`, up to the class's maximum). The drivers stat the
   * object first (one HEAD) to check its class, `days` and `tier` before the restore request is
   * sent; when that HEAD is refused (400 or 403) the restore is sent unchecked and the service judges.
   * @throws CapabilityInsufficient (a storage without restore: memory, fs, QingStor), InvalidArgument (a path ending in `/`;
   *   `days` not a whole number of at least 1 or over `limits.restoreDaysMaximum`, a `tier` not Expedited, Standard or Bulk:
   *   nothing sent; a `days` or `tier` the object's class does not take: nothing sent after the stat), ObjectNotExist,
   *   ObjectModeInvalid (the object is in no archive class, or is no plain object: a link, an append object; there is
   *   nothing to restore), Conflict (a restore of it is under way already: 409 RestoreAlreadyInProgress), PermissionDenied, Aborted
   */
  restore(path: string, options?: RestoreOptions & Extra<X, "restore">): Promise<RestoreResult>;
}
