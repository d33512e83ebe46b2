import {
  initiatedUploadId,
  checkPartIndex,
  combinePartCrcs,
  ErrorCode,
  goneIsDone,
  judgeLostComplete,
  parsedAnswer,
  storageError,
  type BufferedResponse,
  type DriverBody,
  type DriverCallOptions,
  type DriverWriteResult,
  type Part,
  type RawObject,
  type StorageError,
  warnInitiateRetried,
} from "@stowage/core";
import type { CosClient } from "./client.js";
import { COS_TYPE } from "./config.js";
import { cosLimits } from "./features.js";
import { listPartsPage } from "./lister.js";
import { abortMultipart, completeMultipart, initiateMultipart, uploadPart } from "./requests.js";
import { parseErrorBody, parseInitiate, parseResultEtag } from "./responses.js";
import { cosError, cosErrorFromResponse } from "./errors.js";
import { completedDespiteRefusal, headStored, isOverwriteRefusal } from "./if-not-exists.js";

/** Checks a 200 whose body may be an `<Error>` document (Complete and Copy do that). */
export function errorIn200(expectedRoot: string, operation: string) {
  return async (response: { status: number; body: Buffer; requestId: string | undefined }): Promise<StorageError | undefined> => {
    const error = await parseErrorBody(response.body);
    if (error !== undefined) return cosError(response.status, error, operation, response.requestId);
    const parsed = await parseResultEtag(response.body, expectedRoot).catch((e: unknown) => e);
    if (parsed === undefined || parsed instanceof Error) {
      return storageError(ErrorCode.ServiceInternal, `${operation}: the service answered 200 without a ${expectedRoot} document`, { retryable: true });
    }
    return undefined;
  };
}

/**
 * Initiate Multipart Upload (`contentHeaders`: Cache-Control and the like, for a multipart copy). The
 * answer is read inside the client's retry loop (core `parsedAnswer`), as a listing's is: a 200
 * carrying an `<Error>` document is the error it names, and one that is not well-formed XML or
 * carries no UploadId is retried like a 5xx while retries remain, then fails as a retryable
 * `Unexpected` with the answer's status and request id. Such an answer, like a lost one, may come
 * from an Initiate that COS performed: its upload, which no answer named, is left behind (it
 * holds no parts; `stowage uploads --abort` or a lifecycle rule removes it). A retry adds none of
 * its own: only an Initiate answered so leaves one, retried or not, and the upload a retry's
 * answer names is the one the call uses. When a retry's answer came after an attempt that may
 * have been applied (core's `earlierAttemptMayHaveApplied`), a `STOWAGE_UPLOAD_LEFT` process
 * warning names the key (core `warnInitiateRetried`); nothing is aborted, as another writer's
 * upload of the same key cannot be told from that attempt's.
 * @throws StorageError from COS, `Unexpected` (retryable) when no answer carried an UploadId
 */
export async function createUpload(
  client: CosClient,
  key: string,
  options: DriverCallOptions,
  contentHeaders: Readonly<Record<string, string>> = {},
): Promise<{ multipartId: string }> {
  const answer = parsedAnswer(
    "initiate_multipart_upload",
    async (response) => {
      const error = await parseErrorBody(response.body);
      return error === undefined ? undefined : cosErrorFromResponse(response, error);
    },
    (body) => initiatedUploadId(body, "COS", parseInitiate),
  );
  const res = await client.sendBuffered(initiateMultipart(key, options, client.secure, contentHeaders), { signal: options.signal, validate: answer.validate });
  const multipartId = answer.value();
  warnInitiateRetried(res, "COS", key, multipartId);
  return { multipartId };
}

/**
 * Upload Part `index` (0-based). Returns the part with COS's ETag and CRC64 (core verifies the CRC).
 * @throws StorageError `InvalidArgument` (index out of 0..9999), `ObjectNotExist` (NoSuchUpload), `IntegrityMismatch` (BadDigest), ...
 */
export async function writeUploadPart(client: CosClient, key: string, uploadId: string, index: number, body: DriverBody, options: DriverCallOptions): Promise<Part> {
  checkPartIndex(index, cosLimits.multipartNumberMaximum);
  const res = await client.send(uploadPart(key, uploadId, index, body, options, client.secure), { signal: options.signal, onUploadProgress: body.onProgress });
  await res.discard();
  const part: Part = { index, size: body.size, etag: res.header("etag") ?? "" };
  const crc = res.header("x-cos-hash-crc64ecma");
  if (crc !== undefined) part.crc64 = crc;
  return part;
}

