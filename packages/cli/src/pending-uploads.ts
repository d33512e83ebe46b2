import { readdir } from "node:fs/promises";
import { posix } from "node:path";
import type { Storager } from "@stowage/core";
import type { CliContext } from "./context.js";
import type { Location } from "./locations.js";

/** The fs driver's staging directory name (an fs storager keeps its uploads there, in its work_dir). */
const FS_STAGING = ".stowage-multipart";

/** A storager whose uploads lie below a location, and the prefix its paths get to read as below it. */
export interface UploadStore {
  readonly store: Storager;
  /** `""`, or a directory below the location (ends with `/`). */
  readonly prefix: string;
}

/**
 * The storagers whose uploads lie below `loc`, each with the prefix its paths get to read as below
 * `loc`: the location's own, and on a local directory also one per directory below it that stages
 * uploads (fs keeps an upload with the directory it was started in, e.g. by `cp` into `dir/sub/`).
 * @throws what opening a storager throws (`ServiceNotRegistered`, `PairRequired`...)
 */
export async function uploadStores(ctx: CliContext, loc: Location): Promise<UploadStore[]> {
  const top = await ctx.locations.dir(loc);
  const stores: UploadStore[] = [{ store: top.store, prefix: "" }];
  if (!loc.local) return stores;
  let entries: string[];
  try {
    entries = await readdir(top.dir, { recursive: true });
  } catch {
    return stores;
  }
  for (const entry of entries.sort()) {
    if (posix.basename(entry) !== FS_STAGING || entry === FS_STAGING || entry.split("/").slice(0, -1).some((d) => d === FS_STAGING)) continue;
    const dir = posix.dirname(entry) + "/";
    const nested = await ctx.locations.dir(ctx.locations.local(posix.join(top.dir, dir)));
    stores.push({ store: nested.store, prefix: dir });
  }
  return stores;
}

/**
 * How many multipart uploads in progress lie below `loc` (as `stowage uploads` lists them), on a
 * storage that lists them; 0 where it does not.
 * @throws what listing them throws (`PermissionDenied`, `Aborted`...)
 */
export async function countUploads(ctx: CliContext, loc: Location): Promise<number> {
  let count = 0;
  for (const { store } of await uploadStores(ctx, loc)) {
    if (!store.features.listMultipartUploads) continue;
    for await (const _ of store.list("", { mode: "part", signal: ctx.signal })) count++;
  }
  return count;
}
