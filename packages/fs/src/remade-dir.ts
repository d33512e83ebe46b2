import { stat } from "node:fs/promises";
import { ErrorCode, isStorageError, storageError, type StorageError } from "@stowage/core";
import { isErrno } from "./errors.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";
import type { Within } from "./within.js";

// Placing an entry in a directory that another call may remove meanwhile: only an empty directory
// can be removed (deleteDir), so the window is between pinning (or making) it and putting the
// entry in. A directory removed there is made again and the entry placed there, as a cloud service
// stores an object whatever happened to its "directory". Every call that puts an entry in a
// directory it makes shares this: write, copy, fetch, complete (atomic.ts replaceAtomically), move
// (relocate.ts, move-new.ts) and createDir.

/** How many times {@link inRemadeDir} pins (and makes) a directory removed under it. */
export const PLACE_TRIES = 4;

/** How {@link inRemadeDir} pins the directory, and whose a failure is. */
export interface RemadeDirOptions {
  /** Each directory pinned or made must really lie inside it too (FsPaths.pinDir). */
  within?: Within;
  /** The permission bits (less the umask) the directory itself is made with, where it is made. */
  mode?: number;
  /**
   * Whether the source `place` takes its entry from is gone (a move's source name): an
   * `ObjectNotExist` is then the source's, thrown as it is, never retried.
   */
  sourceGone?: () => Promise<boolean>;
}

/**
 * Pins the directory `dir` (an absolute path inside the work_dir), making it and its parents where
 * missing (FsPaths.pinDir with `create`), runs `place` in it and resolves with what `place`
 * resolves; the pin is closed after. A directory removed meanwhile (another call's `deleteDir` of
 * it while it was empty) is made again and `place` run again, up to {@link PLACE_TRIES} times: when
 * pinning fails `ObjectNotExist` (made, then removed, or a parent removed, before it was opened), or
 * `place` fails `ObjectNotExist` while the pinned directory is found removed (its handle names a
 * directory with no links), unless `options.sourceGone` says the source is gone. `place` must leave
 * nothing behind when it fails so (nothing can be placed in a removed directory), and must be
 * safe to run again. When the tries run out the call fails `Conflict`, retryable, naming the
 * destination's directory: never `ObjectNotExist`, which a copy or move reports as its source's.
 * @throws StorageError `Conflict` (retryable: the directory removed each time), what FsPaths.pinDir
 *   and `place` throw.
 */
export async function inRemadeDir<T>(paths: FsPaths, dir: string, place: (pin: DirPin) => Promise<T>, options: RemadeDirOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let pin: DirPin;
    try {
      pin = await paths.pinDir(dir, true, options.within, options.mode);
    } catch (e) {
      // Made, then removed before it could be opened (or a parent removed before it was made in it).
      if (!isStorageError(e, ErrorCode.ObjectNotExist)) throw e;
      if (attempt < PLACE_TRIES) continue;
      throw removedEachTime(e);
    }
    try {
      return await place(pin);
    } catch (e) {
      if (!isStorageError(e, ErrorCode.ObjectNotExist) || (await options.sourceGone?.()) === true || !(await removed(pin))) throw e;
      if (attempt < PLACE_TRIES) continue;
      throw removedEachTime(e);
    } finally {
      await pin.close();
    }
  }
}

/** Whether the pinned directory `dir` was removed (its handle names a directory with no links; without a handle, its path names none). @throws nothing. */
async function removed(dir: DirPin): Promise<boolean> {
  try {
    return (await stat(dir.self)).nlink === 0;
  } catch (e) {
    return isErrno(e, "ENOENT");
  }
}

/** The `Conflict` (retryable) of a call whose directory was removed under it each of the {@link PLACE_TRIES} times it was made. @throws nothing. */
function removedEachTime(cause: StorageError): StorageError {
  return storageError(
    ErrorCode.Conflict,
    `destination: its directory was removed by another call each of the ${PLACE_TRIES} times it was made; nothing was placed there (try again)`,
    { cause, retryable: true },
  );
}
