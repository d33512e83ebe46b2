import {
  createdAppendCrc64,
  ErrorCode,
  fitsXml,
  isMalformedKey,
  isStorageError,
  objectHeadersOf,
  responseOverrideQuery,
  runBatchDelete,
  openedRange,
  goneIsDone,
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
  type RestoreResult,
  type RestoreTier,
  type StorageDriver,
  type StorageFeatures,
} from "@stowage/core";
import type { CosClient } from "./client.js";
import { appendChunk } from "./append.js";
import { COS_TYPE } from "./config.js";
import { copyStated, reportCopied, type CosDriverTuning } from "./copy.js";
import { cosFeatures } from "./features.js";
import { putIfAbsent } from "./if-not-exists.js";
import { moveObject } from "./move.js";
import { hasKeysUnder, listObjectsPage, listPartsPage, listUploadsPage } from "./lister.js";
import { abortUpload, completeUpload, createUpload, statUpload, writeUploadPart } from "./multipart.js";
import * as req from "./requests.js";
import { deleteBatch } from "./batch-delete.js";
import { restoreArchived } from "./restore.js";
import { objectFromHeaders } from "./responses.js";
import { sseCustomerHeaders, sseServerHeaders } from "./sse.js";

/**
 * The COS primitives over one bucket. Keys travel byte-exact; directories are
 * zero-byte `dir/` objects; every CRC64 COS returns is handed to core, which
 * verifies it. The only I/O goes through {@link CosClient}.
 */
export class CosStorageDriver implements StorageDriver {
  readonly service = COS_TYPE;
  readonly features: Readonly<StorageFeatures>;

  /** @throws nothing */
  constructor(
    readonly client: CosClient,
    readonly name: string,
    readonly location: string | undefined,
    readonly integrity = true,
    readonly tuning: CosDriverTuning = {},
    /**
     * Opened to encrypt what it writes (an SSE-C key, or a `default_server_side_encryption`):
     * appends, which COS cannot encrypt, are off (`features.append` false; see {@link CosStorageDriver.createAppend}).
     */
    readonly encryptsAtOpen = false,
  ) {
    this.features = cosFeatures(integrity, !encryptsAtOpen);
  }

