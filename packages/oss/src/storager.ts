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
  withoutEtagConditions,
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
import { appendChunk } from "./append.js";
import { deleteBatch } from "./batch-delete.js";
import type { OssClient } from "./client.js";
import { OSS_TYPE } from "./config.js";
import { ossFeatures } from "./features.js";
import { putIfAbsent } from "./if-not-exists.js";
import { createSymlink, statObject } from "./links.js";
import { hasKeysUnder, listObjectsPage, listPartsPage, listUploadsPage } from "./lister.js";
import { abortUpload, completeUpload, createUpload, statUpload, writeUploadPart } from "./multipart.js";
import * as req from "./requests.js";
import { objectFromHeaders } from "./responses.js";
import { sseHeaders } from "./sse.js";
import { copyStated, reportCopied, type OssDriverTuning } from "./copy.js";
import { moveObject } from "./move.js";
import { restoreArchived } from "./restore.js";

/**
 * The OSS primitives over one bucket. Keys travel byte-exact; directories are
 * zero-byte `dir/` objects; every CRC64 OSS returns is handed to core, which
 * verifies it. The only I/O goes through {@link OssClient}.
 */
export class OssStorageDriver implements StorageDriver {
  readonly service = OSS_TYPE;
  readonly features: Readonly<StorageFeatures>;

  /** @throws nothing */
  constructor(
    readonly client: OssClient,
    readonly name: string,
    readonly location: string | undefined,
    readonly integrity = true,
    readonly tuning: OssDriverTuning = {},
    /**
     * Opened with a `default_server_side_encryption_key_id`: appends, whose objects OSS encrypts with no
     * customer master key of the caller's choosing, are off (`features.append` false; see {@link OssStorageDriver.appendsOff}).
     */
    readonly keyIdAtOpen = false,
  ) {
    this.features = ossFeatures(integrity, client.signing.version, !keyIdAtOpen);
  }

  /**
   * Why appends are off, for core's `CapabilityInsufficient`: OSS AppendObject takes no KMS key id, so a
   * storager opened to encrypt under a chosen key would store appendable objects under OSS's default
   * key instead. Undefined when appends are on.
   */
  get appendsOff(): string | undefined {
    return this.keyIdAtOpen
      ? "OSS AppendObject takes no KMS key id, and this storager was opened with default_server_side_encryption_key_id, which its appendable objects could not be encrypted under; open one without it for appendable objects"
      : undefined;
  }

