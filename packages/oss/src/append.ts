import {
  crc64,
  crc64AfterAppend,
  crc64Equal,
  ErrorCode,
  isStorageError,
  mayHaveBeenApplied,
  type DriverBody,
  type DriverCallOptions,
  type StorageError,
  type StreamingResponse,
} from "@stowage/core";
import type { OssClient } from "./client.js";
import { OSS_TYPE } from "./config.js";
import { ossError } from "./errors.js";
import { appendObject, headObject } from "./requests.js";
import { errorDocument, objectFromHeaders } from "./responses.js";

/** What one append reports: the object's new length, and its CRC-64 when OSS sent it. */
export interface AppendResult {
  appendOffset: number;
  crc64?: string;
}

/**
 * AppendObject at `offset` (Content-MD5). It is never re-sent blindly after a network failure (the
 * lost request may have been applied). When its answer is lost, or a retry (after a 5xx) is refused
 * with `PositionNotEqualToLength`, the object is looked at with one HEAD: when it is appendable,
 * `x-oss-next-append-position` is `offset + size` and its CRC-64 is the previous one (the caller's
 * object's, `appendBaseCrc64`; 0 at offset 0) combined with the chunk's, the append succeeded and
 * its result is returned. Otherwise the failure stands as it was (a network failure stays
 * retryable: a retry at the same position cannot append twice, OSS refuses it with `Conflict`).
 * @throws StorageError `Conflict` (PositionNotEqualToLength), `ObjectModeInvalid` (ObjectNotAppendable), `IntegrityMismatch`, `ServiceInternal`, ...
 */
export async function appendChunk(client: OssClient, key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<AppendResult> {
  const call = appendObject(key, offset, body, options);
  let res: StreamingResponse;
  try {
    res = await client.send(call, { signal: options.signal, idempotent: false, accept: (s) => (s >= 200 && s < 300) || s === 409, onUploadProgress: body.onProgress });
  } catch (e) {
    if (!mayHaveBeenApplied(e)) throw e;
    return afterLostAnswer(client, key, offset, body, options, e);
  }
  if (res.status === 409) {
    const doc = await errorDocument(await res.buffer(64 * 1024), res.headers);
    const refused = ossError(res.status, doc, call.operation, res.requestId).withContext({ service: OSS_TYPE });
    if (!res.earlierAttemptMayHaveApplied || doc?.code !== "PositionNotEqualToLength") throw refused;
    return afterLostAnswer(client, key, offset, body, options, refused);
  }
  await res.discard();
  const next = Number(res.header("x-oss-next-append-position"));
  const appendOffset = Number.isSafeInteger(next) ? next : offset + body.size;
  const crc = res.header("x-oss-hash-crc64ecma");
  return crc === undefined ? { appendOffset } : { appendOffset, crc64: crc };
}

/**
 * After a lost answer (`failure`: the network error, or the retry's 409): the append's result when
 * a HEAD shows the object is exactly what it makes (see {@link appendChunk}); else `failure`.
 * @throws StorageError `failure`, or `Aborted`
 */
async function afterLostAnswer(client: OssClient, key: string, offset: number, body: DriverBody, options: DriverCallOptions, failure: StorageError): Promise<AppendResult> {
  const expected = crc64AfterAppend(offset, body);
  if (expected === undefined) throw failure;
  const length = offset + body.size;
  try {
    const head = await client.sendBuffered(headObject(key), { signal: options.signal });
    const object = objectFromHeaders(key, head.status, head.headers);
    if (object.mode === "append" && object.appendOffset === length && object.crc64 !== undefined && crc64Equal(object.crc64, expected)) {
      return { appendOffset: length, crc64: object.crc64 };
    }
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
  }
  throw failure;
}
