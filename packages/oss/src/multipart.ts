import {
  initiatedUploadId,
  checkPartIndex,
  combinePartCrcs,
  copyInRanges,
  ErrorCode,
  initiateHeaders,
  goneIsDone,
  judgeLostComplete,
  parsedAnswer,
  planCopyParts,
  runUpload,
  sourceAttributes,
  storageError,
  withAttributes,
  type BufferedResponse,
  type CopyReplacement,
  type DriverBody,
  type DriverCallOptions,
  type DriverWriteResult,
  type Part,
  type RawObject,
  type StorageError,
  warnInitiateRetried,
} from "@stowage/core";
import { copySource } from "./addressing.js";
import type { OssClient } from "./client.js";
import { OSS_TYPE } from "./config.js";
import { pinCopySource } from "./copy-source-condition.js";
import { ossError, ossErrorFromResponse } from "./errors.js";
import { completedDespiteRefusal, headStored, isMultipartObject, isOverwriteRefusal } from "./if-not-exists.js";
import { ossLimits } from "./features.js";
import { listPartsPage } from "./lister.js";
import { abortMultipart, completeMultipart, initiateMultipart, uploadPart, uploadPartCopy } from "./requests.js";
import { errorDocument, parseErrorBody, parseInitiate, parseResultEtag } from "./responses.js";

/** Size of each part of a multipart copy (OSS allows up to 5 GiB; smaller parts retry cheaply). */
export const COPY_PART_SIZE = 256 * 1024 * 1024;
/** Parts copied at once by a multipart copy. */
const COPY_CONCURRENCY = 4;
const MAX_PARTS = ossLimits().multipartNumberMaximum!;

/**
 * Checks a 200 whose body should be `expectedRoot`: an `<Error>` document is
 * mapped like a failed response, anything else is a retryable `ServiceInternal`.
 */
export function resultDocument(expectedRoot: string, operation: string) {
  return async (response: Pick<BufferedResponse, "status" | "body" | "requestId">): Promise<StorageError | undefined> => {
    const error = await parseErrorBody(response.body);
    if (error !== undefined) return ossError(response.status, error, operation, response.requestId);
    const parsed = await parseResultEtag(response.body, expectedRoot).catch((e: unknown) => e);
    if (parsed === undefined || parsed instanceof Error) {
      return storageError(ErrorCode.ServiceInternal, `${operation}: the service answered 200 without a ${expectedRoot} document`, { retryable: true });
    }
    return undefined;
  };
}

/**
 * InitiateMultipartUpload (`contentHeaders`: Cache-Control and the like, for a multipart copy). The
 * answer is read inside the client's retry loop (core `parsedAnswer`), as a listing's is: a 200
 * carrying an `<Error>` document is the error it names, and one that is not well-formed XML or
 * carries no UploadId is retried like a 5xx while retries remain, then fails as a retryable
 * `Unexpected` with the answer's status and request id. Such an answer, like a lost one, may come
 * from an Initiate that OSS performed: its upload, which no answer named, is left behind (it
 * holds no parts; `stowage uploads --abort` or a lifecycle rule removes it). A retry adds none of
 * its own: only an Initiate answered so leaves one, retried or not, and the upload a retry's
 * answer names is the one the call uses. When a retry's answer came after an attempt that may
 * have been applied (core's `earlierAttemptMayHaveApplied`), a `STOWAGE_UPLOAD_LEFT` process
 * warning names the key (core `warnInitiateRetried`); nothing is aborted, as another writer's
 * upload of the same key cannot be told from that attempt's.
 * @throws StorageError from OSS, `Unexpected` (retryable) when no answer carried an UploadId
 */
export async function createUpload(
  client: OssClient,
  key: string,
  options: DriverCallOptions,
  contentHeaders: Readonly<Record<string, string>> = {},
): Promise<{ multipartId: string }> {
  const answer = parsedAnswer(
    "initiate_multipart_upload",
    async (response) => {
      const error = await parseErrorBody(response.body);
      return error === undefined ? undefined : ossErrorFromResponse(response, error);
    },
    (body) => initiatedUploadId(body, "OSS", parseInitiate),
  );
  const res = await client.sendBuffered(initiateMultipart(key, options, contentHeaders), { signal: options.signal, validate: answer.validate });
  const multipartId = answer.value();
  warnInitiateRetried(res, "OSS", key, multipartId);
  return { multipartId };
}

