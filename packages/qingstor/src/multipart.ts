import {
  checkPartIndex,
  ErrorCode,
  isStorageError,
  storageError,
  type DriverBody,
  type DriverCallOptions,
  type DriverWriteResult,
  type Part,
  type RawObject,
} from "@stowage/core";
import { sourceHeader } from "./addressing.js";
import { expectJson, type QingStorClient } from "./client.js";
import { QINGSTOR_STORAGE_CLASSES } from "./config.js";
import { etagContradicts, multipartEtag } from "./etag.js";
import { qingstorLimits } from "./features.js";
import { listPartsPage } from "./lister.js";
import { abortMultipart, completeMultipart, initiateMultipart, uploadPart, uploadPartCopy } from "./requests.js";
import { parseInitiate } from "./responses.js";
import { usesSseC } from "./sse.js";

/** Size of each part of a multipart copy (QingStor allows 4 MiB–5 GiB; smaller parts retry cheaply). */
export const COPY_PART_SIZE = 512 * 1024 * 1024;
/** Parts copied at once by a multipart copy. */
const COPY_CONCURRENCY = 4;


/**
 * InitiateMultipartUpload.
 * @throws StorageError from QingStor, `Unexpected` when the answer has no upload_id
 */
export async function createUpload(client: QingStorClient, key: string, options: DriverCallOptions): Promise<{ multipartId: string }> {
  const res = await client.sendBuffered(initiateMultipart(key, options, client.secure), { signal: options.signal, validate: expectJson("initiate_multipart_upload") });
  const id = parseInitiate(res.body);
  if (!id) throw storageError(ErrorCode.Unexpected, "initiate_multipart_upload: the answer carries no upload_id", { ...(res.requestId ? { requestId: res.requestId } : {}) });
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
  // QingStor numbers parts 0..10000; Stowage allows 10,000 parts (0..9999).
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
 * CompleteMultipartUpload with `parts` (sorted). QingStor does not compute the
 * merged object's ETag, so the S3-style `"<md5 of part md5s>-N"` is sent as the
 * `ETag` header (HEAD then returns it) and reported.
 * @throws StorageError `ObjectNotExist` (upload_not_exists), `InvalidArgument` (entity_too_small...), ...
 */
export async function completeUpload(
  client: QingStorClient,
  key: string,
  uploadId: string,
  parts: readonly Part[],
  options: DriverCallOptions,
  integrity: boolean,
): Promise<DriverWriteResult> {
  const etag = multipartEtag(parts);
  await client.sendBuffered(completeMultipart(key, uploadId, parts, etag, options, client.secure, integrity), { signal: options.signal });
  return etag === undefined ? {} : { etag };
}

/** AbortMultipartUpload; succeeds when the upload is already gone. */
export async function abortUpload(client: QingStorClient, key: string, uploadId: string, options: DriverCallOptions): Promise<void> {
  try {
    await client.sendBuffered(abortMultipart(key, uploadId), { signal: options.signal });
  } catch (e) {
    if (!isStorageError(e, ErrorCode.ObjectNotExist)) throw e;
  }
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
 * Server-side multipart copy of `source` (used above the 5 GiB limit of a single
 * copy): UploadMultipart with `x-qs-copy-source` and `x-qs-copy-range` in
 * {@link COPY_PART_SIZE} ranges, then Complete; any failure aborts the upload. The
 * new object gets the source's content type and metadata.
 * @throws StorageError from QingStor; `Aborted`
 */
export async function multipartCopy(
  client: QingStorClient,
  srcKey: string,
  dstKey: string,
  source: RawObject,
  options: DriverCallOptions,
  integrity: boolean,
  partSize = COPY_PART_SIZE,
): Promise<DriverWriteResult> {
  const size = source.size ?? 0;
  const initOptions: DriverCallOptions = { ...options, ...(source.contentType ? { contentType: source.contentType } : {}), ...(source.metadata ? { metadata: source.metadata } : {}) };
  if ((QINGSTOR_STORAGE_CLASSES as readonly unknown[]).includes(source.storageClass)) initOptions.storageClass = source.storageClass;
  delete initOptions.copySourceEncryptionCustomerKey;
  delete initOptions.copySourceEncryptionCustomerAlgorithm;
  const { multipartId } = await createUpload(client, dstKey, initOptions);
  const from = sourceHeader(client.bucket ?? "", srcKey);
  const count = Math.max(1, Math.ceil(size / partSize));
  const parts: Part[] = new Array<Part>(count);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < count && !failed) {
      const index = next++;
      const first = index * partSize;
      const last = Math.max(first, Math.min(size, first + partSize) - 1);
      try {
        const res = await client.sendBuffered(uploadPartCopy(dstKey, multipartId, index, from, first, last, options, client.secure), { signal: options.signal });
        parts[index] = { index, size: last - first + 1, etag: res.header("etag") ?? "" };
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(COPY_CONCURRENCY, count) }, worker));
    return await completeUpload(client, dstKey, multipartId, parts, options, integrity);
  } catch (e) {
    await abortUpload(client, dstKey, multipartId, {}).catch(() => undefined);
    throw e;
  }
}
