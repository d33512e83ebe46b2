import {
  checkPartIndex,
  copyInRanges,
  copySourceChanged,
  ErrorCode,
  goneIsDone,
  judgeLostComplete,
  planCopyParts,
  runUpload,
  storageError,
  withoutEtagConditions,
  type BufferedResponse,
  type DriverBody,
  type DriverCallOptions,
  type DriverWriteResult,
  type Part,
  type RawObject,
  warnInitiateRetried,
} from "@stowage/core";
import { sourceHeader } from "./addressing.js";
import { expectJson, type QingStorClient } from "./client.js";
import { QINGSTOR_STORAGE_CLASSES, QINGSTOR_TYPE } from "./config.js";
import { qingstorErrorFromResponse } from "./errors.js";
import { completeRefusal, isInvalidArgumentAnswer } from "./complete-refusal.js";
import { replacesAttributes } from "./copy-attributes.js";
import { checkSourceUnchanged } from "./copy-pin.js";
import { completeEtag, crc64OfEtag, etagContradicts } from "./etag.js";
import { qingstorLimits } from "./features.js";
import { listPartsPage } from "./lister.js";
import { abortMultipart, completeMultipart, headObject, initiateMultipart, uploadPart, uploadPartCopy } from "./requests.js";
import { objectFromHeaders, parseErrorBody, parseInitiate } from "./responses.js";
import { usesSseC } from "./sse.js";

/** Size of each part of a multipart copy (QingStor allows 4 MiB–5 GiB; smaller parts retry cheaply). */
export const COPY_PART_SIZE = 512 * 1024 * 1024;
/** Parts copied at once by a multipart copy. */
const COPY_CONCURRENCY = 4;

/**
 * InitiateMultipartUpload. Retried like any request: an attempt whose answer was lost (or that was
 * answered 5xx) may have made an upload that no answer names, which is left behind (it holds no
 * parts; `stowage uploads --abort` or a lifecycle rule removes it), and the upload the retry's
 * answer names is the one the call uses. Such a retry emits a `STOWAGE_UPLOAD_LEFT` process warning
 * naming the key (core `warnInitiateRetried`); nothing is aborted, as another writer's upload of
 * the same key cannot be told from that attempt's.
 * @throws StorageError from QingStor, `Unexpected` when the answer has no upload_id
 */
export async function createUpload(client: QingStorClient, key: string, options: DriverCallOptions): Promise<{ multipartId: string }> {
  const res = await client.sendBuffered(initiateMultipart(key, options, client.secure), { signal: options.signal, validate: expectJson("initiate_multipart_upload") });
  const id = parseInitiate(res.body);
  if (!id) throw storageError(ErrorCode.Unexpected, "initiate_multipart_upload: the answer carries no upload_id", { ...(res.requestId ? { requestId: res.requestId } : {}) });
  warnInitiateRetried(res, "QingStor", key, id);
  return { multipartId: id };
}

/**
 * UploadMultipart of part `index` (0-based, as QingStor's part numbers). With
 * `integrity`, the part's ETag must be the MD5 that was sent (not checked for SSE-C parts).
 * @throws StorageError `InvalidArgument` (index out of 0..9999), `ObjectNotExist` (upload_not_exists),
 *   `IntegrityMismatch` (bad_digest, or an ETag that contradicts the MD5), ...
 */
export async function writeUploadPart(
  client: QingStorClient,
  key: string,
  uploadId: string,
  index: number,
  body: DriverBody,
  options: DriverCallOptions,
  integrity: boolean,
): Promise<Part> {
  // QingStor numbers parts 0..10000; Stowage writes 10,000 parts at most (0..9999, part-numbers.ts).
  checkPartIndex(index, qingstorLimits.multipartNumberMaximum);
  const res = await client.send(uploadPart(key, uploadId, index, body, options, client.secure), { signal: options.signal, onUploadProgress: body.onProgress });
  await res.discard();
  const etag = res.header("etag") ?? "";
  if (integrity && !usesSseC(options) && etagContradicts(etag, body.contentMd5)) {
    throw storageError(ErrorCode.IntegrityMismatch, `part ${index}: QingStor stored MD5 ${etag}, not the ${body.size} bytes sent`, {
      ...(res.requestId ? { requestId: res.requestId } : {}),
    });
  }
  return { index, size: body.size, etag };
}

