import { lstat, stat } from "node:fs/promises";
import { posix } from "node:path";
import { throwIfAborted } from "@stowage/core";
import type { CopySteps } from "./copy-file.js";
import { fsError, isErrno } from "./errors.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";
import { inRemadeDir } from "./remade-dir.js";
import type { Confinement } from "./within.js";

// What every move does around its own step (a rename, a link, a copy): the source's directory
// pinned, the destination's made (again, where another call removes it meanwhile), the size
// reported once. relocate.ts moveInside and move-new.ts moveNew put the entry in.

/** Both ends of a move, as its step gets them. */
export interface MoveEnds {
  /** The source's directory, pinned, and the source's name in it. */
  from: DirPin;
  name: string;
  /** The destination's directory, pinned (made), and the destination's name in it. */
  to: DirPin;
  dstName: string;
  /** The source and destination entries, addressed through their pinned directories. */
  srcEntry: string;
  dstEntry: string;
}

/**
 * Pins `src`'s directory (inside `confine.source`), reports the source's size to `steps.onProgress`
 * once, and runs `place` with the destination's directory made and pinned (inside
 * `confine.destination`): made again and `place` run again where another call removed it (it was
 * empty) before the entry was put in, up to 4 times (remade-dir.ts); an `ObjectNotExist` is the
 * source's, not retried, once the source name is gone.
 * @throws StorageError what `place` throws, `Conflict` (retryable: the directory removed each time),
 *   `ObjectNotExist`, `Aborted`, what `onProgress` throws, mapped fs errors.
 */
export async function inMoveFrame(paths: FsPaths, src: string, dst: string, steps: CopySteps, confine: Confinement, place: (ends: MoveEnds) => Promise<void>): Promise<void> {
  const from = await paths.pinDir(posix.dirname(src), false, confine.source);
  try {
    const [name, dstName] = [posix.basename(src), posix.basename(dst)];
    const srcEntry = from.at(name);
    let reported = false;
    const moveInto = async (to: DirPin): Promise<void> => {
      if (!reported) await reportMoving(srcEntry, steps);
      reported = true;
      await place({ from, name, to, dstName, srcEntry, dstEntry: to.at(dstName) });
    };
    await inRemadeDir(paths, posix.dirname(dst), moveInto, { within: confine.destination, sourceGone: () => nameGone(from, name) });
  } finally {
    await from.close();
  }
}

/**
 * Reports the size of the file `entry` (about to move) to `steps.onProgress`, once, when there is
 * a listener; an abort during that event still stops the move (nothing has moved yet).
 * @throws StorageError `ObjectNotExist`, `Aborted`, what `onProgress` throws, mapped fs errors.
 */
async function reportMoving(entry: string, steps: CopySteps): Promise<void> {
  if (steps.onProgress === undefined) return;
  const size = Number((await stat(entry).catch((e: unknown) => Promise.reject(fsError(e)))).size);
  steps.onProgress({ bytes: size, total: size });
  throwIfAborted(steps.signal);
}

/** Whether entry `name` of pinned `dir` is gone (lstat: nothing there, or no directory on its way). @throws nothing. */
async function nameGone(dir: DirPin, name: string): Promise<boolean> {
  return lstat(dir.at(name)).then(
    () => false,
    (e: unknown) => isErrno(e, "ENOENT", "ENOTDIR"),
  );
}
