import { movedSourceUnchanged, type DriverCallOptions } from "@stowage/core";
import { copyStated, reportCopied, type CopyContext } from "./copy.js";

/**
 * Move as COS allows it: a copy pinned to the source's ETag (see `copyStated`), then, before the
 * source is deleted, a HEAD of it again: it is deleted only while it is still the version that was
 * copied. A source overwritten between the copy and that HEAD is kept, and the move fails with
 * `Conflict`; a source already gone is fine (the destination holds the copy). COS has no
 * conditional DELETE: an overwrite between that HEAD and the DELETE is still lost (docs/services/cos.md).
 * `options.onProgress` gets the copy's progress, and `{ bytes: size, total: size }` only once the
 * move is done (the source deleted, or found gone already). With `ifNotExists` the copy carries
 * `x-cos-forbid-overwrite: true`: an object at the destination refuses it (`Conflict`), and the
 * source, deleted only after a copy that succeeded, is kept.
 * @throws StorageError as `copyStated` (`Conflict` when the source changed before or while it was
 *   copied, or with `ifNotExists` over an object: nothing moved), `Conflict` (the source changed after the copy: the destination holds the
 *   copied version, the newer source is kept), or the failure of the HEAD (the source is kept)
 */
export async function moveObject(ctx: CopyContext, srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
  const copied = await copyStated(ctx, srcKey, dstKey, options);
  if (srcKey !== dstKey && copied.copied && (await movedSourceUnchanged((key, o) => ctx.stat(key, o), srcKey, copied.source, copied.statOptions))) {
    await ctx.delete(srcKey, { signal: options.signal });
  }
  reportCopied(options, copied);
}

