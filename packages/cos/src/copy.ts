import {
  callAttributes,
  copyInRanges,
  copySourceChanged,
  crc64Equal,
  ErrorCode,
  initiateHeaders,
  keepsStorageClass,
  planCopyParts,
  removeStoredWrong,
  runUpload,
  sameCustomerKey,
  sameServerSideEncryption,
  sourceAttributes,
  statSseCSource,
  storageError,
  withAttributes,
  type CopyReplacement,
  type DriverCallOptions,
  type DriverWriteResult,
  type Part,
  type RawObject,
  type StorageError,
} from "@stowage/core";
import { copySource } from "./addressing.js";
import type { CosClient } from "./client.js";
import { COS_TYPE } from "./config.js";
import { cosErrorFromResponse } from "./errors.js";
import { cosLimits } from "./features.js";
import { copiedDespiteRefusal, isOverwriteRefusal } from "./if-not-exists.js";
import { abortUpload, completeUpload, createUpload, errorIn200 } from "./multipart.js";
import { copyObject, metadataHeaders, uploadPartCopy } from "./requests.js";
import { parseErrorBody, parseResultEtag } from "./responses.js";
import { copySourceSseHeaders, sseCustomerHeaders } from "./sse.js";

const MiB = 1024 * 1024;
/** The largest object one PUT Object - Copy may copy: COS says 5 GB, taken as 5 × 10^9 bytes to be safe. */
export const COPY_SINGLE_MAXIMUM = 5_000_000_000;
/** Size of each part of a multipart copy (COS allows up to 5 GiB; smaller parts retry cheaply). */
export const COPY_PART_SIZE = 512 * MiB;
/** The SSE pairs a copy onto itself compares with what the source reports. */
const SSE_FIELDS = ["serverSideEncryption", "serverSideEncryptionCosKmsKeyId", "serverSideEncryptionContext"] as const;
/** Parts copied at once by a multipart copy. */
const COPY_CONCURRENCY = 4;
/** What a copy onto itself whose CRC-64 COS contradicts says of the object (it is not deleted). */
export const IN_PLACE_KEPT = "the copy was onto the source itself, so it was not removed (it is the only copy): read it to check it";
/** The SSE pairs that, given by the call itself (not by a default), replace the source's encryption on a copy. */
const CALL_SSE = ["serverSideEncryption", "serverSideEncryptionCosKmsKeyId", "serverSideEncryptionContext"] as const;

/** Tuning a caller (or a test) may change; the defaults follow COS's limits. */
export interface CosDriverTuning {
  /** Copies larger than this use multipart copy (default {@link COPY_SINGLE_MAXIMUM}). */
  copyThreshold?: number;
  /** Part size of multipart copies (default {@link COPY_PART_SIZE}; raised to fit 10,000 parts). */
  copyPartSize?: number;
}

/** What {@link copyStated} needs of the driver. */
export interface CopyContext {
  readonly client: CosClient;
  /** False when `integrity=false`: the copy's CRC-64 is not compared. */
  readonly integrity: boolean;
  readonly tuning: CosDriverTuning;
  /** The driver's stat (HEAD). */
  stat(key: string, options: DriverCallOptions): Promise<RawObject>;
  /** The driver's delete (a missing key is fine). */
  delete(key: string, options: DriverCallOptions): Promise<void>;
}

/** The source version a copy copied: as its HEAD described it, and the options that HEAD it again (its SSE-C key). */
export interface CopiedSource {
  source: RawObject;
  statOptions: DriverCallOptions;
  /** False when a copy onto itself had nothing to do (nothing was sent). */
  copied: boolean;
}

