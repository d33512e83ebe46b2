import { lstatSync, unlinkSync } from "node:fs";
import { lstat, readdir, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * How old a checkpoint's temp file must be before it is taken for a leftover. A live run holds one
 * only while it rewrites the checkpoint whole (milliseconds, seconds for millions of objects, before
 * the rename that replaces the checkpoint with it), so an hour leaves room for a run stopped (SIGSTOP, a suspended laptop) in
 * the middle of that write; such a run, should its temp file be gone when it goes on, fails only
 * that checkpoint write.
 */
export const STALE_TEMP_MS = 60 * 60_000;

/** A checkpoint temp file (`<name>.<16 hex>.tmp`) or a lock's (`<name>.lock.<16 hex>.tmp`) in the state directory: the default checkpoints are named by 24 hex digits. */
const STATE_DIR_TEMP = /^[0-9a-f]{24}\.json(\.lock)?\.[0-9a-f]{16}\.tmp$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Removes the temp files a killed run (SIGKILL, a crash) left next to the checkpoint at `path`,
 * those older than {@link STALE_TEMP_MS}: a checkpoint is rewritten whole to `<checkpoint>.<random>.tmp`
 * and renamed into place, its lock to `<checkpoint>.lock.<random>.tmp` and linked into place, so a
 * run killed in between leaves the temp file (mode 0600, naming objects) for good. In the state
 * directory (`named` false) every checkpoint's temp files are removed; next to a `--checkpoint`
 * file the user named, only that checkpoint's. Only regular files this user owns are removed
 * (never a link, a directory or another user's file), best effort: an error leaves the file.
 * @throws nothing
 */
export async function removeStaleTemps(path: string, named: boolean, now = Date.now()): Promise<void> {
  const dir = dirname(path);
  const own = new RegExp(`^${escapeRegExp(basename(path))}(\\.lock)?\\.[0-9a-f]{16}\\.tmp$`);
  const names = await readdir(dir).catch(() => [] as string[]);
  const uid = process.getuid?.();
  for (const name of names) {
    if (!own.test(name) && (named || !STATE_DIR_TEMP.test(name))) continue;
    const file = join(dir, name);
    const st = await lstat(file).catch(() => undefined);
    if (st === undefined || !st.isFile() || (uid !== undefined && st.uid !== uid)) continue;
    if (now - st.mtimeMs < STALE_TEMP_MS) continue;
    await unlink(file).catch(() => undefined);
  }
}

/**
 * The temp files this process is writing now (a checkpoint's or a lock's, of a random name it
 * creates exclusively), each from just before its exclusive create (so that a save cut short while
 * the file is being written is covered; a name of 64 random bits is this run's) until it is renamed,
 * linked or removed: what {@link removeWrittenTempsNow} removes when the process exits at once.
 */
const writing = new Set<string>();

/**
 * Notes that this process is writing temp file `path` (see {@link removeWrittenTempsNow}); `done`
 * forgets it once it is renamed or linked into place and removed, or its exclusive creation failed.
 * @throws nothing
 */
export function writingTemp(path: string): { done(): void } {
  writing.add(path);
  return { done: () => void writing.delete(path) };
}

/**
 * Removes at once, synchronously, the temp files this process is writing ({@link writingTemp}),
 * for a `process.exit` that waits for nothing (a second Ctrl-C): a save cut short would otherwise
 * leave its temp file (naming objects) until a run an hour later. Only regular files of this
 * user; an error leaves the file.
 * @throws nothing
 */
export function removeWrittenTempsNow(): void {
  const uid = process.getuid?.();
  for (const path of writing) {
    try {
      const st = lstatSync(path);
      if (st.isFile() && (uid === undefined || st.uid === uid)) unlinkSync(path);
    } catch {
      // Gone already (renamed into place), or not removable: left.
    }
  }
  writing.clear();
}
