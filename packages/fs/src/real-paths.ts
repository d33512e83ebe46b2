import { realpath } from "node:fs/promises";
import { posix } from "node:path";
import { fsError, isErrno } from "./errors.js";

// Where paths really lead (symlinks resolved), for confining every access to the work_dir
// (paths.ts, confinement.ts): a path is compared with a root by these, never by how it was spelt.

/** True when `path` is `root` or below it (both absolute, without trailing `/`; `/` holds every path). @throws nothing. */
export function inside(path: string, root: string): boolean {
  return root === "/" || path === root || path.startsWith(root + "/");
}

/**
 * The real path of the deepest existing ancestor of `path`, joined with the rest of `path`.
 * @throws StorageError mapped fs errors (no permission, a loop).
 */
export async function realish(path: string): Promise<string> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return rest.length === 0 ? real : posix.join(real, ...rest.reverse());
    } catch (e) {
      if (!isErrno(e, "ENOENT", "ENOTDIR") || current === "/") throw fsError(e);
      rest.push(posix.basename(current));
      current = posix.dirname(current);
    }
  }
}

/** Real paths of directories one {@link KeptRealPaths} keeps besides its root's. */
const KEPT_REAL_PATHS = 1024;

/**
 * The real paths of a root directory (a work_dir) and of directories inside it, each looked up
 * once it exists (before that its real path may still change) and kept for the life of this
 * object: a directory renamed away and replaced by a link later moves neither the work_dir nor
 * what a copy's or move's `sourceWithin` / `destinationWithin` confines to (confinement.ts).
 * Nothing kept is dropped; past 1,024 directories (the root always kept), a new one is looked up
 * on each call.
 */
export class KeptRealPaths {
  private readonly kept = new Map<string, string>();

  /** @param root the root directory's path (absolute, as FsPaths.root), always kept once it exists */
  constructor(private readonly root: string) {}

  /**
   * The real path of directory `path` (taken as far as it exists, as {@link realish} does), kept once it exists.
   * @throws StorageError mapped fs errors (no permission, a loop), as {@link realish}.
   */
  async of(path: string): Promise<string> {
    const kept = this.kept.get(path);
    if (kept !== undefined) return kept;
    const real = await realish(path);
    if ((path === this.root || this.kept.size < KEPT_REAL_PATHS) && (await exists(path))) this.kept.set(path, real);
    return real;
  }
}

/** True when something is at `path` (symlinks followed). */
async function exists(path: string): Promise<boolean> {
  try {
    await realpath(path);
    return true;
  } catch {
    return false;
  }
}
