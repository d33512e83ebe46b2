import { realpath } from "node:fs/promises";
import type { Endpoint } from "./locations.js";

/**
 * The spellings of endpoint `e`'s directory that the link targets its storage reports may start
 * with, each ending in `/`: its work_dir, and for a local directory its real path too (fs reports a
 * link's target resolved, while the operand may go through a symbolic link).
 * @throws nothing (a real path that cannot be had leaves the work_dir alone)
 */
export async function treeRoots(e: Endpoint): Promise<string[]> {
  const root = e.store.info.workDir;
  if (e.loc.type !== "fs") return [root];
  const real = await realpath(root).then(
    (r) => (r.endsWith("/") ? r : r + "/"),
    () => root,
  );
  return real === root ? [root] : [root, real];
}

/**
 * A link's target as two trees compare it: a target inside the directory (`roots`, from
 * {@link treeRoots}) by its path there (`t` for `/srv/a/t` below `/srv/a/`; `.` for the directory
 * itself), so that a copy of a tree whose links lead into itself matches; one outside it by its
 * absolute path.
 * @throws nothing
 */
export function treeTarget(roots: readonly string[], target: string): string {
  for (const root of roots) {
    if (target === root.slice(0, -1)) return ".";
    if (target.startsWith(root)) return target.slice(root.length);
  }
  return target;
}
