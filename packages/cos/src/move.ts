import { ErrorCode, isStorageError, sameEtag, storageError, StorageError, type DriverCallOptions, type RawObject } from "@stowage/core";
import { copyStated, type CopiedSource, type CopyContext } from "./copy.js";

/**
 * Move as COS allows it: a copy pinned to the source's ETag (see `copyStated`), then, before the
 * source is deleted, a HEAD of it again: it is deleted only while it is still the version that was
 * copied. A source overwritten between the copy and that HEAD is kept, and the move fails with
 * `Conflict`; a source already gone is fine (the destination holds the copy). COS has no
 * conditional DELETE: an overwrite between that HEAD and the DELETE is still lost (docs/services/cos.md).
 * @throws StorageError as `copyStated` (`Conflict` when the source changed before or while it was
 *   copied: nothing moved), `Conflict` (the source changed after the copy: the destination holds the
 *   copied version, the newer source is kept), or the failure of the HEAD (the source is kept)
 */
export async function moveObject(ctx: CopyContext, srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
  const copied = await copyStated(ctx, srcKey, dstKey, options);
  if (srcKey === dstKey || copied === undefined) return;
  if (!(await stillCopiedVersion(ctx, srcKey, copied))) return;
  await ctx.delete(srcKey, { signal: options.signal });
}

/**
 * True when `srcKey` is still the version `copied` names (same ETag), so deleting it loses nothing;
 * false when it is gone (nothing to delete).
 * @throws StorageError `Conflict` when it changed; the HEAD's failure (with what was done) otherwise
 */
async function stillCopiedVersion(ctx: CopyContext, srcKey: string, copied: CopiedSource): Promise<boolean> {
  let now: RawObject;
  try {
    now = await ctx.stat(srcKey, copied.statOptions);
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist)) return false;
    if (!isStorageError(e) || e.code === ErrorCode.Aborted) throw e;
    throw new StorageError({
      code: e.code,
      message: `move: the source was copied, but it could not be looked at again before its delete (${e.detail}): the destination holds the copy, the source is kept`,
      ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}),
      ...(e.requestId !== undefined ? { requestId: e.requestId } : {}),
      retryable: e.retryable,
      cause: e,
    });
  }
  const before = copied.source.etag;
  if (before === undefined || (now.mode === copied.source.mode && sameEtag(now.etag, before))) return true;
  throw storageError(
    ErrorCode.Conflict,
    `move: the source changed during the move (ETag ${before} was copied, it is now ${now.mode === "file" ? `ETag ${now.etag ?? "(none)"}` : `an object of mode ${now.mode}`}): the destination holds the version that was copied, the newer source is kept`,
    { retryable: false },
  );
}