/**
 * CompleteMultipartUpload with `parts` (sorted). QingStor does not compute the merged object's
 * ETag: the one Stowage sends as the `ETag` header (HEAD then returns it) is reported. When the
 * object's CRC-64 is known (`crc64`, or every part's CRC-64, which core gives for the parts it
 * hashed), it is a CRC ETag (`"<crc hex><check hex>-N"`, etag.ts `crc64Etag`) that stat reports
 * as the object's `crc64` and whole reads are checked against; else the S3-style
 * `"<md5 of part md5s>-N"` (none when a part's ETag is no plain MD5).
 *
 * Complete is not idempotent: when an attempt completed the upload but its answer was lost,
 * the retry finds no upload (404 upload_not_exists). The object is then looked at (HEAD): when
 * its ETag is the one sent (which names this list of parts) and its size the parts' total, the
 * complete succeeded; otherwise (or without such an ETag) the 404 stands. A 404 on the first
 * attempt is never reinterpreted.
 *
 * A Complete refused with `invalid_argument` (QingStor's answer to a part not uploaded or unlike the
 * uploaded one, e.g. one uploaded again meanwhile) is explained by listing the upload's parts: such
 * a part makes it `Conflict`, the upload kept (see `completeRefusal`).
 * @throws StorageError `ObjectNotExist` (upload_not_exists), `Conflict` (a part not uploaded or unlike
 *   the uploaded one), `InvalidArgument` (entity_too_small, another invalid_argument...), ...
 */
export async function completeUpload(
  client: QingStorClient,
  key: string,
  uploadId: string,
  parts: readonly Part[],
  options: DriverCallOptions,
  integrity: boolean,
  crc64?: string,
): Promise<DriverWriteResult> {
  const etag = completeEtag(parts, crc64);
  let res: BufferedResponse;
  try {
    res = await client.sendBuffered(completeMultipart(key, uploadId, parts, etag, options, client.secure, integrity), {
      signal: options.signal,
      // A 404 comes back here, to tell a retry that lost the race with its own first attempt.
      accept: (status) => (status >= 200 && status < 300) || status === 404,
    });
  } catch (e) {
    if (isInvalidArgumentAnswer(e)) throw await completeRefusal(client, key, uploadId, parts, e, options);
    throw e;
  }
  if (res.status === 404) await confirmLostComplete(client, key, parts, etag, res, options);
  return etag === undefined ? {} : { etag };
}

/**
 * A Complete answered 404 stands unless this was a retry, the upload is gone (upload_not_exists)
 * and the object is a file with the ETag the Complete sent and the parts' total size (core
 * `judgeLostComplete`; see {@link completeUpload}).
 * @throws StorageError `ObjectNotExist` (the 404), `Aborted`
 */
async function confirmLostComplete(
  client: QingStorClient,
  key: string,
  parts: readonly Part[],
  etag: string | undefined,
  res: BufferedResponse,
  options: DriverCallOptions,
): Promise<void> {
  const error = qingstorErrorFromResponse(res, parseErrorBody(res.body)).withContext({ service: QINGSTOR_TYPE });
  const expected = etag === undefined ? undefined : { size: parts.reduce((n, p) => n + p.size, 0), etag };
  const head = async (): Promise<RawObject> => {
    const answer = await client.sendBuffered(headObject(key, withoutEtagConditions(options), client.secure), { signal: options.signal });
    return objectFromHeaders(key, answer.status, answer.headers);
  };
  await judgeLostComplete(error, res.earlierAttemptMayHaveApplied, expected, { uploadGoneCode: "upload_not_exists", head, completedKind: (o) => o.mode === "file" });
}

/** AbortMultipartUpload; succeeds when the upload is already gone (core `goneIsDone`). @throws StorageError `ObjectNotExist` (no bucket), `PermissionDenied`, `Aborted`, ... */
export async function abortUpload(client: QingStorClient, key: string, uploadId: string, options: DriverCallOptions): Promise<void> {
  await goneIsDone(client.sendBuffered(abortMultipart(key, uploadId), { signal: options.signal }));
}

/**
 * The upload as a `part` object (checked with one ListMultipart call).
 * @throws StorageError `ObjectNotExist` when there is no such upload
 */
export async function statUpload(client: QingStorClient, key: string, uploadId: string, options: DriverCallOptions): Promise<RawObject> {
  await listPartsPage(client, key, uploadId, undefined, options, 1);
  return { key, mode: "part", multipartId: uploadId };
}

