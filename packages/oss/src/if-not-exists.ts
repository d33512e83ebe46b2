import {
  crc64,
  crc64Equal,
  ErrorCode,
  isStorageError,
  type BufferedResponse,
  type DriverBody,
  type DriverCallOptions,
  type DriverWriteResult,
  type RawObject,
  type StorageError,
} from "@stowage/core";
import type { OssClient } from "./client.js";
import { OSS_TYPE } from "./config.js";
import { isMissingBucket, ossError } from "./errors.js";
import { listPartsPage } from "./lister.js";
import { headObject, putObject } from "./requests.js";
import { errorDocument, objectFromHeaders } from "./responses.js";

/** True for a 409 that refuses to overwrite an object: `FileAlreadyExists` (x-oss-forbid-overwrite), or no code at all. */
export function isOverwriteRefusal(status: number, code: string | undefined): boolean {
  return status === 409 && (code === undefined || code === "FileAlreadyExists");
}

/**
 * PutObject with `x-oss-forbid-overwrite: true` (`ifNotExists`): OSS stores the object only where
 * none exists (on a bucket whose versioning is not enabled or suspended), else answers 409
 * `FileAlreadyExists`, which is `Conflict` (not retryable). A retry of a PutObject whose first
 * attempt may have been applied (its answer lost: a network failure after sending, a 5xx) meets its
 * own object: that 409 is judged by the object (see {@link storedByEarlierAttempt}).
 * @throws StorageError `Conflict` (an object exists), `IntegrityMismatch` (InvalidDigest), `InvalidArgument`, `ServiceInternal`, `Aborted`, ...
 */
export async function putIfAbsent(client: OssClient, key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult> {
  const call = putObject(key, body, { ...options, ifNotExists: true });
  const res = await client.send(call, { signal: options.signal, onUploadProgress: body.onProgress, accept: (s) => (s >= 200 && s < 300) || s === 409 });
  if (res.status === 409) {
    const error = await errorDocument(await res.buffer(64 * 1024), res.headers);
    const refused = ossError(res.status, error, call.operation, res.requestId).withContext({ service: OSS_TYPE });
    if (!res.earlierAttemptMayHaveApplied || !isOverwriteRefusal(res.status, error?.code)) throw refused;
    return storedByEarlierAttempt(client, key, body, options, refused);
  }
  await res.discard();
  const out: DriverWriteResult = {};
  const etag = res.header("etag");
  const crc = res.header("x-oss-hash-crc64ecma");
  if (etag !== undefined) out.etag = etag;
  if (crc !== undefined) out.crc64 = crc;
  return out;
}

/**
 * A retried conditional PutObject refused because an object exists: the object an earlier attempt
 * of this PutObject stored when it is exactly the body (a HEAD: its size and CRC-64 are the body's),
 * and its ETag and CRC-64 are reported; else `refused` stands (another writer's object, or one that
 * cannot be compared: a body that was a stream, an object without a CRC-64). An object with the
 * same bytes written by someone else cannot be told apart: the bytes at the path are then those written.
 * @throws StorageError `refused`, `Aborted`
 */
async function storedByEarlierAttempt(client: OssClient, key: string, body: DriverBody, options: DriverCallOptions, refused: StorageError): Promise<DriverWriteResult> {
  if (!Buffer.isBuffer(body.data)) throw refused;
  const object = await headOrNothing(client, key, options);
  if (object === undefined) throw refused;
  const expected = body.crc64 ?? crc64(body.data.subarray(0, body.size)).toString();
  if (object.size !== body.size || object.crc64 === undefined || !crc64Equal(object.crc64, expected)) throw refused;
  return { ...(object.etag !== undefined ? { etag: object.etag } : {}), crc64: object.crc64 };
}

/**
 * A retried conditional Complete refused because an object exists (`refused`, a 409 after an attempt
 * that may have been applied): it was this upload's own Complete when the upload is gone (ListParts:
 * NoSuchUpload; an upload still there was not completed) and the object is a multipart object
 * exactly what the parts combine to (`expected`: size and CRC-64). Then its ETag and CRC-64; else `refused`.
 * @throws StorageError `refused`, `Aborted`
 */
export async function completedDespiteRefusal(
  client: OssClient,
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
  const type = object?.system?.["objectType"];
  const multipart = type === undefined || String(type).toLowerCase() === "multipart";
  if (object === undefined || !multipart || object.crc64 === undefined || !crc64Equal(object.crc64, expected.crc64) || object.size !== expected.size) throw refused;
  return { ...(object.etag !== undefined ? { etag: object.etag } : {}), crc64: object.crc64 };
}

/**
 * A retried conditional copy (CopyObject with `x-oss-forbid-overwrite`) refused because an object
 * exists (`refused`, a 409 after an attempt that may have been applied): it was this copy's own
 * earlier attempt when the object at `key` has exactly the bytes of `source` (a HEAD: its size and
 * CRC-64 are the source's). Then its ETag and CRC-64; else `refused` (another writer's object, or a
 * source without a CRC-64, which cannot be compared).
 * @throws StorageError `refused`, `Aborted`
 */
export async function copiedDespiteRefusal(client: OssClient, key: string, source: RawObject, options: DriverCallOptions, refused: StorageError): Promise<DriverWriteResult> {
  if (source.crc64 === undefined || source.size === undefined) throw refused;
  const object = await headOrNothing(client, key, options);
  if (object === undefined || object.crc64 === undefined || !crc64Equal(object.crc64, source.crc64) || object.size !== source.size) throw refused;
  return { ...(object.etag !== undefined ? { etag: object.etag } : {}), crc64: object.crc64 };
}

/**
 * The object at `key` as a HeadObject shows it, or undefined when the HEAD fails for any reason but an abort.
 * @throws StorageError `Aborted`
 */
async function headOrNothing(client: OssClient, key: string, options: DriverCallOptions): Promise<RawObject | undefined> {
  let head: BufferedResponse;
  try {
    head = await client.sendBuffered(headObject(key), { signal: options.signal });
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    return undefined;
  }
  return objectFromHeaders(key, head.status, head.headers);
}
