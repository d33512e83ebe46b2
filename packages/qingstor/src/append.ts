import {
  chunkReadBack,
  judgeLostAppend,
  type LostAppendVerdict,
  abortedAppendError,
  appendChunkCrc64,
  ErrorCode,
  isStorageError,
  mayHaveBeenApplied,
  nextAppendPosition,
  storageError,
  type DriverBody,
  type DriverCallOptions,
  type RawObject,
  type StorageError,
  type StreamingResponse,
} from "@stowage/core";
import type { QingStorClient } from "./client.js";
import { QINGSTOR_TYPE } from "./config.js";
import { qingstorError } from "./errors.js";
import { appendObject, getObject } from "./requests.js";
import { objectSize, parseErrorBody } from "./responses.js";

/** What {@link appendChunk} needs of the driver. */
export interface AppendContext {
  readonly client: QingStorClient;
  /** The driver's stat (HEAD). */
  stat(key: string, options: DriverCallOptions): Promise<RawObject>;
}

/** The header of an AppendObject answer that gives the object's length after the append. */
const NEXT_POSITION = "x-qs-next-append-position";

/** Most bytes of an error answer read. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * AppendObject at `offset`. It is never re-sent blindly after a network failure (the lost request
 * may have been applied). When its answer is lost, or a retry (after a 5xx) is refused with
 * `invalid_argument` (QingStor's answer to a position that is not the object's length), the object
 * is looked at (a HEAD, then the bytes at `offset` read back): when it is appendable, `offset + size`
 * long, and the bytes at `offset` have the chunk's CRC-64, the append succeeded. Otherwise a lost
 * answer fails as it did, and is not retryable, except a network failure after which the object is
 * still `offset` bytes long (or, at offset 0, absent): nothing was appended and a retry at the same
 * position is safe. A refusal is explained as before (see {@link appendRefusal}). An abort while
 * the request is under way is `Aborted` saying the bytes may have been appended (core's
 * `abortedAppendError`). QingStor has no CRC-64: the result carries none, and only the position
 * (and the chunk's Content-MD5) is checked, so an object another writer re-created with exactly
 * `offset` bytes is appended to without notice.
 * @throws StorageError `Conflict` (position), `ObjectModeInvalid` (not appendable), `IntegrityMismatch` (bad_digest), `ServiceInternal`, `Aborted`,
 *   `Unexpected` (a 2xx whose next append position is no whole number of bytes: the append was applied), ...
 */
