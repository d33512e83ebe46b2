import {
  callAttributes,
  copySourceChanged,
  crc64Equal,
  ErrorCode,
  keepsStorageClass,
  removeStoredWrong,
  sameServerSideEncryption,
  sourceAttributes,
  storageError,
  type CopyReplacement,
  type DriverCallOptions,
  type DriverWriteResult,
  type RawObject,
  type StorageError,
} from "@stowage/core";
import { copySource } from "./addressing.js";
import type { OssClient } from "./client.js";
import { OSS_TYPE } from "./config.js";
import { pinCopySource } from "./copy-source-condition.js";
import { ossErrorFromResponse } from "./errors.js";
import { copiedDespiteRefusal, isOverwriteRefusal } from "./if-not-exists.js";
import { multipartCopy, resultDocument } from "./multipart.js";
import * as req from "./requests.js";
import { errorDocument, parseResultEtag } from "./responses.js";

/** The largest object copied with one CopyObject; OSS recommends UploadPartCopy above 1 GB. */
export const COPY_SINGLE_MAXIMUM = 1024 * 1024 * 1024;

/** Tuning a caller (or a test) may change; the defaults follow OSS's limits. */
export interface OssDriverTuning {
  /** Copies larger than this use UploadPartCopy (default {@link COPY_SINGLE_MAXIMUM}). */
  copyThreshold?: number;
  /** Part size of multipart copies (default 256 MiB). */
  copyPartSize?: number;
}

/** The SSE pairs a copy onto itself compares with what the source reports; given by the call itself (not by a default), they replace the source's encryption. */
const SSE_FIELDS = ["serverSideEncryption", "serverSideDataEncryption", "serverSideEncryptionKeyId"] as const;
/** What a copy onto itself whose CRC-64 OSS contradicts says of the object (it is not deleted). */
export const IN_PLACE_KEPT = "the copy was onto the source itself, so it was not removed (it is the only copy): read it to check it";

/** What {@link copyStated} needs of the driver. */
export interface CopyContext {
  readonly client: OssClient;
  /** The bucket. */
  readonly name: string;
  /** False when `integrity=false`: the copy's CRC-64 is not compared. */
  readonly integrity: boolean;
  readonly tuning: OssDriverTuning;
  /** The driver's stat (HEAD, following no link). */
  stat(key: string, options: DriverCallOptions): Promise<RawObject>;
  /** The driver's delete (a missing key is fine). */
  delete(key: string, options: DriverCallOptions): Promise<void>;
}

/**
 * Server-side copy of a source already stat'ed: CopyObject, or UploadPartCopy above the tuning's
 * threshold (1 GiB), both keeping the source's encryption ({@link keepSourceEncryption}); the
 * copy's CRC64 must equal the source's (a mismatching copy is deleted, unless it was made onto the
 * object whose bytes it copied: that object is kept, and the call still fails). Attributes the call
 * gives (content type, metadata, object headers: `callAttributes`) replace the source's as a whole
 * (`x-oss-metadata-directive: REPLACE`, or the multipart copy's Initiate), with the storage class
 * said (the call's, else the source's); without them the copy keeps the source's. Onto the object
 * itself OSS takes the request's metadata whatever the directive: the request then carries the
 * call's attributes, or the source's own as its HEAD gave them (its metadata re-sent as it came,
 * unchecked: `storedMetadataHeaders`; a multipart copy's Initiate alike). A copy onto itself, or of a link
 * onto the link's own target, changes nothing unless it sets attributes or another storage class,
 * or re-encrypts. With `ifNotExists`, `x-oss-forbid-overwrite: true` goes on the copy (a multipart
 * one: its Initiate and Complete): an object at the destination refuses it (409, `Conflict`,
 * nothing copied); a copy onto itself is that refusal before anything is sent. A
 * symlink source copies its target's bytes (OSS itself would copy the link). The copy (every part
 * of a multipart one) is pinned to the ETag of that stat (`x-oss-copy-source-if-match`): a source
 * overwritten since fails the copy with `Conflict` (412) and nothing is stored. Returns the object
 * whose bytes were copied (a link's target), or undefined when a copy onto itself had nothing to do.
 * A multipart copy reports its ranges to `options.onProgress` (core `copyInRanges`); the final
 * `{ bytes: size, total: size }` is the caller's to report ({@link reportCopied}), once its call (a
 * copy, or a move with its delete) succeeded.
 * @throws StorageError `ObjectNotExist` (a link's target, or a link to a link), `ObjectModeInvalid` (a
 *   directory, or an appendable object: OSS copies none), `Conflict` (the source changed after its
 *   stat; `ifNotExists` and an object at the destination), `IntegrityMismatch`, `InvalidArgument` (the call's metadata OSS cannot carry), ...
 */
