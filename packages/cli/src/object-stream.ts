import type { Readable } from "node:stream";
import type { CliContext } from "./context.js";
import type { Location } from "./locations.js";
import { UsageError } from "./errors.js";
import { namesDirectory, notADirectory } from "./slashed-operand.js";
import { followLink, isDir, statOrUndefined } from "./transfer/jobs.js";
import { shownPath } from "./shown-path.js";

/**
 * A read stream of the object `loc` names (a byte range of it with `range`). A symbolic link is
 * read where it leads, from the account's root: on fs a link may lead out of its own directory,
 * which the location's own storager rightly refuses to follow. A directory (a real one, a marker,
 * or a prefix with objects below it; or a link to one) is refused alike on every service.
 * A location ending in `/` names a directory (README), never the object of that name without the slash.
 * @throws UsageError (a directory), InvalidArgument (a root directory), ObjectModeInvalid (`x/` where
 *   `x` is an object), ObjectNotExist, StorageError from the stat
 *   and the link's chain (`ObjectNotExist`...); the stream errors as a read does
 */
export async function objectReadStream(ctx: CliContext, loc: Location, range: { offset?: number; size?: number } = {}): Promise<Readable> {
  const { endpoint, key } = await ctx.locations.object(loc);
  if (namesDirectory(loc)) {
    // `x/` names a directory: never read the object `x`.
    if (await isDir(ctx, loc).catch(() => false)) throw new UsageError(`${shownPath(loc.display)} is a directory, not an object: list it with ls`);
    throw await notADirectory(ctx, loc, endpoint, key, "read");
  }
  let store = endpoint.store;
  let path = key;
  const info = await statOrUndefined(store, key, { signal: ctx.signal }).catch(() => undefined);
  // fs and memory would refuse the read (ObjectModeInvalid), object stores answer "no such key" (ObjectNotExist).
  if ((info === undefined || info.mode === "dir") && (await isDir(ctx, loc).catch(() => false))) {
    throw new UsageError(`${shownPath(loc.display)} is a directory, not an object: list it with ls`);
  }
  if (info?.mode === "link") {
    const end = await followLink(ctx, loc, { ...info, path: endpoint.dir + key });
    if (end.mode === "dir") throw new UsageError(`${shownPath(loc.display)} is a symbolic link to a directory, not an object: list it with ls`);
    if (end.mode === "file" || end.mode === "append") {
      store = await ctx.locations.open(loc, "/");
      path = end.path;
    }
  }
  return store.createReadStream(path, {
    signal: ctx.signal,
    ...(range.offset !== undefined ? { offset: range.offset } : {}),
    ...(range.size !== undefined ? { size: range.size } : {}),
  });
}