export async function appendChunk(ctx: AppendContext, key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<{ appendOffset: number }> {
  try {
    return await sendAppend(ctx, key, offset, body, options);
  } catch (e) {
    throw abortedAppendError(e, offset, body.size);
  }
}

async function sendAppend(ctx: AppendContext, key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<{ appendOffset: number }> {
  const call = appendObject(key, offset, body, options, ctx.client.secure);
  let res: StreamingResponse;
  try {
    res = await ctx.client.send(call, { signal: options.signal, idempotent: false, accept: (s) => (s >= 200 && s < 300) || s === 400, onUploadProgress: body.onProgress });
  } catch (e) {
    if (!mayHaveBeenApplied(e)) throw e;
    return afterLostAnswer(ctx, key, offset, body, options, e);
  }
  if (res.status === 400) {
    const error = parseErrorBody(await res.buffer(ERROR_BODY_LIMIT).catch(() => Buffer.alloc(0)));
    const refused = qingstorError(res.status, error, call.operation, res.requestId).withContext({ service: QINGSTOR_TYPE });
    if (!isStorageError(refused, ErrorCode.InvalidArgument)) throw refused;
    if (res.earlierAttemptMayHaveApplied) {
      const applied = await appliedAppend(ctx, key, offset, body, options).catch((e: unknown) => (isStorageError(e, ErrorCode.Aborted) ? Promise.reject(e) : undefined));
      if (applied !== undefined && "applied" in applied) return applied.applied;
    }
    throw await appendRefusal(ctx, key, offset, refused, options);
  }
  await res.discard();
  return { appendOffset: nextAppendPosition(res, NEXT_POSITION, call.operation, offset + body.size) };
}


/** What the object says about an append whose answer was lost. */
type Verdict = LostAppendVerdict<{ appendOffset: number }>;

/**
 * After a lost answer (`failure`, the network error): the append's result when the object shows it
 * was applied; else `failure` (see {@link appendChunk}).
 * @throws StorageError `failure` (retryable only when nothing was appended), `Aborted`
 */
async function afterLostAnswer(ctx: AppendContext, key: string, offset: number, body: DriverBody, options: DriverCallOptions, failure: StorageError): Promise<{ appendOffset: number }> {
  return judgeLostAppend(failure, offset, () => appliedAppend(ctx, key, offset, body, options));
}

/**
 * Whether the object shows the append of `body` at `offset`: a HEAD (QingStor documents the object
 * type and next position there), then, for an appendable object `offset + size` long, its bytes at
 * `offset` read back (pinned to the HEAD's ETag) and compared with the chunk's CRC-64 (core's, or
 * computed from the chunk). An empty chunk is applied when the appendable object is `offset` long.
 * @throws StorageError from the HEAD or the GET (`ObjectNotExist` when there is no object)
 */
async function appliedAppend(ctx: AppendContext, key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<Verdict> {
  const length = offset + body.size;
  const look: DriverCallOptions = { signal: options.signal };
  const o = await ctx.stat(key, look);
  const size = o.appendOffset ?? o.size;
  if (o.mode !== "append") return { unknown: `${JSON.stringify(key)} is not an appendable object` };
  if (size === length && body.size === 0) return { applied: { appendOffset: length } };
  if (size === offset) return { untouched: true };
  if (size !== length) return { unknown: `the object is ${size ?? "of unknown"} bytes long, neither ${offset} nor ${length}` };
  const chunk = appendChunkCrc64(body);
  if (chunk === undefined) return { unknown: "the object cannot be compared with the chunk" };
  const pinned: DriverCallOptions = o.etag === undefined ? look : { ...look, ifMatch: o.etag };
  const res = await ctx.client.send(getObject(key, { offset, size: body.size }, pinned, ctx.client.secure), { signal: options.signal });
  const total = res.fromHead(() => objectSize(res.status, res.headers));
  const why = await chunkReadBack(res, total, length, offset, body.size, chunk);
  return why === undefined ? { applied: { appendOffset: length } } : { unknown: why };
}

/**
 * Explains an append refused with `invalid_argument`: a moved position (`Conflict`; the object gone,
 * at a position past 0, too), a plain object (`ObjectModeInvalid`), or the original error. A stat
 * that fails otherwise (`Aborted`, `PermissionDenied`...) is what is returned: nothing is made up.
 * @throws nothing (returns the error).
 */
export async function appendRefusal(ctx: AppendContext, key: string, offset: number, error: StorageError, options: DriverCallOptions): Promise<StorageError> {
  const context = { statusCode: error.statusCode, ...(error.requestId ? { requestId: error.requestId } : {}), cause: error };
  let o: RawObject;
  try {
    o = await ctx.stat(key, { signal: options.signal });
  } catch (e) {
    if (!isStorageError(e)) return error;
    if (!isStorageError(e, ErrorCode.ObjectNotExist)) return e;
    // No object: an append at 0 would have made one, so the refusal was for something else.
    if (offset === 0) return error;
    return storageError(ErrorCode.Conflict, `append_object: position ${offset} does not match: there is no object at ${JSON.stringify(key)} (deleted or moved away)`, context);
  }
  if (o.mode !== "append") return storageError(ErrorCode.ObjectModeInvalid, `append_object: ${JSON.stringify(key)} is not an appendable object`, context);
  const length = o.appendOffset ?? o.size ?? 0;
  if (length !== offset) return storageError(ErrorCode.Conflict, `append_object: position ${offset} does not match the object's length ${length}`, context);
  return error;
}
