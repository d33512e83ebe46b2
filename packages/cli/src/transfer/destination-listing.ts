import type { ObjectInfo, Storager } from "@stowage/core";
import { CounterpartListing, pathDirectories } from "./counterpart-listing.js";
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
 * What a plan looks up at the destination: its files, appendable objects and links by relative
 * path, and the directories that hold them (`a/` for `a/x`). A directory holding none (an empty
 * one, on fs or memory) is not among them: {@link emptyDirectoriesAt} finds those where they matter.
 */
export interface DestinationEntries {
  readonly entries: Map<string, ObjectInfo>;
  readonly dirs: Set<string>;
}

/**
 * Walks the whole destination (walk.ts, links too), telling `see` of each entry's path. Undefined
 * when it holds more than `limit` entries: the walk stops there, no further page asked for.
 * @throws StorageError what a listing throws (`Aborted` on Ctrl-C)
 */
export async function listDestination(store: Storager, signal: AbortSignal | undefined, limit = Infinity, see?: (path: string) => void): Promise<DestinationEntries | undefined> {
  const entries = new Map<string, ObjectInfo>();
  for await (const o of walk(store, { ...(signal ? { signal } : {}), links: true })) {
    entries.set(o.path, o);
    see?.(o.path);
    // Leaving the loop ends the walk: no further page is asked for.
    if (entries.size > limit) return undefined;
  }
  // A path from the root (`/a`: a key no relative path names) holds no directory of the tree.
  return { entries, dirs: pathDirectories([...entries.keys()].filter((path) => !path.startsWith("/"))) };
}

/**
 * The directories of a storage with real directories (fs, memory) at `paths` (relative: `a/x`
 * gives `a/x/` when that is a directory there, empty or not), found with dir listings of the work_dir
 * and of each directory on the way to one of them that the destination has (counterpart-listing.ts),
 * so a listing costs what the paths reach, not the destination's size. A prefix listing shows files
 * only: an empty directory where a copy would write a file is found here.
 * @throws StorageError what a listing throws (`Aborted` on Ctrl-C)
 */
export async function emptyDirectoriesAt(store: Storager, signal: AbortSignal | undefined, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const listing = new CounterpartListing(store, signal);
  await listing.root();
  await listing.reach(paths);
  return new Set(paths.map((path) => path + "/").filter((dir) => listing.dirs.has(dir)));
}

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
 * the destination's size, and the dir listings that follow cost what they would have alone. Links
 * are listed too, as a plan looks them up.
 * @throws StorageError what a listing throws (`Aborted` on Ctrl-C)
 */
export async function wholeDestination(store: Storager, signal: AbortSignal | undefined, sourcePaths: readonly string[]): Promise<DestinationEntries | undefined> {
  if (pathDirectories(sourcePaths).size < FEW_DIRECTORIES) return undefined;
  return listDestination(store, signal, Math.max(WHOLE_LISTING_FLOOR, WHOLE_LISTING_PER_SOURCE * sourcePaths.length));
}
