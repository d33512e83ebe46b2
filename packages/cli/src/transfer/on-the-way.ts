import type { ObjectInfo } from "@stowage/core";

/**
 * A finder of the first entry on the way to a path (`a`, then `a/b` for `a/b/c`: the path's
 * directories, named without their `/`, from the top) that `listed` holds and `wanted` takes.
 * Each directory's answer is worked out once and kept (its own entry, else its parent's answer),
 * so a path costs its length, not its depth times its length: a tree 60 levels deep is checked as
 * fast as a flat one.
 * @throws nothing
 */
export function entriesOnTheWay(listed: ReadonlyMap<string, ObjectInfo>, wanted: (entry: ObjectInfo) => boolean): (path: string) => ObjectInfo | undefined {
  /** Directory (`a/b`, no trailing `/`) → the first wanted entry on the way to it, itself included; null: none. */
  const known = new Map<string, ObjectInfo | null>();
  const at = (dir: string): ObjectInfo | null => {
    const entry = listed.get(dir);
    return entry !== undefined && wanted(entry) ? entry : null;
  };
  return (path) => {
    // The directories on the way whose answer is not known yet, deepest first.
    const unknown: string[] = [];
    let above: ObjectInfo | null = null;
    for (let end = path.lastIndexOf("/"); end > 0; end = path.lastIndexOf("/", end - 1)) {
      const dir = path.slice(0, end);
      const answer = known.get(dir);
      if (answer !== undefined) {
        above = answer;
        break;
      }
      unknown.push(dir);
    }
    for (let i = unknown.length - 1; i >= 0; i--) {
      const dir = unknown[i]!;
      above ??= at(dir);
      known.set(dir, above);
    }
    return above ?? undefined;
  };
}