/**
 * Server-side copy: PUT Object - Copy, or a multipart copy above the tuning's threshold (5 GB);
 * the copy's CRC-64 must equal the source's (a mismatching copy is deleted, unless it was made
 * onto the source itself, an in-place change: that object is the only copy and is kept, the call
 * still fails), and it keeps the source's storage class unless the call gives one, and its SSE
 * ({@link keepSourceEncryption}). Attributes the call gives (content type, metadata, object headers:
 * `callAttributes`) replace the source's as a whole (`x-cos-metadata-directive: Replaced`, or the
 * multipart copy's Initiate); without them the copy keeps the source's. Onto the source itself COS
 * must be told Replaced: the request then carries the call's attributes, or the source's own as its
 * HEAD gave them (its metadata re-sent as it came, unchecked: `storedMetadataHeaders`; a multipart
 * copy's Initiate alike). With `ifNotExists`, `x-cos-forbid-overwrite: true` goes on the copy (a multipart
 * one: its Initiate and Complete): an object at the destination refuses it (409, `Conflict`, nothing
 * copied); a copy onto its source is that refusal before anything is sent. The copy (every part of a
 * multipart one) is pinned to the ETag the source's HEAD gave (`x-cos-copy-source-If-Match`): a
 * source overwritten in between fails the copy with `Conflict` (412) and nothing is stored. Returns
 * what was copied (`copied` false when a copy onto itself had nothing to do: no attributes, the same
 * storage class and encryption). A multipart copy reports its ranges to `options.onProgress` (core
 * `copyInRanges`); the final `{ bytes: size, total: size }` is the caller's to report, once its
 * call (a copy, or a move with its delete) succeeded. The SSE-C keys and the call's metadata are
 * checked first, so over plain http a customer key, or a metadata name COS refuses, fails before any
 * request is sent. Without a copy-source key, a call with an SSE-C key tries it for the source too
 * (core `statSseCSource`): a storager opened with a key copies its own objects.
 * @throws StorageError `InvalidArgument` (SSE-C over http, a bad key, a source above 10,000 × 5 GiB,
 *   the call's metadata COS cannot carry), `ObjectNotExist` (source), `ObjectModeInvalid` (a directory, or an
 *   appendable object: COS copies none), `Conflict` (the source changed after its HEAD; `ifNotExists`
 *   and an object at the destination), `IntegrityMismatch`, ...
 */
