import {
  judgeLostAppend,
  type LostAppendVerdict,
  abortedAppendError,
  appendChunkCrc64,
  appendMismatchError,
  crc64,
  crc64AfterAppend,
  crc64Equal,
  mayHaveBeenApplied,
  md5Hex,
  nextAppendPosition,
  withoutEtagConditions,
  type DriverBody,
  type DriverCallOptions,
  type StorageError,
  type StreamingResponse,
} from "@stowage/core";
import type { CosClient } from "./client.js";
import { COS_TYPE } from "./config.js";
import { cosError } from "./errors.js";
import { appendObject, getObject, headObject } from "./requests.js";
import { objectFromHeaders, objectSize, parseErrorBody } from "./responses.js";

/**
 * Codes of an append whose position is not the object's length: `AppendPositionErr` is the one
 * COS documents; `PositionNotEqualToLength` (OSS's name) is taken too, in case a gateway speaks it.
 */
const POSITION_MISMATCH: ReadonlySet<string> = new Set(["AppendPositionErr", "PositionNotEqualToLength"]);

/** The header of an APPEND answer that gives the object's length after the append. */
const NEXT_POSITION = "x-cos-next-append-position";

/** What one append reports: the object's new length, and its CRC-64 when known. */
export interface AppendResult {
  appendOffset: number;
  crc64?: string;
}

/**
 * APPEND Object at `offset`. It is never re-sent blindly after a network failure (the lost request
 * may have been applied). When its answer is lost, or a retry (after a 5xx) is refused with
 * `AppendPositionErr`, the object is looked at: when its length is `offset + size` and its
 * content is what this append makes (its CRC-64 the remembered previous one combined with the
 * chunk's; without a remembered one, the bytes at `offset` read back have the chunk's CRC-64),
 * the append succeeded. Otherwise the failure is not retryable (`Conflict` when the object holds
 * something else), except a network failure after which the object is still exactly `offset` bytes
 * long: nothing was appended, and a retry at the same position is safe. An abort while the request
 * is under way is `Aborted` saying the bytes may have been appended (core's `abortedAppendError`).
 * COS's documented APPEND answer carries no CRC-64: the result then has none, and core keeps none
 * for the object (only the position and the chunk's Content-MD5 were checked). No HEAD is sent
 * after each append to learn one: COS documents a CRC-64 on HEAD only "if the object has one",
 * and its CRC-64 page names APPEND among none of the APIs that compute one, so that extra
 * request per append could well learn nothing.
 * @throws StorageError `Conflict` (position), `ObjectModeInvalid` (not appendable), `IntegrityMismatch`, `ServiceInternal`, `Aborted`,
 *   `Unexpected` (a 2xx whose next append position is no whole number of bytes: the append was applied), ...
 */
export async function appendChunk(
  client: CosClient,
  integrity: boolean,
  key: string,
  offset: number,
  body: DriverBody,
  options: DriverCallOptions,
): Promise<AppendResult> {
  try {
    return await sendAppend(client, integrity, key, offset, body, options);
  } catch (e) {
    throw abortedAppendError(e, offset, body.size);
  }
}

async function sendAppend(
  client: CosClient,
  integrity: boolean,
  key: string,
  offset: number,
  body: DriverBody,
  options: DriverCallOptions,
): Promise<AppendResult> {
  const call = appendObject(key, offset, body, options, client.secure);
  let res: StreamingResponse;
  try {
    // A position refusal is read here: COS's APPEND page says 409, its error table 400 (AppendPositionErr).
    res = await client.send(call, { signal: options.signal, idempotent: false, accept: (s) => (s >= 200 && s < 300) || s === 409 || s === 400, onUploadProgress: body.onProgress });
  } catch (e) {
    if (!mayHaveBeenApplied(e)) throw e;
    return afterLostAnswer(client, key, offset, body, options, e);
  }
  if (res.status === 409 || res.status === 400) {
    const error = await parseErrorBody(await res.buffer(64 * 1024));
    const refused = cosError(res.status, error, call.operation, res.requestId).withContext({ service: COS_TYPE });
    if (!res.earlierAttemptMayHaveApplied || !POSITION_MISMATCH.has(error?.code ?? "")) throw refused;
    return afterLostAnswer(client, key, offset, body, options, refused);
  }
  await res.discard();
  const md5 = res.header("x-cos-content-sha1");
  if (integrity && md5 !== undefined && body.contentMd5 !== undefined && Buffer.isBuffer(body.data) && md5.toLowerCase() !== md5Hex(body.data)) {
    throw appendMismatchError(`append: the service hashed the chunk to ${md5}, not ${md5Hex(body.data)}`, offset, body.size);
  }
  const appendOffset = nextAppendPosition(res, NEXT_POSITION, call.operation, offset + body.size);
  // Only a CRC-64 COS sent: core checks it against the one it expects.
  const crc = res.header("x-cos-hash-crc64ecma");
  return crc === undefined ? { appendOffset } : { appendOffset, crc64: crc };
}


