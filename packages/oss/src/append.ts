import {
  chunkReadBack,
  judgeLostAppend,
  type LostAppendVerdict,
  abortedAppendError,
  appendChunkCrc64,
  crc64AfterAppend,
  crc64Equal,
  ErrorCode,
  isStorageError,
  mayHaveBeenApplied,
  nextAppendPosition,
  storageError,
  type DriverBody,
  type DriverCallOptions,
  type StorageError,
  type StreamingResponse,
} from "@stowage/core";
import type { OssClient } from "./client.js";
import { OSS_TYPE } from "./config.js";
import { ossError } from "./errors.js";
import { appendObject, getObject, headObject } from "./requests.js";
import { errorDocument, objectFromHeaders, objectSize } from "./responses.js";

/** The header of an AppendObject answer that gives the object's length after the append. */
const NEXT_POSITION = "x-oss-next-append-position";

/** What one append reports: the object's new length, and its CRC-64 when OSS sent it. */
export interface AppendResult {
  appendOffset: number;
  crc64?: string;
}

/**
 * AppendObject at `offset` (Content-MD5). OSS answers with the whole object's CRC-64, which core
 * checks against the append object's. It is never re-sent blindly after a network failure (the
 * lost request may have been applied). When its answer is lost, or a retry (after a 5xx) is
 * refused with `PositionNotEqualToLength`, the object is looked at: a HEAD first, then, unless
 * that settles it, the bytes at `offset` read back. Appendable, `offset + size` long, and its
 * CRC-64 the previous one (the caller's object's, `appendBaseCrc64`; 0 at offset 0) combined with
 * the chunk's, or else the bytes at `offset` with the chunk's CRC-64: the append succeeded (in
 * the second case core then finds the object's CRC-64 is not the one expected, when it knew
 * one: `IntegrityMismatch`). Still `offset` long after a network failure: nothing was appended,
 * the failure stays retryable (a retry at that position cannot append twice). Anything else (the
 * object appended to by someone else too, not appendable, or not to be looked at) fails as it
 * did, not retryable, its message saying not to retry blindly. An abort while the request is
 * under way is `Aborted` saying the bytes may have been appended (core's `abortedAppendError`).
 * @throws StorageError `Conflict` (PositionNotEqualToLength), `ObjectModeInvalid` (ObjectNotAppendable), `IntegrityMismatch`, `ServiceInternal`, `Aborted`,
 *   `Unexpected` (a 2xx whose next append position is no whole number of bytes: the append was applied), ...
 */
export async function appendChunk(client: OssClient, key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<AppendResult> {
  try {
    return await sendAppend(client, key, offset, body, options);
  } catch (e) {
    throw abortedAppendError(e, offset, body.size);
  }
}

async function sendAppend(client: OssClient, key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<AppendResult> {
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
  const appendOffset = nextAppendPosition(res, NEXT_POSITION, call.operation, offset + body.size);
  const crc = res.header("x-oss-hash-crc64ecma");
  return crc === undefined ? { appendOffset } : { appendOffset, crc64: crc };
}


/** What the object says about an append whose answer was lost. */
type Verdict = LostAppendVerdict<AppendResult>;

/**
 * After a lost answer (`failure`: the network error, or the retry's 409): the append's result when
 * the object shows it was applied; else `failure`, not retryable unless nothing was appended
 * after a network failure (see {@link appendChunk}).
 * @throws StorageError `failure` (retryable only when the object is unchanged), `Aborted`
 */
async function afterLostAnswer(client: OssClient, key: string, offset: number, body: DriverBody, options: DriverCallOptions, failure: StorageError): Promise<AppendResult> {
  return judgeLostAppend(failure, offset, () => lookAtObject(client, key, offset, body, options));
}

/**
 * Whether the object shows the append of `body` at `offset`. A HEAD: appendable, `offset + size`
 * long and with the CRC-64 the append makes → applied; `offset` long → untouched (an empty chunk:
 * applied). `offset + size` long with another CRC-64, or no CRC-64 expected (the caller's object
 * had none, as one from a listing): the bytes at `offset` read back (pinned to the HEAD's ETag)
 * with the chunk's CRC-64 → applied, with the object's CRC-64 for core to judge.
 * @throws StorageError from the HEAD or GET
 */
async function lookAtObject(client: OssClient, key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<Verdict> {
  const length = offset + body.size;
  const head = await client.sendBuffered(headObject(key), { signal: options.signal });
  const object = objectFromHeaders(key, head.status, head.headers);
  if (object.mode !== "append") return { unknown: `${JSON.stringify(key)} is not an appendable object` };
  const size = object.appendOffset ?? object.size;
  const applied: AppendResult = object.crc64 === undefined ? { appendOffset: length } : { appendOffset: length, crc64: object.crc64 };
  const expected = crc64AfterAppend(offset, body);
  if (size === length && object.crc64 !== undefined && expected !== undefined && crc64Equal(object.crc64, expected)) return { applied };
  if (size === length && body.size === 0) return { applied };
  if (size === offset) return { untouched: true };
  if (size !== length) return { unknown: `the object is ${size ?? "of unknown"} bytes long, neither ${offset} nor ${length}` };
  const chunk = appendChunkCrc64(body);
  if (chunk === undefined) return { unknown: "the object cannot be compared with the chunk" };
  const pinned: DriverCallOptions = object.etag === undefined ? {} : { ifMatch: object.etag };
  const res = await client.send(getObject(key, { offset, size: body.size }, true, pinned), { signal: options.signal });
  const total = res.fromHead(() => objectSize(res.status, res.headers));
  const why = await chunkReadBack(res, total, length, offset, body.size, chunk);
  return why === undefined ? { applied } : { unknown: why };
}
