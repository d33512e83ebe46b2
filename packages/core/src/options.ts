import type { Readable } from "node:stream";
import type { ObjectHeaderOptions, ObjectHeaders } from "./object/object-headers.js";
import type { ObjectInfo, Part } from "./object/object-info.js";

/** Progress of one transfer: bytes moved so far and, when known, the total. */
export interface Progress {
  bytes: number;
  total?: number;
}

/**
 * Receives {@link Progress} as bytes move. Called often: keep it cheap. A synchronous throw fails
 * the transfer; a listener is not awaited, and a promise it returns that rejects is dropped.
 */
export type ProgressListener = (progress: Progress) => void;

/**
 * Accepted by every operation. In this and every other options type an option may be given as
 * `undefined` (`size: info.size` where that is unknown, under `exactOptionalPropertyTypes` too),
 * which is the same as leaving it out: no check, no default overridden.
 */
export interface CallOptions {
  /** Aborting rejects the call with `Aborted` and cancels its I/O. */
  signal?: AbortSignal | undefined;
}

/** Accepted by every operation that moves bytes. */
export interface TransferOptions extends CallOptions {
  onProgress?: ProgressListener | undefined;
}

/** What can be written: bytes, text (UTF-8), a Node stream or any async iterable of bytes. */
export type Body = Buffer | Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/** Options of `stat`. */
export interface StatOptions extends CallOptions, Conditions {
  /** Stat the in-progress multipart upload with this id instead of the object. */
  multipartId?: string | undefined;
  /** `"dir"`: stat the directory (the `path/` marker on object stores). */
  mode?: "dir" | undefined;
}

/**
 * Conditions on the object's ETag (feature `conditionalRead`), as HTTP's `If-Match` and
 * `If-None-Match`: quotes and case do not matter, `*` stands for any object. A condition that
 * does not hold fails the call with `Conflict`, its `statusCode` 412 for `ifMatch` and 304 (not
 * modified) for `ifNoneMatch`.
 */
export interface Conditions {
  /** Go ahead only while the object's ETag is this one (optimistic concurrency: it did not change since). */
  ifMatch?: string | undefined;
  /** Go ahead only when the object's ETag is not this one (a cache revalidation: it changed since). */
  ifNoneMatch?: string | undefined;
}

/** Options of `read` and `createReadStream`. */
export interface ReadOptions extends TransferOptions, Conditions {
  /** First byte to read (default 0). */
  offset?: number | undefined;
  /** Bytes to read (default: to the end). 0 reads nothing. */
  size?: number | undefined;
  /**
   * Ranges fetched at once (default 1: one request). Above 1, a read that may span more than
   * `readPartSize` bytes (no `size`, or a larger one) stats the object, and when it does span more,
   * fetches it in ranges, this many in flight, delivered in order; up
   * to `readConcurrency + 1` ranges are held (one more in a consumer that buffers). Where one
   * connection is slower than the link (long distances), this multiplies a large download's speed.
   * Each range must come from the object the stat described (ETag, size), and a whole read is
   * checked against the CRC-64 the stat reported: on a service without CRC-64 (QingStor, fs) a whole
   * read stays one stream, with that stream's own checks (and one asked without `size` sends no stat).
   */
  readConcurrency?: number | undefined;
  /** Range size of a concurrent read (default 8 MiB). */
  readPartSize?: number | undefined;
  /**
   * Called once, when the service's answer arrived and before the stream delivers its first byte
   * or ends, with what that answer says of the object: size (the whole object's, whatever range
   * was asked), ETag, content type, user metadata, the object headers (Cache-Control, ...), as `stat`
   * would return them (its `path` echoes the caller's form). A concurrent read (`readConcurrency`)
   * that stats the object first passes the stat's answer. Undefined when the answer describes no
   * object (a read of 0 bytes, which sends no GET; a range, an `offset` above 0 or a `size`, that
   * starts at or past the object's end, on every storage: a service answers that GET with a 416,
   * and memory and fs tell the same; a driver that reports nothing). Not called when the read
   * fails first. Lets a copy between storages keep what the source object has without a stat per
   * object. A listener that throws fails the read: with its StorageError as is, anything else as
   * `Unexpected`.
   */
  onObject?: ((object: ObjectInfo | undefined) => void) | undefined;
}

