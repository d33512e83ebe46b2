import {
  judgeRefusedComplete,
  judgeRefusedCopy,
  judgeRefusedPut,
  withoutEtagConditions,
  type DriverBody,
  type DriverCallOptions,
  type DriverWriteResult,
  type RawObject,
  type StorageError,
} from "@stowage/core";
import type { CosClient } from "./client.js";
import { COS_TYPE } from "./config.js";
import { cosError } from "./errors.js";
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
 * object (core `judgeRefusedPut`: a HEAD shows exactly the body's size and CRC-64; a body given as a
 * stream is never re-sent, so never judged).
 * @throws StorageError `Conflict` (an object exists), `IntegrityMismatch` (BadDigest), `InvalidArgument`, `ServiceInternal`, `Aborted`, ...
 */
export async function putIfAbsent(client: CosClient, key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult> {
  const call = putObject(key, body, { ...options, ifNotExists: true }, client.secure);
  const res = await client.send(call, { signal: options.signal, onUploadProgress: body.onProgress, accept: (s) => (s >= 200 && s < 300) || s === 409 });
  if (res.status === 409) {
    const error = await parseErrorBody(await res.buffer(64 * 1024));
    const refused = cosError(res.status, error, call.operation, res.requestId).withContext({ service: COS_TYPE });
    if (!res.earlierAttemptMayHaveApplied || !isOverwriteRefusal(res.status, error?.code)) throw refused;
    return judgeRefusedPut(body, () => headStored(client, key, options), refused);
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
 * A retried conditional Complete refused because an object exists (`refused`, a 409 after an attempt
 * that may have been applied), judged by core `judgeRefusedComplete`: this upload's own Complete when
 * List Parts shows the upload gone (NoSuchUpload) and a HEAD shows exactly what the parts combine to
 * (`expected`: size and CRC-64). Then its ETag and CRC-64; else `refused`.
 * @throws StorageError `refused`, `Aborted`
 */
export function completedDespiteRefusal(
  client: CosClient,
  key: string,
  uploadId: string,
  expected: { crc64: string; size: number },
  options: DriverCallOptions,
  refused: StorageError,
): Promise<DriverWriteResult> {
  const listParts = (): Promise<unknown> => listPartsPage(client, key, uploadId, undefined, { signal: options.signal });
  return judgeRefusedComplete(expected, { listParts, head: () => headStored(client, key, options) }, refused);
}

/**
 * A retried conditional copy (PUT Object - Copy or a multipart copy's Complete with
 * `x-cos-forbid-overwrite`) refused because an object exists (`refused`, a 409 after an attempt that
 * may have been applied), judged by core `judgeRefusedCopy`: this copy's own earlier attempt when a
 * HEAD (with the destination's SSE-C key) shows exactly `source`'s bytes (size and CRC-64). Then its
 * ETag and CRC-64; else `refused`.
 * @throws StorageError `refused`, `Aborted`
 */
export function copiedDespiteRefusal(client: CosClient, key: string, source: RawObject, options: DriverCallOptions, refused: StorageError): Promise<DriverWriteResult> {
  return judgeRefusedCopy(source, () => headStored(client, key, options), refused);
}

/**
 * The object at `key` as a HEAD shows it (with the SSE-C key of `options`, without its ETag conditions).
 * @throws StorageError as the HEAD fails (`ObjectNotExist`, `Aborted`, ...)
 */
export async function headStored(client: CosClient, key: string, options: DriverCallOptions): Promise<RawObject> {
  const res = await client.sendBuffered(headObject(key, withoutEtagConditions(options), client.secure), { signal: options.signal });
  return objectFromHeaders(key, res.status, res.headers);
}