  /**
   * HeadObject (one request, full metadata); a missing `dir/` marker with keys below it is still a dir.
   * A symlink (or a HEAD that may be a dangling one) is confirmed with GetSymlink: `mode: "link"`, `linkTarget`.
   * `If-Match` / `If-None-Match` go on the HEAD of an object (a link's: its target's ETag, see links.ts);
   * a directory's stat ignores them.
   * @throws StorageError `ObjectNotExist`, `Conflict` (412, or 304 not modified: a condition did not hold), `PermissionDenied`, ...
   */
  async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
    if (key === "") return { key, mode: "dir" };
    if (!key.endsWith("/")) return statObject(this.client, key, options);
    try {
      const res = await this.client.sendBuffered(req.headObject(key, withoutEtagConditions(options)), { signal: options.signal });
      return objectFromHeaders(key, res.status, res.headers);
    } catch (e) {
      if (options.markerOnly !== true && isStorageError(e, ErrorCode.ObjectNotExist) && (await hasKeysUnder(this.client, key, options))) return { key, mode: "dir" };
      throw e;
    }
  }

  /**
   * GetObject, with a standard Range when asked, and `If-Match` / `If-None-Match` when asked (on every GET
   * of a resumed or concurrent read; through a link, they are its target's); 416 (past the end) reads nothing.
   * A 304 or 412 is an error, never a body; so is a 416 to a GET that asked no range (`Unexpected`: no OSS answer, a proxy's).
   * A 200 to a ranged GET (Range ignored) is sliced, a 206 must be for the range asked (core `openedRange`).
   * @throws StorageError `ObjectNotExist`, `Conflict` (412, or 304 not modified: a condition did not hold), `Unexpected` (a 416 without a Range),
   *   `IntegrityMismatch` (a 206 for other bytes), ...
   */
  async read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
    const call = req.getObject(key, range, true, options);
    const res = await this.client.send(call, { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 416 });
    return openedRange(res, range, () => objectFromHeaders(key, res.status, res.headers), "x-oss-hash-crc64ecma");
  }

  /**
   * PutObject with Content-MD5 (and the content type, metadata, storage class, SSE and object headers asked for;
   * `x-oss-forbid-overwrite` with `ifNotExists`, see `putIfAbsent`). @throws StorageError `IntegrityMismatch` (InvalidDigest), `InvalidArgument`, `Conflict` (`ifNotExists`), ...
   */
  async write(key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult> {
    if (options.ifNotExists === true) return putIfAbsent(this.client, key, body, options);
    const res = await this.client.send(req.putObject(key, body, options), { signal: options.signal, onUploadProgress: body.onProgress });
    await res.discard();
    return result(res.header("etag"), res.header("x-oss-hash-crc64ecma"));
  }

  /**
   * DeleteObject (OSS answers 204 for a missing key too). The empty key (the bucket's root) is
   * refused: that DELETE would delete the bucket.
   * @throws StorageError `InvalidArgument` (the empty key: nothing sent), `PermissionDenied`, `ObjectNotExist` (no bucket), `Aborted`
   */
  async delete(key: string, options: DriverCallOptions): Promise<void> {
    if (key === "") throw storageError(ErrorCode.InvalidArgument, "delete: the empty key is the bucket's root, and that DELETE would delete the bucket: nothing sent");
    await goneIsDone(this.client.sendBuffered(req.deleteObject(key), { signal: options.signal }));
  }

  /**
   * DeleteMultipleObjects (quiet, Content-MD5), up to 1000 keys, then the keys an XML body cannot
   * carry (control characters OSS allows in keys, see `fitsXml`) one by one with DeleteObject,
   * unless the batch failed: after a failure nothing more is sent (core `runBatchDelete`; the
   * error's `batch` names the keys). A 200 with an `<Error>` document fails (batch-delete.ts).
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

  /** One page of ListObjectsV2 (files and, in dir mode, sub-directories; no dir markers in prefix mode). @throws StorageError `ObjectNotExist` (no bucket), `PermissionDenied`, `Aborted` */
  listPage(request: DriverListRequest, options: DriverCallOptions): Promise<DriverListPage> {
    return listObjectsPage(this.client, request, options);
  }

  /**
   * Server-side copy: CopyObject, or UploadPartCopy above 1 GiB; the copy's CRC64 must equal the source's.
   * A symlink source copies its target's bytes (OSS itself would copy the link). Only the version the stat found is copied.
   * The call's attributes replace the source's (`x-oss-metadata-directive: REPLACE`); `ifNotExists`: `x-oss-forbid-overwrite: true`.
   * `options.onProgress` (core's relay) gets a multipart copy's ranges as they are copied, and
   * `{ bytes: size, total: size }` once the copy succeeded (and its CRC-64 matched).
   * @throws StorageError `InvalidArgument` (metadata OSS cannot carry: before any request), `ObjectNotExist` (source, or a link's target), `ObjectModeInvalid` (a directory, or an appendable object: OSS copies none), `Conflict` (the source changed meanwhile; `ifNotExists` and an object at the destination: nothing copied), `IntegrityMismatch`,
   *   `Unexpected` (the onProgress listener threw: a multipart copy is aborted, a copy already stored stays), ...
   */
  async copy(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    req.metadataHeaders(options.metadata);
    const stated = await this.stat(srcKey, { signal: options.signal });
    reportCopied(options, (await copyStated(this, stated, srcKey, dstKey, options)) ?? stated);
  }

  /**
   * Copy pinned to the source's ETag (a symlink: PutSymlink), then delete the source if a stat finds
   * it still that version (see `moveObject` in move.ts).
   * @throws StorageError as {@link OssStorageDriver.copy}; `Conflict` (the source changed during the move, or `ifNotExists` and an object at the destination: it is kept)
   */
  move(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    return moveObject(this, srcKey, dstKey, options);
  }

  /**
   * A zero-byte `dir/` object (idempotent), PUT with the storage class and the SSE (`server_side_encryption*`,
   * open-time defaults included) of the call: a bucket whose policy demands the SSE header takes it.
   * @throws StorageError `PermissionDenied`, `InvalidArgument` (KMS details without KMS), `Aborted`
   */
  async createDir(key: string, options: DriverCallOptions): Promise<RawObject> {
    if (key === "") return { key, mode: "dir" };
    const marker: DriverCallOptions = {
      storageClass: options.storageClass,
      serverSideEncryption: options.serverSideEncryption,
      serverSideDataEncryption: options.serverSideDataEncryption,
      serverSideEncryptionKeyId: options.serverSideEncryptionKeyId,
    };
    const res = await this.client.send(req.putObject(key, { data: Buffer.alloc(0), size: 0 }, marker), { signal: options.signal });
    await res.discard();
    return { key, mode: "dir", size: 0 };
  }

  /** PutSymlink (the target need not exist; a link or object at `key` is replaced). @throws StorageError `InvalidArgument`, `PermissionDenied`, `Aborted` */
  createLink(key: string, targetKey: string, options: DriverCallOptions): Promise<RawObject> {
    return createSymlink(this.client, key, targetKey, options);
  }

  /**
   * A query-signed GET, PUT or DELETE (abort with `multipartId`), or a multipart step
   * (initiate, upload part, list parts, complete with its XML body); headers given here must be sent as they are.
   * A ranged GET signs `Range` with `x-oss-range-behavior: standard` (a range past the end is a 416, as
   * on COS and QingStor, not the whole object). A PUT and an Initiate sign the SSE headers
   * (`server_side_encryption*`, open-time defaults included), and return the object headers
   * (`cache_control` and `default_cache_control`, `content_disposition`, `content_encoding`, `http_expires`;
   * no other request takes them): V4 signs those as additional headers, V1 cannot (its URL does not
   * bind them: a client may send other values, or none). A PUT and an upload part always sign a
   * Content-Type and return it (a PUT: `content_type` or `default_content_type`; a part, and a PUT without
   * either: `application/octet-stream`), so that a body `fetch` would type by itself (a string, a typed
   * Blob) cannot change the signed value: the client sends that header, not one of its own.
   * With V1 signatures a key containing `?`, or an `&` in a signed value (a `response*` override, `multipartId`),
   * is refused: V1 signs both unescaped, so the URL would also be valid for other requests (V4 takes them).
   * @throws StorageError `InvalidArgument` (a 0-byte range, KMS details without KMS; V1: a key with `?`, an `&` in a signed value),
   *   `PermissionDenied` (credential provider)
   */
  async presign(op: PresignOperation, key: string, options: DriverCallOptions & { expires: number; parts?: readonly Part[] }): Promise<PresignedRequest> {
    if (op === "read") {
      if (options.size === 0) throw storageError(ErrorCode.InvalidArgument, "presign read of 0 bytes: there is no such range");
      const call = req.getObject(key, { offset: options.offset as number | undefined, size: options.size as number | undefined }, true);
      call.query.push(...responseOverrideQuery(options));
      return this.client.presign(call, options.expires, options.signal);
    }
    if (op === "delete") {
      const call = typeof options.multipartId === "string" ? req.abortMultipart(key, options.multipartId) : req.deleteObject(key);
      return this.client.presign(call, options.expires, options.signal);
    }
    if (op === "createMultipart") return this.client.presign(req.initiateMultipart(key, options), options.expires, options.signal);
    if (op === "writeMultipart") {
      return this.client.presign(req.presignedUploadPart(key, options.multipartId as string, options.index as number, options), options.expires, options.signal);
    }
    if (op === "listMultipart") return this.client.presign(req.listParts(key, options.multipartId as string, undefined), options.expires, options.signal);
    if (op === "completeMultipart") {
      const call = req.completeMultipart(key, options.multipartId as string, options.parts ?? []);
      return { ...(await this.client.presign(call, options.expires, options.signal)), body: (call.body as Buffer).toString("utf8") };
    }
    const headers: Record<string, string> = { ...objectHeadersOf(options), ...sseHeaders(options) };
    headers["content-type"] = typeof options.contentType === "string" ? options.contentType : req.PRESIGNED_BODY_TYPE;
    if (typeof options.contentMd5 === "string") headers["content-md5"] = options.contentMd5;
    if (typeof options.storageClass === "string") headers["x-oss-storage-class"] = options.storageClass;
    if (typeof options.size === "number") headers["content-length"] = String(options.size);
    return this.client.presign({ operation: "put_object", method: "PUT", key, query: [], headers }, options.expires, options.signal);
  }

  /**
   * Deletes what is there, then creates an empty appendable object with the content attributes: its
   * AppendObject at position 0 carries the content type, metadata, storage class, SSE and object headers (Cache-Control...).
   * The answer's CRC-64 must be 0, an empty object's (with `integrity`). What that AppendObject would carry is
   * checked before the delete: attributes OSS cannot take leave the object as it was.
   * @throws StorageError `PermissionDenied`, `InvalidArgument` (metadata or SSE options OSS cannot take: nothing sent, nothing deleted),
   *   `IntegrityMismatch` (the answer's CRC-64 is not 0: the object was made), `Aborted`
   */
  async createAppend(key: string, options: DriverCallOptions): Promise<RawObject> {
    req.newObjectHeaders(options);
    await this.delete(key, { signal: options.signal });
    const appended = await this.writeAppend(key, 0, { data: Buffer.alloc(0), size: 0 }, options);
    const crc64 = this.integrity ? createdAppendCrc64(appended.crc64) : (appended.crc64 ?? "0");
    return { key, mode: "append", size: 0, appendOffset: appended.appendOffset, crc64 };
  }

  /**
   * AppendObject at `offset` with Content-MD5; returns `x-oss-next-append-position` and the whole object's CRC64.
   * Never retried blindly; a lost answer is judged by the object's length and CRC-64 (see `appendChunk` in append.ts).
   * @throws StorageError `Conflict` (PositionNotEqualToLength), `ObjectModeInvalid` (ObjectNotAppendable), `IntegrityMismatch`, `ServiceInternal`,
   *   `Unexpected` (an answer whose next append position is no whole number: the append was applied), ...
   */
  writeAppend(key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<{ appendOffset: number; crc64?: string }> {
    return appendChunk(this.client, key, offset, body, options);
  }

  /** Nothing to do: an OSS appendable object is readable at once. @throws nothing */
  async commitAppend(): Promise<void> {}

  /** InitiateMultipartUpload (`x-oss-forbid-overwrite` with `ifNotExists`). @throws StorageError `InvalidArgument`, `PermissionDenied`, `Conflict` (`ifNotExists`: an object exists), `Aborted` */
  createMultipart(key: string, options: DriverCallOptions): Promise<{ multipartId: string }> {
    return createUpload(this.client, key, options);
  }

  /** UploadPart (index 0 = PartNumber 1). @throws StorageError `ObjectNotExist` (no upload), `IntegrityMismatch` (InvalidDigest), `InvalidArgument`, `Aborted` */
  writePart(key: string, multipartId: string, index: number, body: DriverBody, options: DriverCallOptions): Promise<Part> {
    return writeUploadPart(this.client, key, multipartId, index, body, options);
  }

  /** CompleteMultipartUpload. @throws StorageError `ObjectNotExist`, `InvalidArgument` (InvalidPartOrder, EntityTooSmall), `Conflict` (InvalidPart: a part not uploaded or unlike the uploaded one; `ifNotExists`: an object exists; the upload kept), `Aborted` */
  completeMultipart(key: string, multipartId: string, parts: Part[], options: DriverCallOptions): Promise<DriverWriteResult> {
    return completeUpload(this.client, key, multipartId, parts, options);
  }

  /** AbortMultipartUpload; succeeds when the upload is gone. @throws StorageError `PermissionDenied`, `Aborted` */
  abortMultipart(key: string, multipartId: string, options: DriverCallOptions): Promise<void> {
    return abortUpload(this.client, key, multipartId, options);
  }

  /** One page of ListParts. @throws StorageError `ObjectNotExist` (no upload), `Aborted` */
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

  /**
   * HeadObject (the object's class; one refused with 400 or 403 leaves the checks to OSS), then RestoreObject (see `restoreArchived` in restore.ts).
   * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (no archive class, a symlink), `InvalidArgument` (days or a tier the class does not take), `Conflict` (a restore under way), `Aborted`, ...
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
