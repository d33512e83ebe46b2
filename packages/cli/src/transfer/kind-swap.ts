import { ErrorCode, storageError, type ObjectInfo } from "@stowage/core";
import type { Endpoint } from "../locations.js";
import { shellWord } from "../shell-word.js";
import { shownPath } from "../shown-path.js";
import { pathDirectories } from "./counterpart-listing.js";
import { below } from "./link-parents.js";
import type { Plan } from "./planner.js";

/** The directories that hold the listed paths (`a/b/c` gives `a/` and `a/b/`); a path from the root (`/a`) holds none. */
function directoriesOf(listed: ReadonlyMap<string, ObjectInfo>): Set<string> {
  return pathDirectories([...listed.keys()].filter((path) => !path.startsWith("/")));
}

/**
 * For each path asked, the first path on the way to it (`a`, then `a/b` for `a/b/c`) that `listed`
 * holds as a file (links are link-parents.ts's): each directory's answer is worked out once and
 * kept (its own entry, else its parent's answer), so a path costs its length, not its depth times
 * its length.
 */
function filesOnTheWay(listed: ReadonlyMap<string, ObjectInfo>): (path: string) => string | undefined {
  /** Directory (`a/b`, no trailing `/`) → the first file on the way to it, itself included; null: none. */
  const known = new Map<string, string | null>();
  const fileAt = (dir: string): string | null => {
    const entry = listed.get(dir);
    return entry !== undefined && entry.mode !== "link" && entry.mode !== "dir" ? entry.path : null;
  };
  return (path) => {
    // The directories on the way whose answer is not known yet, deepest first.
    const unknown: string[] = [];
    let above: string | null = null;
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
      above ??= fileAt(dir);
      known.set(dir, above);
    }
    return above ?? undefined;
  };
}

/**
 * Marks each planned copy that a storage with real directories (fs, memory) cannot write because
 * the destination's listing (`listed`, the planner's) holds the other kind of entry there: a file
 * of the source (`a`) where the destination has a directory (`a/` with files in it), or a file
 * below a directory of the source (`a/x`) where the destination has a file (`a`). The write would
 * fail (`ObjectModeInvalid`) on every run, and hold `--delete` back each time: the refusal says
 * what to do (remove the destination's entry, naming it as a command), and nothing is written for
 * it. Its bytes leave `plan.bytes`. On an object store (virtual directories) a key `a` and a key
 * `a/x` are independent: nothing to refuse. `held` names the destination's directories (`a/`)
 * that hold a file or a link at some depth, for a `listed` that does not reach below every
 * directory (counterpart-listing.ts); by default the directories of `listed`'s paths.
 * @throws nothing (the refusal, `ObjectModeInvalid`, is set on the item for the transfer to report)
 */
export function refuseKindSwaps(plan: Plan, listed: ReadonlyMap<string, ObjectInfo>, dst: Endpoint, held?: ReadonlySet<string>): void {
  if (dst.store.features.virtualDir) return;
  const dirs = held ?? directoriesOf(listed);
  const fileOnTheWay = filesOnTheWay(listed);
  for (const item of plan.copies) {
    if (item.refused !== undefined) continue;
    let message: string | undefined;
    if (dirs.has(item.dstPath + "/")) {
      const there = below(dst.loc.display, item.dstPath + "/");
      message =
        `${shownPath(there)} is a directory at the destination, where the source has a file: not replaced ` +
        `(a copy never replaces a directory with a file, not even sync --delete); remove it (stowage rm -r ${shownPath(shellWord(there))}) and run again`;
    } else {
      const file = fileOnTheWay(item.dstPath);
      if (file === undefined) continue;
      const there = below(dst.loc.display, file);
      message =
        `${shownPath(there)} is a file at the destination, where the source has a directory: not replaced ` +
        `(a copy never replaces a file with a directory, not even sync --delete); remove it (stowage rm ${shownPath(shellWord(there))}) and run again`;
    }
    item.refused = storageError(ErrorCode.ObjectModeInvalid, message, { op: "write", service: dst.store.info.service, path: item.dstPath });
    plan.bytes -= item.size;
  }
}
