import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { posix } from "node:path";
import { lockEntry } from "./lock-file.js";
import { UPLOAD_ID } from "./upload-record.js";
import type { FsPaths } from "./paths.js";
import { isOwnLockName, isOwnTempName, STAGING_NAME } from "./reserved-names.js";
import { whenDescriptorsFree } from "./descriptor-wait.js";

/** What kind of entry a directory entry is. */
export type EntryKind = Pick<Dirent, "isDirectory" | "isFile" | "isSymbolicLink">;

/** How the lister treats an entry with a reserved name (paths.ts isReserved). */
export type ReservedEntry = "own" | "foreign" | "ignored";

/**
 * Whether the entry `name` of directory `dirPath`, whose name is reserved, is the driver's own:
 * - `own`: a temp file of an atomic write (a regular file or a symlink, named exactly as tempName
 *   makes it), an append lock or its guard (a regular file named exactly as lockName or
 *   lockGuardName makes it whose text names its holder, or empty and modified within the stale
 *   bound: lock-file.ts lockEntry), or a multipart staging directory (named exactly `.stowage-multipart`,
 *   holding nothing but upload directories). Never listed, and nothing to report.
 * - `foreign`: anything else a user could have meant as an object (a file, directory or link under
 *   a reserved name: another case, a directory or link named as a temp file or lock, a file named
 *   as a lock that is not one (other text, or empty and older), a file named as the staging directory, a staging directory holding other entries). Not listed either (no
 *   key may name it), but reported (unlisted.ts), so a copy or check of the tree does not pass it
 *   over in silence.
 * - `ignored`: sockets, fifos, devices (not objects under any name).
 * A user's regular file named exactly as a temp file is indistinguishable from one and counts as `own`.
 * @throws nothing: a staging directory or a lock-named file that cannot be read counts as `foreign`.
 */
export async function classifyReserved(paths: FsPaths, dirPath: string, name: string, d: EntryKind): Promise<ReservedEntry> {
  const dir = d.isDirectory();
  if (!dir && !d.isFile() && !d.isSymbolicLink()) return "ignored";
  if (isOwnTempName(name)) return dir ? "foreign" : "own";
  if (isOwnLockName(name)) return d.isFile() && (await isLock(paths, dirPath, name)) ? "own" : "foreign";
  if (name !== STAGING_NAME || !dir) return "foreign";
  return (await holdsOnlyUploads(paths, posix.join(dirPath, name))) ? "own" : "foreign";
}

/** True when the regular file `name` of the directory `dirPath` is an append lock (or gone by now: nothing to report). */
async function isLock(paths: FsPaths, dirPath: string, name: string): Promise<boolean> {
  const dir = await paths.pinExisting(dirPath).catch(() => null);
  if (dir === null) return false;
  if (dir === undefined) return true;
  try {
    return (await lockEntry(dir, name)) !== "other";
  } finally {
    await dir.close().catch(() => undefined);
  }
}

/** True when the directory `path` holds upload directories only (or nothing). */
async function holdsOnlyUploads(paths: FsPaths, path: string): Promise<boolean> {
  try {
    const dir = await paths.pinExisting(path);
    if (dir === undefined) return true; // gone meanwhile: nothing left to leave out
    try {
      const inside = await whenDescriptorsFree(() => readdir(dir.self, { withFileTypes: true }));
      return inside.every((e) => e.isDirectory() && UPLOAD_ID.test(e.name));
    } finally {
      await dir.close();
    }
  } catch {
    return false;
  }
}