export async function copyStated(ctx: CopyContext, srcKey: string, dstKey: string, options: DriverCallOptions): Promise<CopiedSource> {
  const secure = ctx.client.secure;
  sseCustomerHeaders(options, secure);
  copySourceSseHeaders(options, secure);
  metadataHeaders(options.metadata);
  const given = options.copySourceServerSideEncryptionCustomerKey !== undefined;
  const sourceOptionsOf = (withObjectKey: boolean): DriverCallOptions => {
    const sourceOptions: DriverCallOptions = { signal: options.signal };
    if (given || withObjectKey) {
      sourceOptions.serverSideEncryptionCustomerKey = given ? options.copySourceServerSideEncryptionCustomerKey : options.serverSideEncryptionCustomerKey;
      sourceOptions.serverSideEncryptionCustomerAlgorithm = given ? options.copySourceServerSideEncryptionCustomerAlgorithm : options.serverSideEncryptionCustomerAlgorithm;
    }
    return sourceOptions;
  };
  const stated = await statSseCSource((withObjectKey) => ctx.stat(srcKey, sourceOptionsOf(withObjectKey)), !given && options.serverSideEncryptionCustomerKey !== undefined);
  const source = stated.source;
  const copiedSource: CopiedSource = { source, statOptions: sourceOptionsOf(stated.withObjectKey), copied: true };
  if (stated.withObjectKey) {
    options = {
      ...options,
      copySourceServerSideEncryptionCustomerKey: options.serverSideEncryptionCustomerKey,
      copySourceServerSideEncryptionCustomerAlgorithm: options.serverSideEncryptionCustomerAlgorithm,
    };
  }
  if (source.mode === "dir") throw storageError(ErrorCode.ObjectModeInvalid, "the copy source is a directory");
  if (source.mode === "append") throw storageError(ErrorCode.ObjectModeInvalid, "COS cannot copy an appendable object server-side: read it and write the copy");
  const ontoItself = srcKey === dstKey;
  if (ontoItself && options.ifNotExists === true) {
    throw storageError(ErrorCode.Conflict, "copy with ifNotExists onto its own source: an object exists at the destination (the source itself); nothing was sent", { statusCode: 409, retryable: false });
  }
  options = keepSourceEncryption(options, source);
  const attributes = callAttributes(options);
  // Onto itself, a copy changes nothing unless it sets attributes or another storage class, or re-encrypts (another SSE-C key, SSE mode, KMS key or context).
  if (
    ontoItself &&
    attributes === undefined &&
    keepsStorageClass(options.storageClass, source.storageClass, "STANDARD") &&
    sameServerSideEncryption(options, source.system, SSE_FIELDS) &&
    sameCustomerKey(options.copySourceServerSideEncryptionCustomerKey, options.serverSideEncryptionCustomerKey)
  ) {
    return { ...copiedSource, copied: false };
  }
  // COS makes a copy STANDARD unless told otherwise: keep the source's class, as a copy keeps its other attributes.
  if (options.storageClass === undefined && source.storageClass !== undefined) options = { ...options, storageClass: source.storageClass };
  let copied: DriverWriteResult;
  try {
    if ((source.size ?? 0) > (ctx.tuning.copyThreshold ?? COPY_SINGLE_MAXIMUM)) {
      copied = await multipartCopy(ctx.client, srcKey, dstKey, source, options, ctx.tuning.copyPartSize, attributes);
    } else {
      // Onto itself COS wants Replaced: the source's own attributes, unless the call gives others.
      copied = await singleCopy(ctx.client, srcKey, dstKey, source, options, attributes ?? (ontoItself ? sourceAttributes(source) : undefined));
    }
  } catch (e) {
    throw copySourceChanged(e, source.etag);
  }
  if (ctx.integrity && source.crc64 !== undefined && copied.crc64 !== undefined && !crc64Equal(copied.crc64, source.crc64)) {
    // Onto itself (an in-place re-encryption), the copy is the only copy there is: never deleted.
    const removed = srcKey === dstKey ? IN_PLACE_KEPT : await removeStoredWrong((signal) => ctx.delete(dstKey, { signal }), "copy");
    throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch on copy: source has ${source.crc64}, the copy ${copied.crc64}; ${removed}`);
  }
  return copiedSource;
}

/**
 * One PUT Object - Copy of `source` (pinned to its ETag), `replace` its attributes when given (see
 * `copyObject`). With `options.ifNotExists`, a 409 after an attempt that may have been applied (a
 * lost answer, retried) is judged by the object at `dstKey` (`copiedDespiteRefusal`); any other
 * 409 is `Conflict`, never retried.
 * @throws StorageError `Conflict` (412: the source changed; 409: an object exists, with `ifNotExists`), from COS; `Aborted`
 */
async function singleCopy(client: CosClient, srcKey: string, dstKey: string, source: RawObject, options: DriverCallOptions, replace: CopyReplacement | undefined): Promise<DriverWriteResult> {
  const forbid = options.ifNotExists === true;
  const validate = errorIn200("CopyObjectResult", "copy_object");
  const res = await client.sendBuffered(copyObject(dstKey, copySource(client.address, srcKey), options, client.secure, replace, source.etag), {
    signal: options.signal,
    accept: (status) => (status >= 200 && status < 300) || (forbid && status === 409),
    validate: async (response) => (response.status === 409 ? undefined : validate(response)),
  });
  if (res.status === 409) {
    const body = await parseErrorBody(res.body);
    const refused = cosErrorFromResponse(res, body).withContext({ service: COS_TYPE });
    if (!res.earlierAttemptMayHaveApplied || !isOverwriteRefusal(res.status, body?.code)) throw refused;
    return copiedDespiteRefusal(client, dstKey, source, options, refused);
  }
  const parsed = await parseResultEtag(res.body, "CopyObjectResult");
  const crc = res.header("x-cos-hash-crc64ecma") ?? parsed?.crc64;
  return { ...(parsed?.etag !== undefined ? { etag: parsed.etag } : {}), ...(crc !== undefined ? { crc64: crc } : {}) };
}

/**
 * Reports a copy or move that succeeded to `options.onProgress`: `{ bytes: size, total: size }`,
 * `size` the copied source's (of the object now at the destination).
 * @throws StorageError `Unexpected` (the caller's listener threw; core's relay).
 */
export function reportCopied(options: DriverCallOptions, copied: CopiedSource): void {
  const size = copied.source.size ?? 0;
  options.onProgress?.({ bytes: size, total: size });
}

/**
 * COS stores a copy unencrypted unless the request asks for SSE: a copy (and so a move) of an
 * SSE-COS or SSE-KMS object asks for the source's mode and KMS key id, and one of an SSE-C object
 * (read with the copy-source key) is encrypted with that same key, unless the call itself chose an
 * encryption (an SSE pair it gave, or an SSE-C key, an open-time one included). An open-time default
 * (`default_server_side_encryption*`, named in `options.defaulted`) is no choice of the call: it
 * applies to a source without SSE, and gives way to the encryption of a source that has one.
 * HEAD does not return an SSE-KMS object's encryption context: the copy has none unless the
 * caller gives one.
 */
export function keepSourceEncryption(options: DriverCallOptions, source: RawObject): DriverCallOptions {
  if (options.serverSideEncryptionCustomerKey !== undefined) return options;
  const defaulted = options.defaulted ?? [];
  if (CALL_SSE.some((k) => options[k] !== undefined && !defaulted.includes(k))) return options;
  if (options.copySourceServerSideEncryptionCustomerKey !== undefined) {
    // An SSE-C source stays SSE-C, under its own key (the SSE-COS/KMS defaults give way, as to any encrypted source).
    const kept: DriverCallOptions = {
      ...options,
      serverSideEncryptionCustomerKey: options.copySourceServerSideEncryptionCustomerKey,
      serverSideEncryptionCustomerAlgorithm: options.copySourceServerSideEncryptionCustomerAlgorithm,
    };
    for (const k of CALL_SSE) delete kept[k];
    return kept;
  }
  const mode = source.system?.["serverSideEncryption"];
  if (typeof mode !== "string" || mode === "") return options;
  const keyId = source.system?.["serverSideEncryptionCosKmsKeyId"];
  const kept: DriverCallOptions = { ...options, serverSideEncryption: mode };
  delete kept.serverSideEncryptionCosKmsKeyId;
  delete kept.serverSideEncryptionContext;
  if (mode === "cos/kms" && typeof keyId === "string" && keyId !== "") kept.serverSideEncryptionCosKmsKeyId = keyId;
  return kept;
}

/**
 * The ranges of a multipart copy of `size` bytes: parts of `partSize`, raised (to a whole
 * MiB) when more than COS's 10,000 part numbers would be needed.
 * @throws StorageError `InvalidArgument` when even 5 GiB parts cannot cover `size` (above 10,000 × 5 GiB, about 48.8 TiB)
 */
export function copyPartPlan(size: number, partSize = COPY_PART_SIZE): { partSize: number; count: number } {
  return planCopyParts(size, partSize, cosLimits);
}

/**
 * Server-side multipart copy of `source` (its `size` bytes) from `srcKey` to `dstKey` (used above
 * the 5 GB limit of PUT Copy): Upload Part - Copy in the ranges of {@link copyPartPlan}, four at a
 * time, then Complete; any failure aborts the upload (core `runUpload`: an Initiate or a Complete
 * already sent when the caller aborts gets a grace to answer, an upload Initiate answered with is
 * then aborted and a Complete that answered resolves the copy; the abort is bounded, and an error
 * whose upload may be left names it). `options.onProgress` gets the bytes of the ranges copied so
 * far after each range (core `copyInRanges`), with `total` the source's size. The new object gets
 * `attributes` (the call's, `callAttributes`) when given, else the source's content type, metadata,
 * Cache-Control, Content-Disposition, Content-Encoding, Content-Language and Expires, as a PUT
 * Object - Copy keeps them; and the storage class `options` carries (copyStated sets the source's
 * unless the call gives one). `options.ifNotExists` puts `x-cos-forbid-overwrite` on the Initiate and the
 * Complete (`Conflict` over an object; the upload aborted). Every range is pinned to `source.etag`
 * (`x-cos-copy-source-If-Match`), so a source overwritten meanwhile fails the copy (412) instead of
 * splicing two versions. Returns the new object's ETag and CRC64.
 * @throws StorageError `InvalidArgument` (a source too large, before anything is sent), `Conflict` (412: the source changed; 409: an object exists, with `ifNotExists`), from COS; `Aborted`
 */
export async function multipartCopy(
  client: CosClient,
  srcKey: string,
  dstKey: string,
  source: RawObject,
  options: DriverCallOptions,
  partSize = COPY_PART_SIZE,
  attributes?: CopyReplacement,
): Promise<DriverWriteResult> {
  const size = source.size ?? 0;
  const plan = copyPartPlan(size, partSize);
  const kept = attributes ?? sourceAttributes(source);
  const initOptions = withAttributes(options, kept);
  const initHeaders = initiateHeaders(kept, "x-cos-meta-");
  delete initOptions.copySourceServerSideEncryptionCustomerKey;
  delete initOptions.copySourceServerSideEncryptionCustomerAlgorithm;
  const from = copySource(client.address, srcKey);
  return runUpload<DriverWriteResult, Part[]>({
    key: dstKey,
    signal: options.signal,
    create: async (signal) => (await createUpload(client, dstKey, { ...initOptions, signal }, initHeaders)).multipartId,
    run: (multipartId) =>
      copyInRanges(
        size,
        plan,
        COPY_CONCURRENCY,
        async ({ index, first, last }) => {
          const res = await client.sendBuffered(uploadPartCopy(dstKey, multipartId, index, from, first, last, options, client.secure, source.etag), {
            signal: options.signal,
            validate: errorIn200("CopyPartResult", "upload_part_copy"),
          });
          const result = await parseResultEtag(res.body, "CopyPartResult");
          // `protocols.md` §1.5 names the header; the XML body may carry it too.
          const crc64 = res.header("x-cos-hash-crc64ecma") ?? result?.crc64;
          return { index, size: last - first + 1, etag: result?.etag ?? "", ...(crc64 ? { crc64 } : {}) };
        },
        options.onProgress,
      ),
    complete: (multipartId, parts, signal) => completeUpload(client, dstKey, multipartId, parts, { ...options, signal }),
    abort: (multipartId, signal) => abortUpload(client, dstKey, multipartId, { signal }),
  });
}
