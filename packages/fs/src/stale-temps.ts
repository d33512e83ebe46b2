import { lstat, readdir, unlink } from "node:fs/promises";
import { removeStaleLock } from "./stale-lock.js";
import type { FsPaths } from "./paths.js";
import { isOwnLockName, isOwnTempName } from "./reserved-names.js";

/**
 * A temp file untouched for this long (ms) belongs to a write that died with its process: a live
 * write keeps its temp file's mtime fresh as it writes.
 */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Removes the temp files of writes that died with their process (killed mid-write: a temp file is
 * removed on every failure the process lives through) from the directory `dirPath`: hidden
 * temp files (regular files or symlinks named exactly as paths.ts tempName makes them: `.stowage-tmp-`
 * and 24 lower-case hex digits; no key can name one, so none is a user's object) last modified more than {@link STALE_TEMP_MS} ago. They are never listed,
 * but kept the directory from being deleted. Append locks (regular files named exactly as
 * reserved-names.ts lockName or lockGuardName makes them) whose holder is gone are removed too, by
 * append-lock.ts's own rule (its process gone, or not refreshed for 30 s; `now` is not used for
 * them); a user's file under such a name (not a lock: lock-owner.ts isLockFile) is left. Looks only inside the directory once pinned and checked to lie inside the work_dir.
 * Resolves with how many it removed; never throws (what cannot be read or removed is left).
 */
export async function removeStaleTemps(paths: FsPaths, dirPath: string, now = Date.now()): Promise<number> {
  const dir = await paths.pinExisting(dirPath).catch(() => undefined);
  if (dir === undefined) return 0;
  let removed = 0;
  try {
    const names = await readdir(dir.self).catch(() => [] as string[]);
    for (const name of names) {
      if (isOwnLockName(name)) {
        if (await removeStaleLock(dir, name)) removed++;
        continue;
      }
      if (!isOwnTempName(name)) continue;
      const entry = dir.at(name);
      const st = await lstat(entry).catch(() => undefined);
      if (st === undefined || !(st.isFile() || st.isSymbolicLink()) || now - st.mtimeMs < STALE_TEMP_MS) continue;
      if (await unlink(entry).then(() => true, () => false)) removed++;
    }
  } finally {
    await dir.close();
  }
  return removed;
}
