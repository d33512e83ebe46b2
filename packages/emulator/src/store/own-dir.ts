import type { Dirent } from "node:fs";
import { lstat, readdir } from "node:fs/promises";

/**
 * The entries of `dir`, for a clean-up at start to remove from: none when it is missing, and a
 * reason instead when it is no directory of its own (a symbolic link, even to a directory: what
 * is removed through it would be outside the data dir). An entry's type is its own (a link is
 * a link), and a file removed with `unlink` is never a link's target.
 * @throws what `lstat` or `readdir` throw but ENOENT
 */
export async function ownEntries(dir: string): Promise<Dirent[] | { notOwn: string }> {
  let isDir: boolean;
  try {
    const s = await lstat(dir);
    if (s.isSymbolicLink()) return { notOwn: `${dir} is a symbolic link` };
    isDir = s.isDirectory();
  } catch (e) {
    if ((e as { code?: unknown }).code === "ENOENT") return [];
    throw e;
  }
  if (!isDir) return { notOwn: `${dir} is not a directory` };
  return readdir(dir, { withFileTypes: true });
}