/** Tuning of multipart uploads; core picks sane values when absent. */
export interface MultipartTuning {
  /**
   * Bodies larger than this go multipart (a stream of unknown size once more than this has been read
   * from it); a body written in one request is held in memory whole. Cut to what one request carries:
   * `limits.writeSizeMaximum` and what one Buffer holds (4 GiB on Node.js 20).
   */
  multipartThreshold?: number | undefined;
  /**
   * Part size in bytes, raised as needed to fit the part-count limit when the body's length is known
   * (`size`, bytes, a file stream's file); a stream of unknown length holds at most this × that limit.
   */
  partSize?: number | undefined;
  /** Parts uploaded at once. Up to 6 parts are kept in memory, hashed ahead of their upload, or `concurrency` when that is more (see `readAheadFor`). */
  concurrency?: number | undefined;
  /**
   * Send Content-MD5 with each part (default true). `false` saves the MD5 of every
   * part (about 40% of an upload's CPU); each part's CRC-64 is still verified before
   * complete. Ignored where the service returns no CRC-64.
   */
  partContentMd5?: boolean | undefined;
}

/** Options of `write` and `createWriteStream`; the {@link ObjectHeaders} are stored with the object. */
export interface WriteOptions extends TransferOptions, MultipartTuning, ObjectHeaderOptions {
  /** Exact number of bytes to store: a longer body is truncated, a shorter one fails with `InvalidArgument`. */
  size?: number | undefined;
  /** Content-Type stored with the object and answered with its reads (default: `default_content_type`, else the service's). */
  contentType?: string | undefined;
  /** Base64 MD5 the service must check (single-request writes only). */
  contentMd5?: string | undefined;
  /** User metadata (keys are lower-cased). */
  metadata?: Record<string, string> | undefined;
  /** Storage class to store the object in (`STANDARD_IA`, ...: the service's names; default: `default_storage_class`, else the service's). */
  storageClass?: string | undefined;
  /**
   * Store the object only where none exists at its path (feature `writeIfNotExists`): the service
   * decides atomically, a multipart write at its Complete (after a stat that fails early, before any
   * part is sent); where one exists, `Conflict` (its `statusCode` 409 or 412) and nothing changed.
   */
  ifNotExists?: boolean | undefined;
  /**
   * Resume this multipart upload: parts already uploaded and verified are not sent again. The
   * object gets what the upload was created with (its `contentType`, `metadata`, `storageClass`
   * and object headers, sent by its Initiate): those given to the resumed write are not sent again,
   * so give the same values (QingStor, whose uploads take no object headers, refuses them).
   */
  multipartId?: string | undefined;
  /**
   * With `multipartId`: the body holds the object from this byte on, a whole number of parts in
   * (`partSize` must be the upload's). The parts before it are kept as the service holds them, each
   * whole with the CRC-64 it reports, and are not read again: a download resumed this way does not
   * fetch them twice. Give `crc64` (the source's) so that stale parts stop the write before it
   * completes; `size` stays the whole object's.
   */
  resumeOffset?: number | undefined;
  /**
   * CRC-64/ECMA-182 (decimal) the stored object must have: a single write whose body hashes to
   * another is not sent, a multipart upload whose parts combine to another is not completed
   * (`IntegrityMismatch` either way).
   */
  crc64?: string | undefined;
  /**
   * Called once a multipart upload exists, with its id (for checkpoints). No part is sent before
   * it returns, or before the promise it returns resolves (the id saved to disk); an abort of the
   * write while that promise is pending fails the write with `Aborted` and aborts the new upload,
   * which holds no part yet (best effort); without a signal, a promise that never settles holds the
   * write for ever. Giving it also
   * keeps the upload when the write fails or is aborted, so a later write with
   * `multipartId` can resume it; abort it with `delete(path, { multipartId })` otherwise.
   * When it throws or its promise rejects, the write fails (a StorageError as is, anything else as `Unexpected`
   * with it as `cause`) and the new upload is aborted (best effort; an upload the abort could not
   * remove is named in the error).
   */
  onMultipartCreate?: ((multipartId: string) => unknown) | undefined;
}

