import { ErrorCode, isStorageError, statSseCSource, storageError, type BufferedResponse, type DriverCallOptions, type RawObject } from "@stowage/core";
import { sourceHeader } from "./addressing.js";
import type { QingStorClient } from "./client.js";
import { QINGSTOR_TYPE } from "./config.js";
import { qingstorErrorFromResponse } from "./errors.js";
import { moveObject as moveCall } from "./requests.js";
import { parseErrorBody } from "./responses.js";
import { sseHeaders } from "./sse.js";
import { reportStored } from "./stored-size.js";

/** What {@link moveObject} needs of the driver. */
export interface MoveContext {
  readonly client: QingStorClient;
  /** The bucket. */
  readonly name: string;
  /** The driver's stat (HEAD). */
  stat(key: string, options: DriverCallOptions): Promise<RawObject>;
}

/**
 * A native server-side rename: PUT `dstKey` with `x-qs-move-source`, after a stat of the source
 * (with the call's SSE-C key when it has one, tried first, then none: the move itself sends none).
 * A key it could not send (over http), a bad key or an algorithm without one is refused before any request.
 * A move is not idempotent: when an attempt moved the object but its answer was lost, the retry
 * finds no source (404). The destination is then stat'ed, and the move counts as done when it
 * has the source's ETag, size and mode; otherwise the 404 stands (a 404 on the first attempt too).
 * `options.onProgress` gets `{ bytes: size, total: size }` once the move is done: the size the
 * source's stat gave, or (that stat refused, with a listener only) a HEAD of the destination's
 * (see `reportStored`: no event when that HEAD fails). A directory source (a `dir/` key, or a
 * stat that finds a directory) is refused before the move is sent: QingStor would rename the
 * marker into a file and leave the objects below it where they are.
 * @throws StorageError `ObjectNotExist` (source), `ObjectModeInvalid` (a directory: nothing moved), `InvalidArgument` (SSE-C over http:
 *   nothing sent), `PermissionDenied`, `Aborted`, `Unexpected` (the
 *   onProgress listener threw: the object is moved), ...
 */
export async function moveObject(ctx: MoveContext, srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
  // Over http a key fails here, before any request, as on every operation (the rename itself sends none).
  sseHeaders(options, ctx.client.secure);
  // An SSE-C object answers a HEAD only with its key: the call's (open-time) key is tried, then none.
  const keyed: DriverCallOptions = { signal: options.signal, encryptionCustomerKey: options.encryptionCustomerKey, encryptionCustomerAlgorithm: options.encryptionCustomerAlgorithm };
  let statOptions: DriverCallOptions = { signal: options.signal };
  const source = await statSseCSource((withKey) => ctx.stat(srcKey, withKey ? keyed : statOptions), options.encryptionCustomerKey !== undefined).then(
    (found) => {
      if (found.withObjectKey) statOptions = keyed;
      return found.source;
    },
    (e: unknown) => {
      // Only a missing source ends the move here; a HEAD refused for another reason (an SSE-C
      // object under another key...) leaves the move to decide, without a source identity.
      if (isStorageError(e, ErrorCode.ObjectNotExist) || isStorageError(e, ErrorCode.Aborted)) throw e;
      return undefined;
    },
  );
  // QingStor would rename a `dir/` marker into a file and leave the objects below it: refused, as on every driver.
  if (source?.mode === "dir" || srcKey.endsWith("/")) throw storageError(ErrorCode.ObjectModeInvalid, "the move source is a directory");
  const res = await ctx.client.sendBuffered(moveCall(dstKey, sourceHeader(ctx.name, srcKey)), {
    signal: options.signal,
    // A 404 comes back here, to tell a retry that lost the race with its own first attempt.
    accept: (status) => (status >= 200 && status < 300) || status === 404,
  });
  if (res.status === 404) await confirmLostMove(ctx, dstKey, source, res, statOptions);
  await reportStored((key, o) => ctx.stat(key, o), dstKey, options, { size: source?.size }, statOptions);
}

/**
 * A move answered 404 stands unless this was a retry and the destination is the source
 * stat'ed before the move (same ETag, size and mode).
 * @throws StorageError `ObjectNotExist` (the 404), `Aborted`
 */
async function confirmLostMove(ctx: MoveContext, dstKey: string, source: RawObject | undefined, res: BufferedResponse, statOptions: DriverCallOptions): Promise<void> {
  const error = qingstorErrorFromResponse(res, parseErrorBody(res.body)).withContext({ service: QINGSTOR_TYPE });
  if (!res.earlierAttemptMayHaveApplied || source?.etag === undefined) throw error;
  const moved = await ctx.stat(dstKey, statOptions).catch((e: unknown) => {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    return undefined;
  });
  if (moved?.etag !== source.etag || moved.size !== source.size || moved.mode !== source.mode) throw error;
}