/**
 * The ranges of a multipart copy of `size` bytes: parts of `partSize`, raised (to a whole
 * MiB) when more than QingStor's 10,000 part numbers would be needed.
 * @throws StorageError `InvalidArgument` when even 5 GiB parts cannot cover `size` (above 10,000 × 5 GiB, about 48.8 TiB)
 */
export function copyPartPlan(size: number, partSize = COPY_PART_SIZE): { partSize: number; count: number } {
  return planCopyParts(size, partSize, qingstorLimits);
}

/**
 * Server-side multipart copy of `source` (used above the 5 GiB limit of a single
 * copy): UploadMultipart with `x-qs-copy-source` and `x-qs-copy-range` in ranges of
 * {@link copyPartPlan}, then Complete; any failure aborts the upload (core `runUpload`: an
 * Initiate or a Complete already sent when the caller aborts gets a grace to answer, an upload
 * Initiate answered with is then aborted and a Complete that answered resolves the copy; the abort
 * is bounded, and an error whose upload may be left names it). `options.onProgress` gets the bytes
 * of the ranges copied so far after each range (core `copyInRanges`), with `total` the source's
 * size. The new object gets the source's content type, metadata and storage class (not its
 * Cache-Control, Content-Disposition, Content-Encoding or Expires, which no Initiate takes); with
 * `replace` (the call gave a content type or metadata: `replacesAttributes`), exactly the content
 * type and metadata of `options` instead, none of the source's; a storage class in `options` wins
 * over the source's. `options` carries no Cache-Control or Content-Encoding (the caller refused
 * them: `withoutObjectHeaders`).
 *
 * Every range is pinned to `source.etag` (`x-qs-copy-source-if-match`), and before Complete a HEAD
 * checks the source still has that ETag: a source overwritten meanwhile fails the copy with
 * `Conflict` and the upload is aborted, so no object spliced from two versions is stored. A source
 * whose ETag is a Stowage CRC ETag gives the copy a CRC ETag with the same CRC-64 (the bytes are
 * the same), so reads of the copy are checked too.
 * @throws StorageError `InvalidArgument` (a source too large, before anything is sent), `Conflict`
 *   (412, or the HEAD: the source changed during the copy), from QingStor; `Aborted`
 */
export async function multipartCopy(
  client: QingStorClient,
  srcKey: string,
  dstKey: string,
  source: RawObject,
  options: DriverCallOptions,
  integrity: boolean,
  partSize = COPY_PART_SIZE,
  replace = replacesAttributes(options),
): Promise<DriverWriteResult> {
  const size = source.size ?? 0;
  const plan = copyPartPlan(size, partSize);
  const kept = replace ? {} : { ...(source.contentType ? { contentType: source.contentType } : {}), ...(source.metadata ? { metadata: source.metadata } : {}) };
  const initOptions: DriverCallOptions = { ...options, ...kept };
  if (options.storageClass === undefined && (QINGSTOR_STORAGE_CLASSES as readonly unknown[]).includes(source.storageClass)) initOptions.storageClass = source.storageClass;
  delete initOptions.copySourceEncryptionCustomerKey;
  delete initOptions.copySourceEncryptionCustomerAlgorithm;
  const from = sourceHeader(client.bucket ?? "", srcKey);
  const pin = source.etag;
  try {
    return await runUpload<DriverWriteResult, Part[]>({
      key: dstKey,
      signal: options.signal,
      create: async (signal) => (await createUpload(client, dstKey, { ...initOptions, signal })).multipartId,
      run: async (multipartId) => {
        const parts = await copyInRanges(
          size,
          plan,
          COPY_CONCURRENCY,
          async ({ index, first, last }) => {
            const res = await client.sendBuffered(uploadPartCopy(dstKey, multipartId, index, from, first, last, options, client.secure, pin), { signal: options.signal });
            return { index, size: last - first + 1, etag: res.header("etag") ?? "" };
          },
          options.onProgress,
        );
        if (pin !== undefined) await checkSourceUnchanged(client, srcKey, pin, options);
        return parts;
      },
      complete: (multipartId, parts, signal) => completeUpload(client, dstKey, multipartId, parts, { ...options, signal }, integrity, crc64OfEtag(pin)),
      abort: (multipartId, signal) => abortUpload(client, dstKey, multipartId, { signal }),
    });
  } catch (e) {
    throw copySourceChanged(e, pin);
  }
}