/** Options of `delete`. */
export interface DeleteOptions extends CallOptions {
  /** Abort this multipart upload instead of deleting the object. */
  multipartId?: string | undefined;
  /** `"dir"`: delete the (empty) directory. */
  mode?: "dir" | undefined;
}

/**
 * Options of `deleteMany`: it deletes objects only (no `mode`, no `multipartId`: a JavaScript
 * caller giving one gets `InvalidArgument`).
 */
export type DeleteManyOptions = CallOptions;

/** How `list` walks: one level (`dir`), every key under a prefix (`prefix`), or in-progress uploads (`part`). */
export type ListMode = "dir" | "prefix" | "part";

/** Options of `list`. */
export interface ListOptions extends CallOptions {
  /** Default `"dir"` on fs and memory-like stores, `"prefix"` where `listDir` is false. */
  mode?: ListMode | undefined;
  /**
   * Page size asked of the service (default 1,000), at most `features.limits.listPageMaximum`
   * (1,000 on COS, OSS and QingStor): a larger one is cut to it, and the page's token carries on.
   */
  limit?: number | undefined;
  /**
   * Continue from this token: a `nextToken` that `listPage` returned for the same listing (this
   * storager's service and bucket, the same path and mode). `""`, like no token, starts at the
   * beginning. Any other string, a token of another listing or of a Stowage version before tokens
   * were checked included, is `InvalidArgument`.
   */
  token?: string | undefined;
  /**
   * Prefix mode only: list just the objects whose path sorts after this one (a path relative to
   * the work_dir, like those `list` returns; the order is the service's: bytes of UTF-8). It places
   * the first page; a `token` given with it continues where that token says.
   */
  startAfter?: string | undefined;
}

/** Options of `listPage`. */
export type ListPageOptions = ListOptions;

/**
 * Options of `copy`. Given any of `contentType`, `metadata` and the {@link ObjectHeaders}, the
 * copy's attributes are replaced as a whole (feature `copyAttributes`; the services' REPLACE
 * directive): it carries exactly those given, none of the source's others (a Content-Type not
 * given becomes the service's default). A copy onto its own path so changes an object's attributes
 * in place, its bytes untouched. Without any, the copy keeps the source's (encryption aside: an
 * open-time default encryption still encrypts the copy of a source without one, in place too; see
 * the driver's page). `storageClass` sets the
 * copy's storage class, keeping the rest; without it the copy has the source's class, whether or
 * not the rest is replaced. Open-time defaults (`default_content_type`, ...) never apply to a copy.
 */
export interface CopyOptions extends TransferOptions, ObjectHeaderOptions {
  /** The copy's Content-Type (replacing the source's attributes: see above). */
  contentType?: string | undefined;
  /** The copy's user metadata (keys are lower-cased; replacing the source's attributes: see above). */
  metadata?: Record<string, string> | undefined;
  /** The copy's storage class (the source's when not given); replaces nothing else. */
  storageClass?: string | undefined;
  /** Copy only where no object exists at the destination (feature `writeIfNotExists`); else `Conflict`, nothing changed. */
  ifNotExists?: boolean | undefined;
}

/** Options of `move`. */
export interface MoveOptions extends TransferOptions {
  /** Move only where no object exists at the destination (feature `writeIfNotExists`); else `Conflict`, the source kept. */
  ifNotExists?: boolean | undefined;
}

/** Options of `fetch`. */
export type FetchOptions = TransferOptions;