/** What the object says about an append whose answer was lost. */
type Verdict = LostAppendVerdict<AppendResult>;

/**
 * After a lost answer (`failure`: the network error, or the retry's 409): the append's result when
 * the object shows it was applied; else `failure`, not retryable (see {@link appendChunk}).
 * @throws StorageError `Conflict`, `ServiceInternal` (not retryable, or the network error when nothing was appended), `Aborted`
 */
async function afterLostAnswer(
  client: CosClient,
  key: string,
  offset: number,
  body: DriverBody,
  options: DriverCallOptions,
  failure: StorageError,
): Promise<AppendResult> {
  return judgeLostAppend(failure, offset, () => lookAtObject(client, key, offset, body, options));
}

/**
 * Whether the object shows the append of `body` at `offset`. A HEAD first, when the caller's
 * object knew its CRC-64 before: length and CRC-64 equal to what the append makes → applied;
 * the length and CRC-64 from before → untouched. Otherwise (no CRC-64 before, or the object
 * matches neither, say it was appended to by someone else too) the bytes at `offset` are read
 * back: the object `offset + size` long with the chunk there → applied, naming the object's
 * CRC-64 only when one was known before (core then checks it; without one nothing vouches for it).
 * @throws StorageError from the HEAD or GET
 */
async function lookAtObject(client: CosClient, key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<Verdict> {
  const length = offset + body.size;
  const look = withoutEtagConditions(options);
  const before = body.appendBaseCrc64;
  const expected = crc64AfterAppend(offset, body);
  if (before !== undefined && expected !== undefined) {
    const head = await client.sendBuffered(headObject(key, look, client.secure), { signal: options.signal });
    const object = objectFromHeaders(key, head.status, head.headers);
    const crc = object.crc64;
    if (object.mode === "append" && object.size === length && crc !== undefined && crc64Equal(crc, expected)) return { applied: { appendOffset: length, crc64: crc } };
    if (object.size === offset && crc !== undefined && crc64Equal(crc, before)) return { untouched: true };
  }
  const chunk = appendChunkCrc64(body);
  if (chunk === undefined || body.size === 0) return { unknown: "the object cannot be compared with the chunk" };
  const res = await client.send(getObject(key, { offset, size: body.size }, look, client.secure), {
    signal: options.signal,
    accept: (s) => (s >= 200 && s < 300) || s === 416,
  });
  if (res.status === 416) {
    await res.discard();
    // Nothing at `offset`: the object is at most `offset` bytes long.
    return { untouched: true };
  }
  const [object, total] = res.fromHead(() => [objectFromHeaders(key, res.status, res.headers), objectSize(res.status, res.headers)] as const);
  if (res.status !== 206 || total !== length || object.mode !== "append") {
    await res.discard();
    return { unknown: `the object is ${total ?? "of unknown"} bytes long, not ${length}` };
  }
  let read = 0n;
  for await (const piece of res.stream()) read = crc64(piece as Buffer, read);
  if (read !== chunk) return { unknown: `the bytes at ${offset} are not the chunk` };
  // The bytes read back show the chunk at `offset`, not what precedes it: the object's CRC-64 is
  // named only when core can judge it (a CRC-64 known before this append, so one it makes); else
  // it could be another object's that happens to end in the chunk (re-created meanwhile).
  const judged = expected !== undefined && object.crc64 !== undefined;
  return { applied: { appendOffset: length, ...(judged ? { crc64: object.crc64 } : {}) } };
}