/**
 * UploadPart `index` (0-based), with Content-MD5. Returns the part with OSS's ETag and CRC64 (core verifies the CRC).
 * @throws StorageError `InvalidArgument` (index out of 0..9999), `ObjectNotExist` (NoSuchUpload), `IntegrityMismatch` (InvalidDigest), ...
 */
export async function writeUploadPart(client: OssClient, key: string, uploadId: string, index: number, body: DriverBody, options: DriverCallOptions): Promise<Part> {
  checkPartIndex(index, MAX_PARTS);
  const res = await client.send(uploadPart(key, uploadId, index, body), { signal: options.signal, onUploadProgress: body.onProgress });
  await res.discard();
  const part: Part = { index, size: body.size, etag: res.header("etag") ?? "" };
  const crc = res.header("x-oss-hash-crc64ecma");
  if (crc !== undefined) part.crc64 = crc;
  return part;
}

/**
 * CompleteMultipartUpload with `parts` (sorted, PartNumber = index + 1).
 * Returns the object's ETag and CRC64 (core compares it with the combined part CRCs).
 * With `options.ifNotExists`, `x-oss-forbid-overwrite: true` is sent: an object at the key refuses
 * the Complete (409 `FileAlreadyExists`, `Conflict`), the upload kept.
 *
 * Complete is not idempotent: when an attempt completed the upload but its answer was lost,
 * the retry finds no upload (404 NoSuchUpload), or, sent with `x-oss-forbid-overwrite`, the object
 * that attempt made (409). The object is then looked at (HEAD; after a 409 only once ListParts shows
 * the upload is gone): when it is a multipart object whose CRC-64 and size are exactly what `parts`
 * combine to, the complete succeeded and its ETag and CRC-64 are reported; otherwise the 404 or 409
 * stands. A 404 or 409 on the first attempt is never reinterpreted.
 * @throws StorageError `ObjectNotExist` (NoSuchUpload), `Conflict` (InvalidPart: a part not uploaded or unlike the uploaded one,
 *   the upload kept; an object exists, with `ifNotExists`), `InvalidArgument` (InvalidPartOrder, EntityTooSmall...), ...
 */
export async function completeUpload(client: OssClient, key: string, uploadId: string, parts: readonly Part[], options: DriverCallOptions): Promise<DriverWriteResult> {
  const validate = resultDocument("CompleteMultipartUploadResult", "complete_multipart_upload");
  const forbid = options.ifNotExists === true;
  // A 404 (and, with forbid-overwrite, a 409) comes back here, to tell a retry that lost the race with its own first attempt.
  const judged = (status: number): boolean => status === 404 || (forbid && status === 409);
  const res = await client.sendBuffered(completeMultipart(key, uploadId, parts, options), {
    signal: options.signal,
    accept: (status) => (status >= 200 && status < 300) || judged(status),
    validate: (response) => (judged(response.status) ? undefined : validate(response)),
  });
  if (judged(res.status)) return completedByLostAttempt(client, key, uploadId, parts, res, options);
  const result = await parseResultEtag(res.body, "CompleteMultipartUploadResult");
  const out: DriverWriteResult = {};
  if (result?.etag !== undefined) out.etag = result.etag;
  const crc = res.header("x-oss-hash-crc64ecma");
  if (crc !== undefined) out.crc64 = crc;
  return out;
}

/**
 * A Complete answered 404 (or 409 to `x-oss-forbid-overwrite`): the result of an earlier attempt
 * whose answer was lost when this was a retry, the upload is gone (NoSuchUpload, core
 * `judgeLostComplete`; after a 409, see `completedDespiteRefusal`) and the object is exactly the
 * parts' (see {@link completeUpload}); else the answer's error.
 * @throws StorageError `ObjectNotExist` (the 404), `Conflict` (the 409), `Aborted`
 */
async function completedByLostAttempt(
  client: OssClient,
  key: string,
  uploadId: string,
  parts: readonly Part[],
  res: BufferedResponse,
  options: DriverCallOptions,
): Promise<DriverWriteResult> {
  const body = await errorDocument(res.body, res.headers);
  const error = ossErrorFromResponse(res, body).withContext({ service: OSS_TYPE });
  const expected = combinePartCrcs(parts);
  if (!res.earlierAttemptMayHaveApplied || expected === undefined) throw error;
  if (res.status === 409) {
    if (!isOverwriteRefusal(res.status, body?.code)) throw error;
    return completedDespiteRefusal(client, key, uploadId, expected, options, error);
  }
  return judgeLostComplete(error, res.earlierAttemptMayHaveApplied, expected, { uploadGoneCode: "NoSuchUpload", head: () => headStored(client, key, options), completedKind: isMultipartObject });
}

