import { ErrorCode, isStorageError, type StorageError, type Storager } from "@stowage/core";
import { isAbort } from "../errors.js";
import { uncounted } from "../unlisted.js";
import { mapLimit } from "./pool.js";

/** Marker deletes (a HEAD and a DELETE each) in flight at once on a storage with virtual directories. */
export const MARKER_DELETES = 8;

/** Dir listings in flight at once while markers are looked for. */
export const MARKER_LISTINGS = 8;

/** A directory `rm -r` listed but could not delete, and why. */
export interface KeptDir {
  readonly path: string;
  readonly error: StorageError;
}

/**
 * The directories below `store`'s work_dir (a storage with virtual directories) that a marker
 * keeps there once the objects below it are deleted: those holding one, in them or below. Prefix
 * listings leave markers out, so this lists directories, level by level, {@link MARKER_LISTINGS}
 * at once; after the delete it lists only the directories markers keep (one listing when there
 * are none), not each one the deleted keys implied. Keys it finds that no path addresses are not
 * reported again: the listing of the objects, over the same keys, reported them.
 * @throws StorageError what a listing throws (`Aborted` on Ctrl-C)
 */
export async function markedDirs(store: Storager, signal: AbortSignal): Promise<string[]> {
  return uncounted(async () => {
    const dirs: string[] = [];
    for (let level = [""]; level.length > 0; ) {
      level = (await mapLimit(level, MARKER_LISTINGS, (dir) => dirsIn(store, dir, signal))).flat();
      dirs.push(...level);
    }
    return dirs;
  });
}

/** The directories a dir listing of `dir` shows (not `dir` itself, whose marker may list as its own entry); none when it is gone. */
async function dirsIn(store: Storager, dir: string, signal: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  let listed = false;
  try {
    for await (const o of store.list(dir, { mode: "dir", signal })) {
      listed = true;
      if (o.mode === "dir" && o.path !== dir) found.push(o.path);
    }
  } catch (e) {
    // Gone before its listing gave anything: nothing there. A listing that fails part-way fails the look.
    if (!listed && isStorageError(e, ErrorCode.ObjectNotExist)) return [];
    throw e;
  }
  return found;
}

/**
 * Deletes the directories a tree walk listed below `store`'s work_dir (`d/` paths), once the
 * objects below them are gone; best effort: one that is not empty (`Conflict`) or gone already
 * stays quietly, one whose delete failed otherwise is returned, with why (a refused HEAD or DELETE,
 * another client's `d/` key that holds bytes). On a storage with virtual directories each is a
 * marker object of its own: {@link MARKER_DELETES} at once, in any order. Real directories (fs,
 * memory) go one at a time, deepest first, so that each is empty by its turn.
 * @throws StorageError `Aborted` (Ctrl-C: the command is interrupted, not done), and what is no StorageError
 */
export async function removeDirs(store: Storager, paths: readonly string[], signal: AbortSignal): Promise<KeptDir[]> {
  const deepestFirst = [...paths].sort((a, b) => b.length - a.length);
  const remove = (path: string): Promise<KeptDir | undefined> =>
    store.delete(path, { mode: "dir", signal }).then(
      () => undefined,
      (e: unknown) => keptOrNot(path, e),
    );
  const outcomes: Array<KeptDir | undefined> = [];
  if (store.features.virtualDir) outcomes.push(...(await mapLimit(deepestFirst, MARKER_DELETES, remove)));
  else for (const path of deepestFirst) outcomes.push(await remove(path));
  // In the order they were listed for, deepest first, whatever order the deletes ended in.
  return outcomes.filter((k): k is KeptDir => k !== undefined);
}

/**
 * A directory that could not be deleted, or undefined where that is fine: it is not empty
 * (`Conflict`) or gone.
 * @throws what it was given, when that is an abort or no StorageError
 */
function keptOrNot(path: string, e: unknown): KeptDir | undefined {
  if (!isStorageError(e) || isAbort(e)) throw e;
  if (e.code === ErrorCode.Conflict || e.code === ErrorCode.ObjectNotExist) return undefined;
  return { path, error: e };
}