  /**
   * HEAD, with `If-Match` / `If-None-Match` when asked; a missing `dir/` marker with keys below it is
   * still a dir. A directory's stat ignores the conditions (as on every storage: a directory has no ETag),
   * and sends no SSE-C key, but refuses one it could not send (over http) as every stat does.
   * @throws StorageError `ObjectNotExist`, `Conflict` (412, or 304 not modified: a condition did not hold), `PermissionDenied`,
   *   `InvalidArgument` (an SSE-C key over http, a bad key, an algorithm without a key: before any request), ...
   */
  async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
    // Checked even where no key is sent (a directory): over http a customer key fails every operation alike.
    sseCustomerHeaders(options, this.client.secure);
    if (key === "") return { key, mode: "dir" };
    // A directory marker is a plain zero-byte object: no conditions, and no SSE-C key (which a plain object refuses).
    const head: DriverCallOptions = key.endsWith("/") ? { signal: options.signal } : options;
    try {
      const res = await this.client.sendBuffered(req.headObject(key, head, this.client.secure), { signal: options.signal });
      return objectFromHeaders(key, res.status, res.headers);
    } catch (e) {
      if (key.endsWith("/") && options.markerOnly !== true && isStorageError(e, ErrorCode.ObjectNotExist) && (await hasKeysUnder(this.client, key, options))) return { key, mode: "dir" };
      throw e;
    }
  }

  /**
   * GET (with Range, and `If-Match` / `If-None-Match` when asked: on every GET of a resumed or
   * concurrent read); 416 past the end reads nothing. A 304 or 412 is an error, never a body; so is a
   * 416 to a GET that asked no range (`Unexpected`: no COS answer, a proxy's). A 200 to a ranged GET
   * (Range ignored) is sliced, a 206 must be for the range asked (core `openedRange`).
   * @throws StorageError `ObjectNotExist`, `Conflict` (412, or 304 not modified: a condition did not hold), `Unexpected` (a 416 without a Range),
   *   `IntegrityMismatch` (a 206 for other bytes), ...
   */
  async read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
    const call = req.getObject(key, range, options, this.client.secure);
    const res = await this.client.send(call, { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 416 });
    return openedRange(res, range, () => objectFromHeaders(key, res.status, res.headers), "x-cos-hash-crc64ecma");
  }

  /**
   * PUT Object (with the content type, metadata, storage class, SSE and object headers asked for);
   * with `ifNotExists`, `x-cos-forbid-overwrite: true` (see `putIfAbsent` in if-not-exists.ts).
   * @throws StorageError `IntegrityMismatch` (BadDigest), `InvalidArgument`, `Conflict` (an object exists, with `ifNotExists`), ...
   */
  async write(key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult> {
    if (options.ifNotExists === true) return putIfAbsent(this.client, key, body, options);
    const res = await this.client.send(req.putObject(key, body, options, this.client.secure), { signal: options.signal, onUploadProgress: body.onProgress });
    await res.discard();
    return result(res.header("etag"), res.header("x-cos-hash-crc64ecma"));
  }

  /**
   * DELETE Object; a missing key is fine. The empty key (the bucket's root) is refused: that
   * DELETE would delete the bucket.
   * @throws StorageError `InvalidArgument` (the empty key: nothing sent), `PermissionDenied`, `ObjectNotExist` (no bucket), `Aborted`
   */
  async delete(key: string, options: DriverCallOptions): Promise<void> {
    if (key === "") throw storageError(ErrorCode.InvalidArgument, "delete: the empty key is the bucket's root, and that DELETE would delete the bucket: nothing sent");
    await goneIsDone(this.client.sendBuffered(req.deleteObject(key), { signal: options.signal }));
  }

  /**
   * POST ?delete (quiet) for the keys XML 1.0 can carry, then the others (control characters COS
   * allows in keys, see `fitsXml`) one by one with DELETE Object, unless the batch failed: after a
   * failure nothing more is sent (core `runBatchDelete`; the error's `batch` names the keys). Only
   * a `<DeleteResult>` answer is a result: a 200 with an `<Error>` document is that error (retried
   * when COS says it is internal: a batch delete is idempotent), any other body a retryable
   * `ServiceInternal` or `Unexpected`.
   * @throws StorageError `InvalidArgument` (an empty key, or one that is not well-formed Unicode: nothing is deleted), `PermissionDenied`, `ServiceInternal`, `Unexpected`, `Aborted`
   */
  async deleteMany(keys: string[], options: DriverCallOptions): Promise<void> {
    const malformed = keys.findIndex((k) => isMalformedKey(k));
    if (malformed >= 0) throw storageError(ErrorCode.InvalidArgument, `delete: key ${malformed} of the batch is not well-formed Unicode (a lone surrogate)`);
    await runBatchDelete(keys, {
      fitsBatch: fitsXml,
      batch: (batch) => deleteBatch(this.client, batch, options),
      single: (key) => this.delete(key, { signal: options.signal }),
    });
  }

  /** One page of GET Bucket (files and, in dir mode, sub-directories; no dir markers in prefix mode). @throws StorageError `ObjectNotExist` (no bucket), `PermissionDenied`, `Aborted` */
  listPage(request: DriverListRequest, options: DriverCallOptions): Promise<DriverListPage> {
    return listObjectsPage(this.client, request, options);
  }

  /**
   * Server-side copy (multipart copy above 5 GB, see `copyStated` in copy.ts) of the version a HEAD found; the copy's CRC64 must equal the source's.
   * The call's content type, metadata and object headers replace the source's (`x-cos-metadata-directive: Replaced`),
   * also onto the source itself; `ifNotExists` sends `x-cos-forbid-overwrite: true`.
   * `options.onProgress` (core's relay) gets a multipart copy's ranges as they are copied, and
   * `{ bytes: size, total: size }` once the copy succeeded (and its CRC-64 matched).
   * @throws StorageError `InvalidArgument` (SSE-C over http; metadata COS cannot carry: before any request), `ObjectNotExist` (source), `Conflict` (the source changed meanwhile; `ifNotExists` and an object at the destination: nothing copied), `IntegrityMismatch`,
   *   `Unexpected` (the onProgress listener threw: a multipart copy is aborted, a copy already stored stays), ...
   */
  async copy(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    reportCopied(options, await copyStated(this, srcKey, dstKey, options));
  }

  /**
   * Copy pinned to the source's ETag, then delete the source if a HEAD finds it still that version
   * (see `moveObject` in move.ts).
   * @throws StorageError as {@link CosStorageDriver.copy}; `Conflict` (the source changed during the move, or `ifNotExists` and an object at the destination: it is kept)
   */
  move(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    return moveObject(this, srcKey, dstKey, options);
  }

  /**
   * A zero-byte `dir/` object (idempotent) with the storage class and SSE-COS/KMS settings, open-time defaults
   * included (a bucket policy may require SSE). Never SSE-C: the stat of a directory sends no key.
   * @throws StorageError `InvalidArgument` (KMS details without `cos/kms`: nothing sent), `PermissionDenied`, `Aborted`
   */
  async createDir(key: string, options: DriverCallOptions): Promise<RawObject> {
    if (key === "") return { key, mode: "dir" };
    const { storageClass, serverSideEncryption, serverSideEncryptionCosKmsKeyId, serverSideEncryptionContext } = options;
    const marker = { storageClass, serverSideEncryption, serverSideEncryptionCosKmsKeyId, serverSideEncryptionContext };
    const call = req.putObject(key, { data: Buffer.alloc(0), size: 0 }, marker, this.client.secure);
    const res = await this.client.send(call, { signal: options.signal });
    await res.discard();
    return { key, mode: "dir", size: 0 };
  }

  /**
   * A query-signed GET, PUT or DELETE (abort with `multipartId`), or a multipart step (initiate,
   * upload part, list parts, complete with its XML body); headers given here must be sent as they are.
   * A PUT and an Initiate sign the SSE-COS/KMS headers (`server_side_encryption*`, open-time defaults included)
   * and the object headers (`cache_control` and `default_cache_control`, `content_disposition`, `content_encoding`,
   * `http_expires`: COS signs Cache-Control, Content-Disposition, Content-Encoding and Expires); no other request takes them.
   * @throws StorageError `InvalidArgument` (SSE-C over http, a 0-byte range, KMS details without KMS), `PermissionDenied` (credential provider)
   */
  async presign(op: PresignOperation, key: string, options: DriverCallOptions & { expires: number; parts?: readonly Part[] }): Promise<PresignedRequest> {
    const secure = this.client.secure;
    if (op === "read") {
      if (options.size === 0) throw storageError(ErrorCode.InvalidArgument, "presign read of 0 bytes: there is no such range");
      const call = req.getObject(key, { offset: options.offset as number | undefined, size: options.size as number | undefined }, options, secure);
      call.query.push(...responseOverrideQuery(options));
      return this.client.presign(call, options.expires, options.signal);
    }
    if (op === "delete") {
      const call = typeof options.multipartId === "string" ? req.abortMultipart(key, options.multipartId) : req.deleteObject(key);
      return this.client.presign(call, options.expires, options.signal);
    }
    if (op === "createMultipart") return this.client.presign(req.initiateMultipart(key, options, secure), options.expires, options.signal);
    if (op === "writeMultipart") {
      return this.client.presign(req.presignedUploadPart(key, options.multipartId as string, options.index as number, options, secure), options.expires, options.signal);
    }
    if (op === "listMultipart") return this.client.presign(req.listParts(key, options.multipartId as string, undefined), options.expires, options.signal);
    if (op === "completeMultipart") {
      const call = req.completeMultipart(key, options.multipartId as string, options.parts ?? []);
      return { ...(await this.client.presign(call, options.expires, options.signal)), body: (call.body as Buffer).toString("utf8") };
    }
    const headers: Record<string, string> = { ...objectHeadersOf(options), ...sseServerHeaders(options), ...sseCustomerHeaders(options, secure) };
    if (typeof options.contentType === "string") headers["content-type"] = options.contentType;
    if (typeof options.contentMd5 === "string") headers["content-md5"] = options.contentMd5;
    if (typeof options.storageClass === "string") headers["x-cos-storage-class"] = options.storageClass;
    if (typeof options.size === "number") headers["content-length"] = String(options.size);
    return this.client.presign({ operation: "put_object", method: "PUT", key, query: [], headers }, options.expires, options.signal);
  }

  /**
   * Why appends are off, for core's `CapabilityInsufficient`: COS APPEND takes no SSE headers, so
   * a storager opened to encrypt what it writes cannot append. Undefined when appends are on.
   */
  get appendsOff(): string | undefined {
    return this.encryptsAtOpen
      ? "COS APPEND takes no encryption, and this storager was opened to encrypt what it writes (an SSE-C key, or default_server_side_encryption); open one without them for appendable objects"
      : undefined;
  }

  /**
   * Deletes what is there, then creates an empty appendable object with the content attributes: its
   * APPEND at position 0 carries the content type, metadata and object headers (Cache-Control...).
   * COS APPEND takes no SSE headers: a storager opened to encrypt (an SSE-C key or an SSE
   * default) has `features.append` false, so core refuses appends before they reach here
   * ({@link CosStorageDriver.appendsOff} says why). A CRC-64 in the empty append's answer must be 0 (with `integrity`).
   * What that APPEND would carry is checked before the delete: attributes COS cannot take leave the object as it was.
   * @throws StorageError `InvalidArgument` (metadata COS cannot carry: nothing sent, nothing deleted), `PermissionDenied`,
   *   `IntegrityMismatch` (the answer's CRC-64 is not 0: the object was made), `Aborted`
   */
  async createAppend(key: string, options: DriverCallOptions): Promise<RawObject> {
    req.newObjectHeaders(options, this.client.secure);
    await this.delete(key, { signal: options.signal });
    const appended = await this.writeAppend(key, 0, { data: Buffer.alloc(0), size: 0, appendBaseCrc64: "0" }, options);
    const crc64 = this.integrity ? createdAppendCrc64(appended.crc64) : (appended.crc64 ?? "0");
    return { key, mode: "append", size: 0, appendOffset: appended.appendOffset, crc64 };
  }

  /**
   * APPEND Object at `offset`; never re-sent blindly, and a lost answer is judged by the object (see `appendChunk` in append.ts).
   * @throws StorageError `Conflict` (position), `ObjectModeInvalid` (not appendable), `IntegrityMismatch`, `ServiceInternal`,
   *   `Unexpected` (an answer whose next append position is no whole number: the append was applied), ...
   */
  writeAppend(key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<{ appendOffset: number; crc64?: string }> {
    return appendChunk(this.client, this.integrity, key, offset, body, options);
  }

  /** Nothing to do: a COS appendable object is readable at once. @throws nothing */
  async commitAppend(): Promise<void> {}

  /** Initiate Multipart Upload (`x-cos-forbid-overwrite` with `ifNotExists`). @throws StorageError `InvalidArgument`, `PermissionDenied`, `Conflict` (an object exists, with `ifNotExists`), `Aborted` */
  createMultipart(key: string, options: DriverCallOptions): Promise<{ multipartId: string }> {
    return createUpload(this.client, key, options);
  }

  /** Upload Part (index 0 = PartNumber 1). @throws StorageError `ObjectNotExist` (no upload), `IntegrityMismatch` (BadDigest), `InvalidArgument`, `Aborted` */
  writePart(key: string, multipartId: string, index: number, body: DriverBody, options: DriverCallOptions): Promise<Part> {
    return writeUploadPart(this.client, key, multipartId, index, body, options);
  }

  /**
   * Complete Multipart Upload (200-with-`<Error>` answers are failures). Complete itself sends no
   * SSE-C key (only the HEAD that judges a Complete whose answer was lost does), but a key it could
   * not send (over http), a bad one or an algorithm without one is refused before the Complete.
   * @throws StorageError `ObjectNotExist`, `InvalidArgument` (InvalidPartOrder, EntityTooSmall; SSE-C over http), `Conflict` (InvalidPart: a part not uploaded or unlike the uploaded one; `ifNotExists`: an object exists; the upload kept), `Aborted`
   */
  async completeMultipart(key: string, multipartId: string, parts: Part[], options: DriverCallOptions): Promise<DriverWriteResult> {
    sseCustomerHeaders(options, this.client.secure);
    return completeUpload(this.client, key, multipartId, parts, options);
  }

  /** Abort Multipart Upload; succeeds when the upload is gone. @throws StorageError `PermissionDenied`, `Aborted` */
  abortMultipart(key: string, multipartId: string, options: DriverCallOptions): Promise<void> {
    return abortUpload(this.client, key, multipartId, options);
  }

  /** One page of List Parts. @throws StorageError `ObjectNotExist` (no upload), `Aborted` */
  listParts(key: string, multipartId: string, token: string | undefined, options: DriverCallOptions): Promise<DriverPartsPage> {
    return listPartsPage(this.client, key, multipartId, token, options);
  }

  /** The upload as a `part` object. @throws StorageError `ObjectNotExist` (no upload), `Aborted` */
  statMultipart(key: string, multipartId: string, options: DriverCallOptions): Promise<RawObject> {
    return statUpload(this.client, key, multipartId, options);
  }

  /** One page of List Multipart Uploads. @throws StorageError `InvalidArgument` (bad token), `Aborted` */
  listUploads(request: DriverListRequest, options: DriverCallOptions): Promise<DriverUploadsPage> {
    return listUploadsPage(this.client, request, options);
  }

  /**
   * HEAD (the object's class), then POST Object restore (see `restoreArchived` in restore.ts).
   * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (no archive class), `InvalidArgument` (a tier the class does not take), `Conflict` (a restore under way), `Aborted`, ...
   */
  restore(key: string, options: DriverCallOptions & { days: number; tier?: RestoreTier }): Promise<RestoreResult> {
    return restoreArchived(this.client, (k, o) => this.stat(k, o), key, options);
  }
}

function result(etag: string | undefined, crc64: string | undefined): DriverWriteResult {
  const written: DriverWriteResult = {};
  if (etag !== undefined) written.etag = etag;
  if (crc64 !== undefined) written.crc64 = crc64;
  return written;
}
