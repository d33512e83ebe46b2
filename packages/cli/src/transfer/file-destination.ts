import { ErrorCode, storageError } from "@stowage/core";
import type { CliContext } from "../context.js";
import type { Location } from "../locations.js";
import { shownPath } from "../shown-path.js";
import { isDir, isRoot, statOrUndefined } from "./jobs.js";

/**
 * Refuses `cp -r`/`mv -r` of a directory onto an existing file, once and before anything is listed
 * or copied, as cp(1) refuses to overwrite a non-directory with a directory: every object would
 * otherwise fail on its own (a file in the way), one line each. Only where directories are real
 * (fs, memory): on an object store a key `x` and keys `x/…` are independent, so `x/…` can be
 * written beside the object `x`. A destination that is a symbolic link, a directory or nothing, and
 * a source that is no directory (which the tree copy reports itself), are left to the copy.
 * @throws StorageError `ObjectModeInvalid` (nothing copied, moved or deleted), or what the stats throw
 *   (`PermissionDenied`, `Aborted`...)
 */
export async function refuseFileDestination(ctx: CliContext, command: string, srcLoc: Location, dstLoc: Location): Promise<void> {
  if (isRoot(dstLoc)) return;
  const { endpoint, key } = await ctx.locations.object(dstLoc);
  if (endpoint.store.features.virtualDir) return;
  const info = await statOrUndefined(endpoint.store, key, { signal: ctx.signal });
  if (info === undefined || (info.mode !== "file" && info.mode !== "append")) return;
  if (!(await isDir(ctx, srcLoc))) return;
  throw storageError(
    ErrorCode.ObjectModeInvalid,
    `${command} -r: the destination ${shownPath(dstLoc.display)} is a file, not a directory: a directory is not ${command === "mv" ? "moved" : "copied"} over a file ` +
      `(cp(1): cannot overwrite non-directory with directory); name a directory, or remove the file first; nothing was ${command === "mv" ? "moved" : "copied"}`,
    { op: command, service: endpoint.store.info.service, path: key },
  );
}
