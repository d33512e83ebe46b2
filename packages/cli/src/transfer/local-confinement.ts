import { realpath } from "node:fs/promises";
import { posix } from "node:path";
import type { Endpoint, SharedStore } from "../locations.js";
import type { PlanItem } from "./planner.js";

// Two local (fs) directories share one storager opened at their common parent (locations.ts
// `shared`), whose confinement keeps paths inside that parent only: a directory symlink inside the
// destination (or the source) would be followed anywhere below it, the source included. Before an
// object is copied or moved through it, each side's path is checked here to stay inside its own
// directory, as the side's own storager (used by a streamed copy) would keep it; else it streams.

/** True when `path` is `root` or below it (both absolute, without a trailing `/`, but `/` itself). */
function inside(path: string, root: string): boolean {
  return root === "/" || path === root || path.startsWith(root + "/");
}

/** Path components looked through at most (a path has far fewer: PATH_MAX is 4096 bytes). */
const MAX_DEPTH = 4096;

/**
 * The real path of the deepest existing ancestor of `path` (absolute), joined with the rest of it;
 * undefined when it cannot be resolved (no permission, a loop...), which then counts as unsafe.
 * @throws nothing
 */
async function realish(path: string): Promise<string | undefined> {
  const rest: string[] = [];
  let current = path;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    try {
      const real = (await realpath(current)).split("\\").join("/");
      return rest.length === 0 ? real : posix.join(real, ...[...rest].reverse());
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const parent = posix.dirname(current);
      if ((code !== "ENOENT" && code !== "ENOTDIR") || parent === current) return undefined;
      rest.push(posix.basename(current));
      current = parent;
    }
  }
  return undefined;
}

/** The real paths of both directories, when both lie inside their common parent's; else undefined. */
type Bases = { src: string; dst: string } | undefined;

/** {@link Bases} per shared storager (one per transfer), looked up once. */
const bases = new WeakMap<SharedStore, Promise<Bases>>();

/** The {@link Bases} of a transfer between `src` and `dst` through `shared`. */
function basesOf(src: Endpoint, dst: Endpoint, shared: SharedStore): Promise<Bases> {
  let found = bases.get(shared);
  if (found === undefined) {
    const root = src.dir.slice(0, src.dir.length - shared.aPrefix.length);
    found = Promise.all([realish(src.dir), realish(dst.dir), realish(root)]).then(([s, d, r]) =>
      s !== undefined && d !== undefined && r !== undefined && inside(s, r) && inside(d, r) ? { src: s, dst: d } : undefined,
    );
    bases.set(shared, found);
  }
  return found;
}

/**
 * True when both endpoints are local (fs) directories.
 * @throws nothing
 */
export function bothLocal(src: Endpoint, dst: Endpoint): boolean {
  return src.loc.type === "fs" && dst.loc.type === "fs";
}

/**
 * Whether `item` may be copied (or moved) through `shared` when both sides are local (fs)
 * directories: the real path of the source file's directory lies inside the real path of the
 * source directory, the real path of the destination's directory (of its nearest existing ancestor,
 * while it does not exist) inside that of the destination directory, and both directories' real
 * paths inside that of the shared storager's work_dir (their common parent; else it would refuse
 * the paths, `path escapes work_dir`; looked up once per transfer). True for any other storage
 * (nothing to check). A symlink swapped in after this look is still kept inside the common parent
 * by the fs driver, not inside either directory.
 * @throws nothing (what cannot be resolved is false: the object streams)
 */
export async function confinedLocally(src: Endpoint, dst: Endpoint, shared: SharedStore, item: PlanItem): Promise<boolean> {
  if (!bothLocal(src, dst)) return true;
  const base = await basesOf(src, dst, shared);
  if (base === undefined) return false;
  // Looked up for each object: a directory on the way may have been swapped for a link since the listing.
  const [from, to] = await Promise.all([realish(posix.dirname(src.dir + item.srcPath)), realish(posix.dirname(dst.dir + item.dstPath))]);
  return from !== undefined && to !== undefined && inside(from, base.src) && inside(to, base.dst);
}
