import { ErrorCode, storageError, type ObjectInfo } from "@stowage/core";
import type { Endpoint } from "../locations.js";
import { shellWord } from "../shell-word.js";
import { shownPath } from "../shown-path.js";
import { pathDirectories } from "./counterpart-listing.js";
import { below } from "./link-parents.js";
import { entriesOnTheWay } from "./on-the-way.js";
import type { Plan } from "./planner.js";

/**
 * Marks each planned copy that a storage with real directories (fs, memory) cannot write because
 * the destination holds the other kind of entry there: a file of the source (`a`) where the
 * destination has a directory (`a/` in `dirs`, empty or not), or a file below a directory of the
 * source (`a/x`) where the destination's listing (`listed`, the planner's) has a file (`a`). The write would
 * fail (`ObjectModeInvalid`) on every run, and hold `--delete` back each time: the refusal says
 * what to do (copy the file to another name, or move the destination's file away; or remove the
 * destination's entry if nothing in it is needed, naming it as a command; with a whole listing
 * (`listedWhole`), what a directory holds is counted), and nothing is written for it. Its bytes leave `plan.bytes`. On an object store (virtual directories) a key `a` and a key
 * `a/x` are independent: nothing to refuse.
 * @throws nothing (the refusal, `ObjectModeInvalid`, is set on the item for the transfer to report)
 */
export function refuseKindSwaps(plan: Plan, listed: ReadonlyMap<string, ObjectInfo>, dst: Endpoint, dirs: ReadonlySet<string>, listedWhole: boolean): void {
  if (dst.store.features.virtualDir) return;
  // First: a file whose name the source's own objects take as a directory is refused for that, on
  // every run (a re-run finds the directory copied at the destination: removing it would not help).
  refuseSourceClashes(plan, dst);
  // The first entry on the way that is a file (links are link-parents.ts's).
  const fileOnTheWay = entriesOnTheWay(listed, (entry) => entry.mode !== "link" && entry.mode !== "dir");
  let held: Map<string, number> | undefined;
  for (const item of plan.copies) {
    if (item.refused !== undefined) continue;
    let message: string | undefined;
    if (dirs.has(item.dstPath + "/")) {
      const there = below(dst.loc.display, item.dstPath + "/");
      // What the directory holds may be the only copy there is (objects an earlier `mv -r` moved
      // there): the advice to remove it says so, and offers the way that loses nothing first.
      held ??= listedWhole ? entriesBelow(listed.keys()) : undefined;
      const count = held === undefined ? undefined : (held.get(item.dstPath + "/") ?? 0);
      const remove = `remove it (stowage rm -r ${shownPath(shellWord(there))}) and run again`;
      const advice =
        count === 0
          ? dst.loc.type === "fs"
            ? `the directory holds no object (a fifo, socket or device in it is not listed, and rm -r leaves it: remove those with your shell's rm): ${remove}`
            : `the directory is empty: ${remove}`
          : `${count === undefined ? "" : `the directory holds ${count} ${count === 1 ? "entry" : "entries"}: `}` +
            `copy the file to another name (stowage cp), or, if nothing in the directory is needed, ${remove}`;
      message =
        `${shownPath(there)} is a directory at the destination, where the source has a file: not replaced ` +
        `(a copy never replaces a directory with a file, not even sync --delete); ${advice}`;
    } else {
      const file = fileOnTheWay(item.dstPath)?.path;
      if (file === undefined) continue;
      const there = below(dst.loc.display, file);
      message =
        `${shownPath(there)} is a file at the destination, where the source has a directory: not replaced ` +
        `(a copy never replaces a file with a directory, not even sync --delete); move it to another name (stowage mv), ` +
        `or, if it is not needed, remove it (stowage rm ${shownPath(shellWord(there))}), and run again`;
    }
    item.refused = storageError(ErrorCode.ObjectModeInvalid, message, { op: "write", service: dst.store.info.service, path: item.dstPath });
    plan.bytes -= item.size;
  }
}

/** How many listed entries lie below each directory (`a/`: `a/x` and `a/b/y` count), from a whole listing. @throws nothing */
function entriesBelow(paths: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const path of paths) {
    for (let end = path.lastIndexOf("/", path.length - 2); end >= 0; end = end === 0 ? -1 : path.lastIndexOf("/", end - 1)) {
      const dir = path.slice(0, end + 1);
      counts.set(dir, (counts.get(dir) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Marks each planned copy of a file `a` of the source that also holds objects below `a/` (an object
 * store's keys `a` and `a/x` are independent), when the destination has real directories (fs,
 * memory): it cannot hold both, so the directory's objects are copied and the file is refused,
 * the same on every run (which write came first would otherwise decide, and `--dry-run` could not
 * tell). Its bytes leave `plan.bytes`.
 * @throws nothing
 */
function refuseSourceClashes(plan: Plan, dst: Endpoint): void {
  // Every source path counts, refused or not: the clash is the source's own (a compare of `a/x`
  // that failed, or its refusal through a link, does not make `a` copyable).
  const dirs = pathDirectories([...plan.copies, ...plan.skipped].map((i) => i.dstPath));
  for (const item of plan.copies) {
    if (item.refused !== undefined || !dirs.has(item.dstPath + "/")) continue;
    const message =
      `the source holds both ${shownPath(item.rel)} and objects below ${shownPath(item.rel + "/")} (independent keys on an object store), ` +
      `which a destination with real directories cannot hold together: the objects below are copied, this one is not; copy it to another name (stowage cp)`;
    item.refused = storageError(ErrorCode.ObjectModeInvalid, message, { op: "write", service: dst.store.info.service, path: item.dstPath });
    plan.bytes -= item.size;
  }
}
