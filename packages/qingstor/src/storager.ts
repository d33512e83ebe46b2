import {
  ErrorCode,
  goneIsDone,
  isStorageError,
  removeStoredWrong,
  runBatchDelete,
  storageError,
  type DriverBody,
  type DriverCallOptions,
  type DriverListPage,
  type DriverListRequest,
  type DriverPartsPage,
  type DriverReadResult,
  type DriverUploadsPage,
  type DriverWriteResult,
  type Part,
  type PresignedRequest,
  type PresignOperation,
  type RawObject,
  type StorageDriver,
  type StorageFeatures,
} from "@stowage/core";
import { deleteBatch } from "./batch-delete.js";
import type { QingStorClient } from "./client.js";
import { QINGSTOR_TYPE } from "./config.js";
import { etagContradicts } from "./etag.js";
import { qingstorFeatures } from "./features.js";
import { hasKeysUnder, listObjectsPage, listPartsPage, listUploadsPage } from "./lister.js";
import { appendChunk } from "./append.js";
import { abortedFetchError } from "./fetch-aborted.js";
import { abortUpload, completeUpload, createUpload, statUpload, writeUploadPart } from "./multipart.js";
import * as req from "./requests.js";
import { objectFromHeaders } from "./responses.js";
import { moveObject } from "./move.js";
import { withoutObjectHeaders } from "./object-headers.js";
import { presignCall } from "./presigner.js";
import { readObject } from "./reader.js";
import { sseHeaders, usesSseC } from "./sse.js";
import { linkFromHeaders, putLink } from "./virtual-link.js";
import { serverSideCopy, type QingStorDriverTuning } from "./copy.js";
import { reportStored } from "./stored-size.js";

/**
 * The QingStor primitives over one bucket. Keys travel byte-exact; directories
 * are zero-byte `dir/` objects. QingStor has no CRC64: with `integrity` on,
 * Content-MD5 goes with every body and the MD5 ETags QingStor returns are
 * checked (simple writes, parts, whole reads of normal objects, and copies when QingStor's answer
 * carries an ETag, which its documented copy answer does not). With `virtualLinks`
 * (the `enable_virtual_link` pair) links are zero-byte objects in go-storage's
 * format (virtual-link.ts) that stat, read, list and copy follow. The only I/O
 * goes through {@link QingStorClient}.
 */
export class QingStorStorageDriver implements StorageDriver {
  readonly service = QINGSTOR_TYPE;
  readonly features: Readonly<StorageFeatures>;

  /** @throws nothing */
  constructor(
    readonly client: QingStorClient,
    readonly name: string,
    readonly location: string | undefined,
    readonly integrity = true,
    readonly tuning: QingStorDriverTuning = {},
    /** Virtual links (go-storage's `virtual_link`): `createLink`, and links seen as links by stat, read, list and copy. */
    readonly virtualLinks = false,
    /**
   * Opened with an SSE-C key: appends and fetches, which QingStor cannot encrypt with one, are off
   * (`features.append` and `features.fetch` false; see {@link QingStorStorageDriver.createAppend}, {@link QingStorStorageDriver.fetch}).
   */
    readonly customerKeyAtOpen = false,
    /** `enable_loose_pair`: a request that cannot carry Cache-Control or Content-Encoding drops them instead of refusing (object-headers.ts). */
    readonly loose = false,
  ) {
    this.features = qingstorFeatures(integrity, virtualLinks, !customerKeyAtOpen, loose);
  }