/** AbortMultipartUpload; succeeds when the upload is already gone (core `goneIsDone`). @throws StorageError `ObjectNotExist` (no bucket), `PermissionDenied`, `Aborted`, ... */
export async function abortUpload(client: OssClient, key: string, uploadId: string, options: DriverCallOptions): Promise<void> {
  await goneIsDone(client.sendBuffered(abortMultipart(key, uploadId), { signal: options.signal }));
}

/**
 * The upload as a `part` object (checked with one ListParts call).
 * @throws StorageError `ObjectNotExist` when there is no such upload
 */
export async function statUpload(client: OssClient, key: string, uploadId: string, options: DriverCallOptions): Promise<RawObject> {
  await listPartsPage(client, key, uploadId, undefined, options);
  return { key, mode: "part", multipartId: uploadId };
}

/**
 * Server-side multipart copy of `source` (its `size` bytes) from `srcKey` to
 * `dstKey`, used above the CopyObject limit: UploadPartCopy in ranges of
 * `partSize` (raised to fit 10,000 parts), four at a time, then Complete; any
 * failure aborts the upload (core `runUpload`: an Initiate or a Complete already sent when the
 * caller aborts gets a grace to answer, an upload Initiate answered with is then aborted and a
 * Complete that answered resolves the copy; the abort is bounded, and an error whose upload may be
 * left names it). `options.onProgress` gets the bytes of the ranges copied so far after each range
 * (core `copyInRanges`), with `total` the source's size. The new object gets `attributes` (the
 * call's, copy-attributes.ts `callAttributes`) when given, else the source's content type,
 * metadata, Cache-Control, Content-Disposition, Content-Encoding, Content-Language and
 * Expires, as CopyObject keeps them; the storage class the call gives, else the source's; `options.ifNotExists`
 * puts `x-oss-forbid-overwrite` on the Initiate and the Complete (`Conflict` over an object, the
 * upload aborted); and the encryption `options` carries
 * (copy.ts `keepSourceEncryption` sets the source's SSE mode, data encryption and KMS key id). Every range is pinned to `source.etag`
 * (`x-oss-copy-source-if-match`), so a source overwritten meanwhile fails the copy (412, `Conflict`)
 * instead of splicing two versions. Returns the new object's ETag and CRC64.
 * @throws StorageError `Conflict` (412: the source changed; 409: an object exists, with `ifNotExists`), from OSS; `Aborted`
 */
export async function multipartCopy(
  client: OssClient,
  srcKey: string,
  dstKey: string,
  source: RawObject,
  options: DriverCallOptions,
  partSize = COPY_PART_SIZE,
  attributes?: CopyReplacement,
): Promise<DriverWriteResult> {
  const size = source.size ?? 0;
  // Raised to fit the 10,000 part numbers; a source too large fails here, before anything is sent.
  const plan = planCopyParts(size, partSize, ossLimits());
  const kept = attributes ?? sourceAttributes(source);
  const initOptions: DriverCallOptions = {
    ...withAttributes(options, kept),
    ...(source.storageClass && options.storageClass === undefined ? { storageClass: source.storageClass } : {}),
  };
  const initHeaders = initiateHeaders(kept, "x-oss-meta-");
  const from = copySource(client.bucket ?? "", srcKey);
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
          const res = await client.sendBuffered(pinCopySource(uploadPartCopy(dstKey, multipartId, index, from, first, last), source.etag), {
            signal: options.signal,
            validate: resultDocument("CopyPartResult", "upload_part_copy"),
          });
          const result = await parseResultEtag(res.body, "CopyPartResult");
          const crc = res.header("x-oss-hash-crc64ecma");
          return { index, size: last - first + 1, etag: result?.etag ?? "", ...(crc ? { crc64: crc } : {}) };
        },
        options.onProgress,
      ),
    complete: (multipartId, parts, signal) => completeUpload(client, dstKey, multipartId, parts, { ...options, signal }),
    abort: (multipartId, signal) => abortUpload(client, dstKey, multipartId, { signal }),
  });
}

