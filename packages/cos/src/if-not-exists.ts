import {
  crc64,
  crc64Equal,
  ErrorCode,
  isStorageError,
  withoutEtagConditions,
  type BufferedResponse,
  type DriverBody,
  type DriverCallOptions,
  type DriverWriteResult,
  type RawObject,
  type StorageError,
} from "@stowage/core";
import type { CosClient } from "./client.js";
import { COS_TYPE } from "./config.js";
import { cosError, isMissingBucket } from "./errors.js";
import { listPartsPage } from "./lister.js";
import { headObject, putObject } from "./requests.js";
import { objectFromHeaders, parseErrorBody } from "./responses.js";

/**
 * Codes of a write refused by `x-cos-forbid-overwrite` because an object exists. COS's pages name
 * the header, not the code: OSS's `FileAlreadyExists` and `ObjectAlreadyExists` are both taken.
 */
const OVERWRITE_REFUSALS: ReadonlySet<string> = new Set(["FileAlreadyExists", "ObjectAlreadyExists"]);

/** True for a 409 that refuses to overwrite an object (one of {@link OVERWRITE_REFUSALS}, or no code at all). */
export function isOverwriteRefusal(status: number, code: string | undefined): boolean {
  return status === 409 && (code === undefined || OVERWRITE_REFUSALS.has(code));
}

/**
 * PUT Object with `x-cos-forbid-overwrite: true` (`ifNotExists`): COS stores the object only where
 * none exists (on a bucket whose versioning was never enabled), else answers 409, which is
 * `Conflict` (not retryable). A retry of a PUT whose first attempt may have been applied (its answer
 * lost: a network failure after sending, a 5xx) meets its own object: that 409 is judged by the
 * object (see {@link storedByEarlierAttempt}).
 * @throws StorageError `Conflict` (an object exists), `IntegrityMismatch` (BadDigest), `InvalidArgument`, `ServiceInternal`, `Aborted`, ...
 */
export async function putIfAbsent(client: CosClient, key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult> {
  const call = putObject(key, body, { ...options, ifNotExists: true }, client.secure);
  const res = await client.send(call, { signal: options.signal, onUploadProgress: body.onProgress, accept: (s) => (s >= 200 && s < 300) || s === 409 });
  if (res.status === 409) {
    const error = await parseErrorBody(await res.buffer(64 * 1024));
    const refused = cosError(res.status, error, call.operation, res.requestId).withContext({ service: COS_TYPE });
    if (!res.earlierAttemptMayHaveApplied || !isOverwriteRefusal(res.status, error?.code)) throw refused;
    return storedByEarlierAttempt(client, key, body, options, refused);
  }
  await res.discard();
  const out: DriverWriteResult = {};
  const etag = res.header("etag");
  const crc = res.header("x-cos-hash-crc64ecma");
  if (etag !== undefined) out.etag = etag;
  if (crc !== undefined) out.crc64 = crc;
  return out;
}

/**
 * A retried conditional PUT refused because an object exists: the object an earlier attempt of
 * this PUT stored when it is exactly the body (a HEAD: its size and CRC-64 are the body's), and its
 * ETag and CRC-64 are reported; else `refused` stands (another writer's object, or one that cannot be
 * compared: a body that was a stream, an object without a CRC-64). An object with the same bytes
 * written by someone else cannot be told apart: the bytes at the path are then those written.
 * @throws StorageError `refused`, `Aborted`
 */
async function storedByEarlierAttempt(client: CosClient, key: string, body: DriverBody, options: DriverCallOptions, refused: StorageError): Promise<DriverWriteResult> {
  if (!Buffer.isBuffer(body.data)) throw refused;
  const object = await headOrNothing(client, key, options);
  if (object === undefined) throw refused;
  const expected = body.crc64 ?? crc64(body.data.subarray(0, body.size)).toString();
  if (object.size !== body.size || object.crc64 === undefined || !crc64Equal(object.crc64, expected)) throw refused;
  return { ...(object.etag !== undefined ? { etag: object.etag } : {}), crc64: object.crc64 };
}

/**
 * A retried conditional Complete refused because an object exists (`refused`, a 409 after an attempt
 * that may have been applied): it was this upload's own Complete when the upload is gone (List
 * Parts: NoSuchUpload; an upload still there was not completed) and the object is exactly what the
 * parts combine to (`expected`: size and CRC-64). Then its ETag and CRC-64; else `refused`.
 * @throws StorageError `refused`, `Aborted`
 */
export async function completedDespiteRefusal(
  client: CosClient,
  key: string,
  uploadId: string,
  expected: { crc64: string; size: number },
  options: DriverCallOptions,
  refused: StorageError,
): Promise<DriverWriteResult> {
  let gone = false;
  try {
    await listPartsPage(client, key, uploadId, undefined, { signal: options.signal });
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    gone = isStorageError(e, ErrorCode.ObjectNotExist) && !isMissingBucket(e);
  }
  if (!gone) throw refused;
  const object = await headOrNothing(client, key, options);
  if (object === undefined || object.crc64 === undefined || !crc64Equal(object.crc64, expected.crc64) || object.size !== expected.size) throw refused;
  return { ...(object.etag !== undefined ? { etag: object.etag } : {}), crc64: object.crc64 };
}

/**
 * A retried conditional copy (PUT Object - Copy or a multipart copy's Complete with
 * `x-cos-forbid-overwrite`) refused because an object exists (`refused`, a 409 after an attempt that
 * may have been applied): it was this copy's own earlier attempt when the object at `key` has
 * exactly the bytes of `source` (a HEAD, with the destination's SSE-C key: its size and CRC-64 are
 * the source's). Then its ETag and CRC-64; else `refused` (another writer's object, or a source
 * without a CRC-64, which cannot be compared).
 * @throws StorageError `refused`, `Aborted`
 */
export async function copiedDespiteRefusal(client: CosClient, key: string, source: RawObject, options: DriverCallOptions, refused: StorageError): Promise<DriverWriteResult> {
  if (source.crc64 === undefined || source.size === undefined) throw refused;
  const object = await headOrNothing(client, key, options);
  if (object === undefined || object.crc64 === undefined || !crc64Equal(object.crc64, source.crc64) || object.size !== source.size) throw refused;
  return { ...(object.etag !== undefined ? { etag: object.etag } : {}), crc64: object.crc64 };
}

/**
 * The object at `key` as a HEAD shows it (with the SSE-C key of `options`), or undefined when the
 * HEAD fails for any reason but an abort.
 * @throws StorageError `Aborted`
 */
async function headOrNothing(client: CosClient, key: string, options: DriverCallOptions): Promise<RawObject | undefined> {
  let head: BufferedResponse;
  try {
    head = await client.sendBuffered(headObject(key, withoutEtagConditions(options), client.secure), { signal: options.signal });
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    return undefined;
  }
  return objectFromHeaders(key, head.status, head.headers);
}