export async function copyStated(ctx: CopyContext, stated: RawObject, srcKey: string, dstKey: string, options: DriverCallOptions): Promise<RawObject | undefined> {
  let source = stated;
  let from = srcKey;
  if (source.mode === "link") {
    from = source.linkTarget!.slice(1);
    source = await ctx.stat(from, { signal: options.signal });
    if (source.mode === "link") throw storageError(ErrorCode.ObjectNotExist, "the copy source is a link to a link (OSS follows one link only)");
  }
  if (source.mode === "dir") throw storageError(ErrorCode.ObjectModeInvalid, "the copy source is a directory");
  if (source.mode === "append") throw storageError(ErrorCode.ObjectModeInvalid, "OSS cannot copy an appendable object server-side: read it and write the copy");
  // Onto itself (a link onto its own target too).
  const ontoItself = srcKey === dstKey || from === dstKey;
  if (ontoItself && options.ifNotExists === true) {
    throw storageError(ErrorCode.Conflict, "copy with ifNotExists onto its own source: an object exists at the destination; nothing was sent", { statusCode: 409, retryable: false });
  }
  options = keepSourceEncryption(options, source);
  const attributes = callAttributes(options);
  // Onto itself, a copy changes nothing unless it sets attributes or another storage class, or re-encrypts (another SSE mode or KMS key).
  if (ontoItself && attributes === undefined && keepsStorageClass(options.storageClass, source.storageClass, "Standard") && sameServerSideEncryption(options, source.system, SSE_FIELDS)) {
    return undefined;
  }
  // Onto itself OSS takes the request's metadata whatever the directive: the source's own, unless the call gives others.
  const replace = attributes ?? (ontoItself ? sourceAttributes(source) : undefined);
  if (replace !== undefined && options.storageClass === undefined && source.storageClass !== undefined) options = { ...options, storageClass: source.storageClass };
  let copied: DriverWriteResult;
  try {
    if ((source.size ?? 0) > (ctx.tuning.copyThreshold ?? COPY_SINGLE_MAXIMUM)) {
      copied = await multipartCopy(ctx.client, from, dstKey, source, options, ctx.tuning.copyPartSize, attributes);
    } else {
      copied = await singleCopy(ctx, from, dstKey, source, options, replace);
    }
  } catch (e) {
    throw copySourceChanged(e, source.etag);
  }
  if (ctx.integrity && source.crc64 !== undefined && copied.crc64 !== undefined && !crc64Equal(copied.crc64, source.crc64)) {
    // Onto the object whose bytes were copied (an in-place re-encryption), the copy is the only copy there is: never deleted.
    const removed = ontoItself ? IN_PLACE_KEPT : await removeStoredWrong((signal) => ctx.delete(dstKey, { signal }), "copy");
    throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch on copy: source has ${source.crc64}, the copy ${copied.crc64}; ${removed}`);
  }
  return source;
}

/**
 * One CopyObject of `source` (at `from`, pinned to its ETag), `replace` its attributes when given
 * (see `copyObject`). With `options.ifNotExists`, a 409 after an attempt that may have been applied
 * (a lost answer, retried) is judged by the object at `dstKey` (`copiedDespiteRefusal`); any other
 * 409 is `Conflict`, never retried.
 * @throws StorageError `Conflict` (412: the source changed; 409: an object exists, with `ifNotExists`), from OSS; `Aborted`
 */
async function singleCopy(ctx: CopyContext, from: string, dstKey: string, source: RawObject, options: DriverCallOptions, replace: CopyReplacement | undefined): Promise<DriverWriteResult> {
  const forbid = options.ifNotExists === true;
  const validate = resultDocument("CopyObjectResult", "copy_object");
  const res = await ctx.client.sendBuffered(pinCopySource(req.copyObject(dstKey, copySource(ctx.name, from), options, replace), source.etag), {
    signal: options.signal,
    accept: (status) => (status >= 200 && status < 300) || (forbid && status === 409),
    validate: async (response) => (response.status === 409 ? undefined : validate(response)),
  });
  if (res.status === 409) {
    const doc = await errorDocument(res.body, res.headers);
    const refused = ossErrorFromResponse(res, doc).withContext({ service: OSS_TYPE });
    if (!res.earlierAttemptMayHaveApplied || !isOverwriteRefusal(res.status, doc?.code)) throw refused;
    return copiedDespiteRefusal(ctx.client, dstKey, source, options, refused);
  }
  const etag = (await parseResultEtag(res.body, "CopyObjectResult"))?.etag;
  const crc64 = res.header("x-oss-hash-crc64ecma");
  return { ...(etag === undefined ? {} : { etag }), ...(crc64 === undefined ? {} : { crc64 }) };
}

/**
 * The options of a copy of `source`, single or multipart: OSS's CopyObject and
 * InitiateMultipartUpload are asked for the source's SSE mode (AES256, SM4 or KMS), and with KMS
 * its data encryption (SM4) and key id, so that a copy (and so a move) of an encrypted object is
 * encrypted alike whatever its size, unless the call itself chose an encryption (an SSE pair it
 * gave). An open-time default (`default_server_side_encryption*`, named in `options.defaulted`)
 * is no choice of the call: it applies to a source without SSE, and gives way to the encryption
 * of a source that has one.
 */
export function keepSourceEncryption(options: DriverCallOptions, source: RawObject): DriverCallOptions {
  const defaulted = options.defaulted ?? [];
  if (SSE_FIELDS.some((k) => options[k] !== undefined && !defaulted.includes(k))) return options;
  const mode = source.system?.["serverSideEncryption"];
  if (typeof mode !== "string" || mode === "") return options;
  const kept: DriverCallOptions = { ...options, serverSideEncryption: mode };
  delete kept.serverSideDataEncryption;
  delete kept.serverSideEncryptionKeyId;
  if (mode === "KMS") {
    const data = source.system?.["serverSideDataEncryption"];
    const keyId = source.system?.["serverSideEncryptionKeyId"];
    if (typeof data === "string" && data !== "") kept.serverSideDataEncryption = data;
    if (typeof keyId === "string" && keyId !== "") kept.serverSideEncryptionKeyId = keyId;
  }
  return kept;
}

/**
 * Reports a copy or move that succeeded to `options.onProgress`: `{ bytes: size, total: size }`,
 * `size` that of `copied` (the object whose bytes the destination now holds).
 * @throws StorageError `Unexpected` (the caller's listener threw; core's relay).
 */
export function reportCopied(options: DriverCallOptions, copied: RawObject): void {
  const size = copied.size ?? 0;
  options.onProgress?.({ bytes: size, total: size });
}

