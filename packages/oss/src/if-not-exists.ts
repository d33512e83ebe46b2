import {
  judgeRefusedComplete,
  judgeRefusedCopy,
  judgeRefusedPut,
  type DriverBody,
  type DriverCallOptions,
  type DriverWriteResult,
  type RawObject,
  type StorageError,
} from "@stowage/core";
import type { OssClient } from "./client.js";
import { OSS_TYPE } from "./config.js";
import { ossError } from "./errors.js";
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
 * own object: that 409 is judged by the object (core `judgeRefusedPut`: a HEAD shows exactly the
 * body's size and CRC-64; a body given as a stream is never re-sent, so never judged).
 * @throws StorageError `Conflict` (an object exists), `IntegrityMismatch` (InvalidDigest), `InvalidArgument`, `ServiceInternal`, `Aborted`, ...
 */
export async function putIfAbsent(client: OssClient, key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult> {
  const call = putObject(key, body, { ...options, ifNotExists: true });
  const res = await client.send(call, { signal: options.signal, onUploadProgress: body.onProgress, accept: (s) => (s >= 200 && s < 300) || s === 409 });
  if (res.status === 409) {
    const error = await errorDocument(await res.buffer(64 * 1024), res.headers);
    const refused = ossError(res.status, error, call.operation, res.requestId).withContext({ service: OSS_TYPE });
    if (!res.earlierAttemptMayHaveApplied || !isOverwriteRefusal(res.status, error?.code)) throw refused;
    return judgeRefusedPut(body, () => headStored(client, key, options), refused);
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
 * A retried conditional Complete refused because an object exists (`refused`, a 409 after an attempt
 * that may have been applied), judged by core `judgeRefusedComplete`: this upload's own Complete when
 * ListParts shows the upload gone (NoSuchUpload) and a HEAD shows a multipart object of exactly what
 * the parts combine to (`expected`: size and CRC-64). Then its ETag and CRC-64; else `refused`.
 * @throws StorageError `refused`, `Aborted`
 */
export function completedDespiteRefusal(
  client: OssClient,
  key: string,
  uploadId: string,
  expected: { crc64: string; size: number },
  options: DriverCallOptions,
  refused: StorageError,
): Promise<DriverWriteResult> {
  const listParts = (): Promise<unknown> => listPartsPage(client, key, uploadId, undefined, { signal: options.signal });
  return judgeRefusedComplete(expected, { listParts, head: () => headStored(client, key, options), completedKind: isMultipartObject }, refused);
}

/**
 * A retried conditional copy (CopyObject with `x-oss-forbid-overwrite`) refused because an object
 * exists (`refused`, a 409 after an attempt that may have been applied), judged by core
 * `judgeRefusedCopy`: this copy's own earlier attempt when a HEAD shows exactly `source`'s bytes
 * (size and CRC-64). Then its ETag and CRC-64; else `refused`.
 * @throws StorageError `refused`, `Aborted`
 */
export function copiedDespiteRefusal(client: OssClient, key: string, source: RawObject, options: DriverCallOptions, refused: StorageError): Promise<DriverWriteResult> {
  return judgeRefusedCopy(source, () => headStored(client, key, options), refused);
}

/** True for an object a Complete made (`x-oss-object-type: Multipart`), or one whose type is not said. @throws nothing */
export function isMultipartObject(object: RawObject): boolean {
  const type = object.system?.["objectType"];
  return type === undefined || String(type).toLowerCase() === "multipart";
}

/**
 * The object at `key` as a HeadObject shows it.
 * @throws StorageError as the HEAD fails (`ObjectNotExist`, `Aborted`, ...)
 */
export async function headStored(client: OssClient, key: string, options: DriverCallOptions): Promise<RawObject> {
  const res = await client.sendBuffered(headObject(key), { signal: options.signal });
  return objectFromHeaders(key, res.status, res.headers);
}
