import { ErrorCode, storageError, type ObjectInfo } from "@stowage/core";
import type { Endpoint } from "../locations.js";
import { shownPath } from "../shown-path.js";
import { entriesOnTheWay } from "./on-the-way.js";
import type { Plan } from "./planner.js";

/**
 * The first directory on the way to `path` (relative, `a/b/c`: `a`, then `a/b`) that the
 * destination's listing `listed` holds as a symbolic link, if any.
 * @throws nothing
 */
export function linkOnTheWay(listed: ReadonlyMap<string, ObjectInfo>, path: string): ObjectInfo | undefined {
  return linksOnTheWay(listed)(path);
}

/** {@link linkOnTheWay} for many paths of one listing, each directory looked at once (on-the-way.ts). */
function linksOnTheWay(listed: ReadonlyMap<string, ObjectInfo>): (path: string) => ObjectInfo | undefined {
  return entriesOnTheWay(listed, (entry) => entry.mode === "link");
}

/** `rel` below the location the user typed, as typed (`dst/` + `inner`). @throws nothing */
export function below(display: string, rel: string): string {
  return /[/:]$/.test(display) ? display + rel : `${display}/${rel}`;
}

/**
 * Marks each planned copy whose destination path passes through a symbolic link the destination's
 * listing (`listed`, the planner's) reports below the destination directory (`dst/inner -> other`
 * while the source holds `inner/x`) as refused: a storage with real directories (fs, memory) would
 * write it through the link, somewhere the command did not name (fs: onto `other/x`, where every
 * later run writes it again), so nothing is written for it; the transfer counts it as failed (and
 * so holds `--delete` back). Its bytes leave `plan.bytes`. No request: only the listing is read.
 * On an object store (virtual directories) a key `inner` and a key `inner/x` are independent: nothing to refuse.
 * @throws nothing (the refusal, `ObjectModeInvalid`, is set on the item for the transfer to report)
 */
export function refuseThroughLinks(plan: Plan, listed: ReadonlyMap<string, ObjectInfo>, dst: Endpoint): void {
  if (dst.store.features.virtualDir) return;
  const linkOnTheWayTo = linksOnTheWay(listed);
  for (const item of plan.copies) {
    // Refused already (its compare failed): its bytes are not planned.
    if (item.refused !== undefined) continue;
    const link = linkOnTheWayTo(item.dstPath);
    if (link === undefined) continue;
    const to = link.linkTarget === undefined ? "" : ` (to ${shownPath(link.linkTarget)})`;
    item.refused = storageError(
      ErrorCode.ObjectModeInvalid,
      `${shownPath(below(dst.loc.display, link.path))} is a symbolic link${to}: not written through ` +
        "(remove it, or copy into what it leads to)",
      { op: "write", service: dst.store.info.service, path: item.dstPath },
    );
    plan.bytes -= item.size;
  }
}