  /**
   * HeadObject; a missing `dir/` marker with keys below it is still a dir. With virtual
   * links, an answer with link metadata is a `link` (its own ETag and date, no size).
   * `If-Match` / `If-None-Match` go on the HEAD of an object: a virtual link's stat compares the
   * link's own ETag, the one it reports (a read through it compares its target's); a directory's
   * stat ignores them, and sends no SSE-C key, but refuses one it could not send (over http) as every stat does.
   * @throws StorageError `ObjectNotExist`, `Conflict` (412, or 304 not modified: a condition did not hold), `PermissionDenied`,
   *   `InvalidArgument` (an SSE-C key over http, a bad key, an algorithm without a key: before any request), ...
   */
  async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
    // Checked even where no key is sent (a directory): over http a customer key fails every operation alike.
    sseHeaders(options, this.client.secure);
    if (key === "") return { key, mode: "dir" };
    // A directory marker is a plain zero-byte object: no conditions, and no SSE-C key (which a plain object refuses).
    const head: DriverCallOptions = key.endsWith("/") ? { signal: options.signal } : options;
    try {
      const res = await this.client.sendBuffered(req.headObject(key, head, this.client.secure), { signal: options.signal });
      return (this.virtualLinks ? linkFromHeaders(key, res.headers) : undefined) ?? objectFromHeaders(key, res.status, res.headers);
    } catch (e) {
      if (key.endsWith("/") && options.markerOnly !== true && isStorageError(e, ErrorCode.ObjectNotExist) && (await hasKeysUnder(this.client, key, options))) return { key, mode: "dir" };
      throw e;
    }
  }

  /**
   * GetObject (with Range, and `If-Match` / `If-None-Match` when asked), MD5-vouched on whole reads;
   * virtual links are followed to their target, whose ETag the conditions compare (reader.ts).
   * @throws StorageError `ObjectNotExist` (the key, or a link's target), `Conflict` (412 or 304: a condition did not hold), `InvalidArgument` (more than 8 links), `PermissionDenied` (SSE-C key), ...
   */
  read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
    return readObject(this, key, range, options);
  }

  /** PutObject (201; with the Cache-Control and Content-Encoding given); a stored MD5 that contradicts the body removes the object. @throws StorageError `IntegrityMismatch` (bad_digest, ETag), `InvalidArgument`, ... */
  async write(key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult> {
    const res = await this.client.send(req.putObject(key, body, options, this.client.secure), { signal: options.signal, onUploadProgress: body.onProgress });
    await res.discard();
    const etag = res.header("etag");
    if (this.integrity && !usesSseC(options) && etagContradicts(etag, body.contentMd5)) {
      const removed = await removeStoredWrong((signal) => this.delete(key, { signal }));
      throw storageError(ErrorCode.IntegrityMismatch, `put_object: QingStor stored MD5 ${etag}, not the ${body.size} bytes sent; ${removed}`, {
        ...(res.requestId ? { requestId: res.requestId } : {}),
      });
    }
    return etag === undefined ? {} : { etag };
  }

  /**
   * DeleteObject (204); a missing key is fine. The empty key (the bucket's root) is refused: that
   * DELETE would delete the bucket.
   * @throws StorageError `InvalidArgument` (the empty key: nothing sent), `PermissionDenied`, `ObjectNotExist` (no bucket), `Aborted`
   */
  async delete(key: string, options: DriverCallOptions): Promise<void> {
    if (key === "") throw storageError(ErrorCode.InvalidArgument, "delete: the empty key is the bucket's root, and that DELETE would delete the bucket: nothing sent");
    await goneIsDone(this.client.sendBuffered(req.deleteObject(key), { signal: options.signal }));
  }

  /**
   * DeleteMultipleObjects (quiet; JSON carries every key). A 200 that is no result (an error
   * document, an empty or damaged body) fails (batch-delete.ts; a JSON object without `deleted`
   * or `errors` lists is a result without failures); the error's `batch` names the
   * keys that failed, with their codes, and those deleted (core `runBatchDelete`).
   * @throws StorageError `InvalidArgument` (an empty key: nothing sent), `PermissionDenied`, `ServiceInternal`, `Unexpected`, `Aborted`
   */
  async deleteMany(keys: string[], options: DriverCallOptions): Promise<void> {
    await runBatchDelete(keys, {
      fitsBatch: () => true,
      batch: (batch) => deleteBatch(this.client, batch, options),
      single: (key) => this.delete(key, { signal: options.signal }),
    });
  }

  /** One page of ListObjects (with virtual links, keys of the link content type are `link`s). @throws StorageError `ObjectNotExist` (no bucket), `PermissionDenied`, `Aborted` */
  listPage(request: DriverListRequest, options: DriverCallOptions): Promise<DriverListPage> {
    return listObjectsPage(this.client, request, options, this.virtualLinks);
  }

  /**
   * Server-side copy (`x-qs-copy-source`; multipart copy above 5 GiB). Without attributes the source's
   * are kept (its storage class sent along); given a content type, metadata or object headers, they
   * replace the source's (`x-qs-metadata-directive: REPLACE`; a multipart copy refuses Cache-Control and
   * Content-Encoding), also in place onto the object itself; `storageClass` sets the copy's class.
   * A copy whose MD5 ETag (when QingStor answers one) differs from the source's is removed, unless made
   * onto the object whose bytes it copied (in place: the only copy, kept); the call fails either way.
   * A virtual link is followed: its target is copied. The copy (every range of a multipart one) is
   * pinned to the ETag the source's HEAD gave: a source overwritten in between fails the copy with
   * `Conflict` and nothing is stored (copy.ts).
   * @throws StorageError `ObjectNotExist` (source, or a link's target), `ObjectModeInvalid` (a dir, an appendable object, a link onto itself with attributes),
   *   `InvalidArgument` (more than 8 links, bad metadata or storage class), `PairUnsupported` (object headers on a multipart copy), `Conflict` (the source changed after its HEAD), `IntegrityMismatch`, ...
   */
  copy(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    return serverSideCopy(this, srcKey, dstKey, options);
  }

  /**
   * A native server-side rename (`x-qs-move-source`; a virtual link keeps its metadata and type, so it
   * stays a link); a retry after a lost answer is recognised (move.ts). A directory source is refused.
   * @throws StorageError `ObjectNotExist` (source), `ObjectModeInvalid` (a directory: nothing moved), `PermissionDenied`, ...
   */
  move(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    return moveObject(this, srcKey, dstKey, options);
  }

  /**
   * Has QingStor download `url` into `key` (`x-qs-fetch-source`). `key` already carries
   * the work_dir (go-storage's driver forgot it). The URL never appears in errors.
   * QingStor reports no progress of a fetch, and its answer (201) carries no size: with an
   * `onProgress` listener only, one HEAD of `key` afterwards tells the size for the one event
   * `{ bytes: size, total: size }`; that HEAD failing, or finding another ETag than the fetch's
   * answer gave (the object overwritten since), leaves the event out (see `reportStored`).
   * QingStor's fetch takes no SSE-C key: a storager opened with one has `features.fetch` false, so
   * core refuses fetches (`CapabilityInsufficient`) rather than store plain bytes it could not read back.
   * An abort is `Aborted` saying the object may still be stored: once the request reached it,
   * QingStor goes on fetching on its own, and stores the whole object (never part of it). A signal
   * already aborted when the fetch begins gives a plain `Aborted` (nothing sent). Either way the
   * error's `cause` is the signal's reason (when an Error), as on every other operation.
   * @throws StorageError `ObjectNotExist` (source 404), `Conflict` (fetch_in_process), `RequestThrottled`, `ServiceInternal` (upstream_failed),
   *   `Unexpected` (the onProgress listener threw: the object is fetched), `Aborted`
   */
  async fetch(key: string, url: string, options: DriverCallOptions): Promise<void> {
    // A signal aborted before the fetch began stops it before anything is sent: a plain Aborted.
    const mayBeSent = options.signal?.aborted !== true;
    const res = await this.client.sendBuffered(req.fetchObject(key, new URL(url).href), { signal: options.signal }).catch((e: unknown) => Promise.reject(abortedFetchError(e, mayBeSent)));
    await reportStored((k, o) => this.stat(k, o), key, options, { etag: res.header("etag") });
  }

  /**
   * A virtual link: PutObject of a zero-byte object with go-storage's link metadata and the
   * link content type, replacing whatever is at `key` (only with `enable_virtual_link`).
   * @throws StorageError `InvalidArgument` (a target too long for QingStor's 2 KB of metadata, SSE-C over http), `PermissionDenied`, `Aborted`
   */
  async createLink(key: string, targetKey: string, options: DriverCallOptions): Promise<RawObject> {
    if (!this.virtualLinks) throw storageError(ErrorCode.CapabilityInsufficient, "QingStor has no symbolic links; open the storager with enable_virtual_link for virtual ones");
    const res = await this.client.sendBuffered(putLink(key, targetKey, options, this.client.secure, this.integrity), { signal: options.signal });
    const link: RawObject = { key, mode: "link", linkTarget: "/" + targetKey };
    const etag = res.header("etag");
    if (etag !== undefined) link.etag = etag;
    return link;
  }

  /** A zero-byte `dir/` object (idempotent). @throws StorageError `PermissionDenied`, `Aborted` */
  async createDir(key: string, options: DriverCallOptions): Promise<RawObject> {
    if (key === "") return { key, mode: "dir" };
    const call = req.putObject(key, { data: Buffer.alloc(0), size: 0 }, { storageClass: options.storageClass, contentType: "application/x-directory" }, this.client.secure);
    const res = await this.client.send(call, { signal: options.signal });
    await res.discard();
    return { key, mode: "dir", size: 0 };
  }

  /**
   * A query-signed GET (Range and SSE-C headers returned to send), PUT or DELETE
   * (abort with `multipartId`), or a multipart step (initiate, upload part, list parts,
   * complete with its JSON body); headers given here must be sent as they are. A PUT returns the
   * Cache-Control and Content-Encoding given (QingStor does not sign them); an Initiate refuses them
   * (see {@link QingStorStorageDriver.createMultipart}).
   * @throws StorageError `InvalidArgument` (SSE-C over http, a 0-byte range), `PairUnsupported` (cacheControl or contentEncoding given to createMultipart)
   */
  presign(op: PresignOperation, key: string, options: DriverCallOptions & { expires: number; parts?: readonly Part[] }): Promise<PresignedRequest> {
    return presignCall(this.client, op, key, options, this.loose);
  }

  /**
   * Why appends are off, for core's `CapabilityInsufficient`: QingStor's AppendObject takes no SSE-C
   * key, so a storager opened with one cannot append. Undefined when appends are on.
   */
  get appendsOff(): string | undefined {
    return this.customerKeyAtOpen
      ? "QingStor's AppendObject takes no SSE-C key, and this storager was opened with one (encryption_customer_key); open one without it for appendable objects"
      : undefined;
  }

  /**
   * Deletes what is there, then creates an empty appendable object (with the content attributes).
   * QingStor appends take no SSE-C key: a storager opened with one has `features.append` false,
   * so core refuses appends before they reach here ({@link QingStorStorageDriver.appendsOff} says why). AppendObject takes no Cache-Control or
   * Content-Encoding: given, they are refused before anything is deleted or sent (object-headers.ts); so are
   * metadata and a storage class QingStor cannot take (what the AppendObject at position 0 would carry is built first).
   * @throws StorageError `PairUnsupported` (cacheControl, contentEncoding: nothing sent), `InvalidArgument` (metadata over
   *   2 KB or with a name over 512 bytes, a storage class QingStor lacks: nothing sent, nothing deleted), `PermissionDenied`, `Aborted`
   */
  async createAppend(key: string, options: DriverCallOptions): Promise<RawObject> {
    const sent = withoutObjectHeaders(options, "append", this.loose);
    req.newObjectHeaders(sent, this.client.secure, false);
    await this.delete(key, { signal: options.signal });
    const appended = await this.writeAppend(key, 0, { data: Buffer.alloc(0), size: 0 }, sent);
    return { key, mode: "append", size: 0, appendOffset: appended.appendOffset };
  }

  /**
   * AppendObject at `offset`; never retried blindly. An append whose answer was lost (or whose
   * retry after a 5xx is refused) is recognised when the object shows it (length and the chunk's
   * CRC-64 read back); QingStor answers a wrong position with a bare `invalid_argument`: the object
   * is then looked at, and a position that no longer matches its length is a `Conflict` (append.ts).
   * @throws StorageError `Conflict` (position), `ObjectModeInvalid` (not appendable), `IntegrityMismatch` (bad_digest), `ServiceInternal`,
   *   `Unexpected` (an answer whose next append position is no whole number: the append was applied), ...
   */
  writeAppend(key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<{ appendOffset: number }> {
    return appendChunk(this, key, offset, body, options);
  }

  /** Nothing to do: a QingStor appendable object is readable at once. @throws nothing */
  async commitAppend(): Promise<void> {}

  /**
   * InitiateMultipartUpload (`createMultipart`, a multipart `write`): a Cache-Control or Content-Encoding the call
   * gives is refused before anything is sent, dropped when loose or defaulted (object-headers.ts).
   * @throws StorageError `PairUnsupported` (cacheControl, contentEncoding), `InvalidArgument`, `PermissionDenied`, `Aborted`
   */
  async createMultipart(key: string, options: DriverCallOptions): Promise<{ multipartId: string }> {
    return createUpload(this.client, key, withoutObjectHeaders(options, "multipart", this.loose));
  }

  /**
   * UploadMultipart (index = QingStor's 0-based part number). A resumed `write` giving Cache-Control or
   * Content-Encoding is refused before its first part is sent (and, with every part stored, before
   * Complete): the upload cannot store them.
   * @throws StorageError `PairUnsupported`, `ObjectNotExist` (no upload), `IntegrityMismatch`, `InvalidArgument`, `Aborted`
   */
  async writePart(key: string, multipartId: string, index: number, body: DriverBody, options: DriverCallOptions): Promise<Part> {
    return writeUploadPart(this.client, key, multipartId, index, body, withoutObjectHeaders(options, "multipart", this.loose), this.integrity);
  }

  /**
   * CompleteMultipartUpload with the ETag Stowage stores: a CRC ETag carrying the object's CRC-64 when
   * every part has one, else the S3-style MD5 of MD5s (multipart.ts `completeUpload`). A write that
   * resumes an upload whose parts are all stored and gives Cache-Control or Content-Encoding is refused
   * here, before Complete (the upload cannot store them).
   * @throws StorageError `PairUnsupported` (cacheControl, contentEncoding), `ObjectNotExist`, `Conflict` (a part not uploaded or unlike
   *   the uploaded one: invalid_argument, explained by a ListMultipart; the upload kept), `InvalidArgument` (entity_too_small), `Aborted`
   */
  async completeMultipart(key: string, multipartId: string, parts: Part[], options: DriverCallOptions): Promise<DriverWriteResult> {
    return completeUpload(this.client, key, multipartId, parts, withoutObjectHeaders(options, "multipart", this.loose), this.integrity);
  }

  /** AbortMultipartUpload; succeeds when the upload is gone. @throws StorageError `PermissionDenied`, `Aborted` */
  abortMultipart(key: string, multipartId: string, options: DriverCallOptions): Promise<void> {
    return abortUpload(this.client, key, multipartId, options);
  }

  /** One page of ListMultipart. @throws StorageError `ObjectNotExist` (no upload), `Aborted` */
  listParts(key: string, multipartId: string, token: string | undefined, options: DriverCallOptions): Promise<DriverPartsPage> {
    return listPartsPage(this.client, key, multipartId, token, options);
  }

  /** The upload as a `part` object. @throws StorageError `ObjectNotExist` (no upload), `Aborted` */
  statMultipart(key: string, multipartId: string, options: DriverCallOptions): Promise<RawObject> {
    return statUpload(this.client, key, multipartId, options);
  }

  /** One page of ListMultipartUploads. @throws StorageError `InvalidArgument` (bad token), `Aborted` */
  listUploads(request: DriverListRequest, options: DriverCallOptions): Promise<DriverUploadsPage> {
    return listUploadsPage(this.client, request, options);
  }
}

