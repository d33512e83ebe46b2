import type { ObjectInfo, Storager } from "@stowage/core";
import { pathDirectories } from "./counterpart-listing.js";
import { walk } from "./walk.js";

/**
 * Directories of a source below which a tree copy lists the destination directory by directory
 * (counterpart-listing.ts) without trying a whole listing first: that many dir listings at most,
 * as cheap as the first pages of a whole listing.
 */
export const FEW_DIRECTORIES = 16;

/** Least entries a whole listing of the destination may hold before it is given up for dir listings. */
export const WHOLE_LISTING_FLOOR = 5_000;

/** Entries per object of the source a whole listing of the destination may hold before it is given up. */
export const WHOLE_LISTING_PER_SOURCE = 4;

/**
 * The destination of a tree copy (`cp -r`, `mv -r`, without globs), listed whole when that is the
 * cheaper way: a source spread over many directories onto a destination no larger than a few times
 * the source (a copy re-run onto an earlier one, resumed from its checkpoint) takes a page of
 * listing per 1,000 keys, where a dir listing per directory would take one request per directory.
 *
 * Undefined (list directory by directory, counterpart-listing.ts) when the source has fewer than
 * {@link FEW_DIRECTORIES} directories, or when the destination turns out to hold more than
 * {@link WHOLE_LISTING_PER_SOURCE} × the source's objects (and more than {@link WHOLE_LISTING_FLOOR}):
 * the listing stops there, so its requests and memory stay within a few times the source's, whatever
 * the destination's size, and the dir listings that follow cost what they would have alone.
 * Links are listed too, as a plan looks them up.
 * @throws StorageError what a listing throws (`Aborted` on Ctrl-C)
 */
export async function wholeDestination(store: Storager, signal: AbortSignal | undefined, sourcePaths: readonly string[]): Promise<Map<string, ObjectInfo> | undefined> {
  if (pathDirectories(sourcePaths).size < FEW_DIRECTORIES) return undefined;
  const limit = Math.max(WHOLE_LISTING_FLOOR, WHOLE_LISTING_PER_SOURCE * sourcePaths.length);
  const entries = new Map<string, ObjectInfo>();
  for await (const o of walk(store, { ...(signal ? { signal } : {}), links: true })) {
    entries.set(o.path, o);
    // Leaving the loop ends the walk: no further page is asked for.
    if (entries.size > limit) return undefined;
  }
  return entries;
}
