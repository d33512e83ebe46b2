import { movedSourceUnchanged, type DriverCallOptions, type RawObject } from "@stowage/core";
import { copyStated, reportCopied, type CopyContext } from "./copy.js";

/** What {@link moveObject} needs of the driver besides a copy. */
export interface MoveContext extends CopyContext {
  /** PutSymlink (`x-oss-forbid-overwrite` given `options.ifNotExists`). */
  createLink(key: string, targetKey: string, options: DriverCallOptions): Promise<RawObject>;
}

/**
 * Move as OSS allows it: a copy pinned to the source's ETag (see `copyStated`), or for a symlink a
 * new link to its target; then, before the source is deleted, a stat of it again: it is deleted only
 * while it is still the version that was copied (same mode and ETag; a link: the same target too).
 * A source overwritten between the copy and that stat is kept, and the move fails with `Conflict`; a
 * source already gone is fine (the destination holds the copy). OSS has no conditional DeleteObject:
 * an overwrite between that stat and the delete is still lost (docs/services/oss.md).
 * `options.onProgress` gets the copy's progress, and `{ bytes: size, total: size }` only once the
 * move is done (the source deleted, or found gone already). With `ifNotExists` the copy (or
 * PutSymlink) carries `x-oss-forbid-overwrite: true`: an object at the destination refuses it
 * (`Conflict`), and the source, deleted only after a copy that succeeded, is kept.
 * @throws StorageError as `copyStated` (`Conflict` when the source changed before or while it was
 *   copied, or with `ifNotExists` over an object: nothing moved), `Conflict` (the source changed after the copy: the destination holds the
 *   copied version, the newer source is kept), or the failure of the stat (the source is kept)
 */
export async function moveObject(ctx: MoveContext, srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
  const signal = { signal: options.signal };
  const source = await ctx.stat(srcKey, signal);
  if (srcKey === dstKey && source.mode !== "dir") return reportCopied(options, source);
  let copied: RawObject | undefined = source;
  if (source.mode === "link") await ctx.createLink(dstKey, source.linkTarget!.slice(1), { signal: options.signal, ...(options.ifNotExists === true ? { ifNotExists: true } : {}) });
  else copied = await copyStated(ctx, source, srcKey, dstKey, options);
  if (copied !== undefined && srcKey !== dstKey && (await movedSourceUnchanged((key, o) => ctx.stat(key, o), srcKey, source, signal))) {
    await ctx.delete(srcKey, signal);
  }
  reportCopied(options, copied ?? source);
}
