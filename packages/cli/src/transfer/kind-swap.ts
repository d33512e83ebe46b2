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
 * what to do (remove the destination's entry, naming it as a command), and nothing is written for
 * it. Its bytes leave `plan.bytes`. On an object store (virtual directories) a key `a` and a key
 * `a/x` are independent: nothing to refuse.
 * @throws nothing (the refusal, `ObjectModeInvalid`, is set on the item for the transfer to report)
 */
export function refuseKindSwaps(plan: Plan, listed: ReadonlyMap<string, ObjectInfo>, dst: Endpoint, dirs: ReadonlySet<string>): void {
  if (dst.store.features.virtualDir) return;
  // First: a file whose name the source's own objects take as a directory is refused for that, on
  // every run (a re-run finds the directory copied at the destination: removing it would not help).
  refuseSourceClashes(plan, dst);
  // The first entry on the way that is a file (links are link-parents.ts's).
  const fileOnTheWay = entriesOnTheWay(listed, (entry) => entry.mode !== "link" && entry.mode !== "dir");
  for (const item of plan.copies) {
    if (item.refused !== undefined) continue;
    let message: string | undefined;
    if (dirs.has(item.dstPath + "/")) {
      const there = below(dst.loc.display, item.dstPath + "/");
      message =
        `${shownPath(there)} is a directory at the destination, where the source has a file: not replaced ` +
        `(a copy never replaces a directory with a file, not even sync --delete); remove it (stowage rm -r ${shownPath(shellWord(there))}) and run again`;
    } else {
      const file = fileOnTheWay(item.dstPath)?.path;
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

/**
 * Marks each planned copy of a file `a` of the source that also holds objects below `a/` (an object
 * store's keys `a` and `a/x` are independent), when the destination has real directories (fs,
 * memory): it cannot hold both, so the directory's objects are copied and the file is refused,
 * the same on every run (which write came first would otherwise decide, and `--dry-run` could not
 * tell). Its bytes leave `plan.bytes`.
 * @throws nothing
 */
function refuseSourceClashes(plan: Plan, dst: Endpoint): void {
  const dirs = pathDirectories([...plan.copies.filter((i) => i.refused === undefined), ...plan.skipped].map((i) => i.dstPath));
  for (const item of plan.copies) {
    if (item.refused !== undefined || !dirs.has(item.dstPath + "/")) continue;
    const message =
      `the source holds both ${shownPath(item.rel)} and objects below ${shownPath(item.rel + "/")} (independent keys on an object store), ` +
      `which a destination with real directories cannot hold together: the objects below are copied, this one is not; copy it to another name (stowage cp)`;
    item.refused = storageError(ErrorCode.ObjectModeInvalid, message, { op: "write", service: dst.store.info.service, path: item.dstPath });
    plan.bytes -= item.size;
  }
}