/**
 * Complete Multipart Upload with `parts` (sorted, PartNumber = index + 1). A 200
 * carrying an `<Error>` is a failure (retried when COS says it is internal).
 * Returns the object's ETag and CRC64 (core compares it with the combined part CRCs).
 * With `options.ifNotExists`, `x-cos-forbid-overwrite: true` is sent: an object at the key refuses
 * the Complete (409, `Conflict`), the upload kept.
 *
 * Complete is not idempotent: when an attempt completed the upload but its answer was lost,
 * the retry finds no upload (404 NoSuchUpload), or, sent with `x-cos-forbid-overwrite`, the object
 * that attempt made (409). The object is then looked at (HEAD; after a 409 only once List Parts
 * shows the upload is gone): when its CRC-64 and size are exactly what `parts` combine to, the
 * complete succeeded and its ETag and CRC-64 are reported; otherwise the 404 or 409 stands. A 404
 * or 409 on the first attempt is never reinterpreted.
 * That HEAD carries the SSE-C key of `options` (a write's, a multipart copy's, or the
 * `server_side_encryption_customer_*` pairs of `completeMultipart`, open-time ones included):
 * without it COS refuses the HEAD of an SSE-C object, and the 404 stands.
 * @throws StorageError `ObjectNotExist` (NoSuchUpload), `Conflict` (InvalidPart: a part not uploaded or unlike the uploaded one,
 *   the upload kept; an object exists, with `ifNotExists`), `InvalidArgument` (InvalidPartOrder, EntityTooSmall...), ...
 */
export async function completeUpload(client: CosClient, key: string, uploadId: string, parts: readonly Part[], options: DriverCallOptions): Promise<DriverWriteResult> {
  const validate = errorIn200("CompleteMultipartUploadResult", "complete_multipart_upload");
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
  const crc = res.header("x-cos-hash-crc64ecma");
  if (crc !== undefined) out.crc64 = crc;
  return out;
}

/**
 * A Complete answered 404 (or 409 to `x-cos-forbid-overwrite`): the result of an earlier attempt
 * whose answer was lost when this was a retry, the upload is gone (NoSuchUpload, core
 * `judgeLostComplete`; after a 409, see `completedDespiteRefusal`) and the object is exactly the
 * parts' (see {@link completeUpload}); else the answer's error.
 * @throws StorageError `ObjectNotExist` (the 404), `Conflict` (the 409), `Aborted`
 */
async function completedByLostAttempt(
  client: CosClient,
  key: string,
  uploadId: string,
  parts: readonly Part[],
  res: BufferedResponse,
  options: DriverCallOptions,
): Promise<DriverWriteResult> {
  const body = await parseErrorBody(res.body);
  const error = cosErrorFromResponse(res, body).withContext({ service: COS_TYPE });
  const expected = combinePartCrcs(parts);
  if (!res.earlierAttemptMayHaveApplied || expected === undefined) throw error;
  if (res.status === 409) {
    if (!isOverwriteRefusal(res.status, body?.code)) throw error;
    return completedDespiteRefusal(client, key, uploadId, expected, options, error);
  }
  return judgeLostComplete(error, res.earlierAttemptMayHaveApplied, expected, { uploadGoneCode: "NoSuchUpload", head: () => headStored(client, key, options) });
}

/** Abort Multipart Upload; succeeds when the upload is already gone (core `goneIsDone`). @throws StorageError `ObjectNotExist` (no bucket), `PermissionDenied`, `Aborted`, ... */
export async function abortUpload(client: CosClient, key: string, uploadId: string, options: DriverCallOptions): Promise<void> {
  await goneIsDone(client.sendBuffered(abortMultipart(key, uploadId), { signal: options.signal }));
}

/**
 * The upload as a `part` object (checked with one List Parts call).
 * @throws StorageError `ObjectNotExist` when there is no such upload
 */
export async function statUpload(client: CosClient, key: string, uploadId: string, options: DriverCallOptions): Promise<RawObject> {
  await listPartsPage(client, key, uploadId, undefined, options);
  return { key, mode: "part", multipartId: uploadId };
}
