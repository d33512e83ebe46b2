import type { Readable } from "node:stream";
import type { CliContext } from "./context.js";
import type { Location } from "./locations.js";
import { followLink, statOrUndefined } from "./transfer/jobs.js";

/**
 * A read stream of the object `loc` names (a byte range of it with `range`). A symbolic link is
 * read where it leads, from the account's root: on fs a link may lead out of its own directory,
 * which the location's own storager rightly refuses to follow.
 * @throws StorageError from the stat and the link's chain (`ObjectNotExist`...); the stream errors as a read does
 */
export async function objectReadStream(ctx: CliContext, loc: Location, range: { offset?: number; size?: number } = {}): Promise<Readable> {
  const { endpoint, key } = await ctx.locations.object(loc);
  let store = endpoint.store;
  let path = key;
  const info = await statOrUndefined(store, key, { signal: ctx.signal }).catch(() => undefined);
  if (info?.mode === "link") {
    const end = await followLink(ctx, loc, { ...info, path: endpoint.dir + key });
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