/** Options of `createLink`. */
export type CreateLinkOptions = CallOptions;

/** Options of `createDir`. */
export interface CreateDirOptions extends CallOptions {
  /** Storage class of the `d/` marker object (COS, OSS, QingStor). */
  storageClass?: string | undefined;
}

/**
 * Operations `presign` can sign: a read, a write, a delete (or an upload's abort), and each step
 * of a multipart upload: starting it, uploading a part (`writeMultipart`: for clients that send
 * parts straight to the service, e.g. browsers), listing its parts, completing it (the request
 * then carries the body to send). The answers are the service's own documents.
 */
export type PresignOperation = "read" | "write" | "delete" | "createMultipart" | "writeMultipart" | "listMultipart" | "completeMultipart";

/**
 * Options of `presign`. The {@link ObjectHeaders} go with write and createMultipart only: the
 * returned headers carry them, for the client to send as given. They are signed where the service
 * signs such headers (COS; OSS with V4 signing: another value is refused); with OSS V1 and QingStor
 * the URL does not bind them, so a client may send other values, and those are stored.
 */
export interface PresignOptions extends CallOptions, ObjectHeaderOptions {
  /** Seconds the URL stays valid. */
  expires: number;
  /**
   * read: first byte. Signed into the URL (its Range) only where `features.presignBindsSize` is
   * true (COS); elsewhere (OSS, QingStor) a Range header to send, not a limit (see `size`).
   */
  offset?: number | undefined;
  /** read: the Content-Type the service answers with, instead of the stored one (feature `responseOverrides`). */
  responseContentType?: string | undefined;
  /**
   * read: the Content-Disposition the service answers with (feature `responseOverrides`), e.g.
   * `attachment; filename="report.pdf"`. Printable ASCII only: give a non-ASCII name as
   * `filename*=UTF-8''<percent-encoded>` (RFC 6266).
   */
  responseContentDisposition?: string | undefined;
  /** read: the Cache-Control the service answers with (feature `responseOverrides`). */
  responseCacheControl?: string | undefined;
  /** read: the Content-Encoding the service answers with (feature `responseOverrides`); a label only, the bytes are sent as stored. */
  responseContentEncoding?: string | undefined;
  /** read: the Content-Language the service answers with (feature `responseOverrides`). */
  responseContentLanguage?: string | undefined;
  /** read: the Expires header the service answers with, an HTTP date (feature `responseOverrides`). */
  responseExpires?: string | undefined;
  /**
   * read: bytes; write, writeMultipart: the exact Content-Length the client will send.
   * Whether the URL enforces it depends on the service (`features.presignBindsSize`):
   * - COS (true): the Content-Length and Range are signed; a request that sends another length or
   *   range, or none, is refused.
   * - OSS V1 and V4, QingStor (false): they come back in `headers` to send but are not signed; the
   *   URL's holder may upload any length, or read another range or the whole object.
   */
  size?: number | undefined;
  /** write: the Content-Type the client will send; createMultipart: the completed object's Content-Type. */
  contentType?: string | undefined;
  /** write, writeMultipart: the Content-MD5 the client will send. */
  contentMd5?: string | undefined;
  /**
   * write, createMultipart: the storage class the object is stored in (signed, so the client must
   * send it as the returned headers say; default: the `default_storage_class` pair). Refused on
   * other operations (`InvalidArgument`).
   */
  storageClass?: string | undefined;
  /**
   * delete: abort this multipart upload; writeMultipart, listMultipart and completeMultipart
   * (required): the upload the request works on.
   */
  multipartId?: string | undefined;
  /** writeMultipart (required): the part's 0-based index. */
  index?: number | undefined;
  /**
   * completeMultipart (required): the parts to join, numbered 0..n-1 (as `writeMultipart`
   * returns them, or built from a presigned part upload's index, size and `ETag`). The
   * request's body lists them.
   */
  parts?: readonly Part[] | undefined;
}

export * from "./part-options.js";
export * from "./restore-options.js";
