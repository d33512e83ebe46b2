import { ErrorCode, isStorageError, storageError, type ObjectInfo, type Storager } from "@stowage/core";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { overlaps, sameAccount, type Endpoint, type Location } from "../locations.js";
import { runTransfer, type TransferReport } from "./engine.js";
import { makeFilter } from "./filter.js";
import { planOne, planTree, type CompareMode } from "./planner.js";
import type { TransferSettings } from "./settings.js";

/** Stat that answers undefined for a missing object. */
export async function statOrUndefined(store: Storager, path: string, options: { mode?: "dir"; signal?: AbortSignal } = {}): Promise<ObjectInfo | undefined> {
  try {
    return await store.stat(path, options);
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist)) return undefined;
    throw e;
  }
}

/** True when the location names an existing directory (a root always exists). */
export async function isDir(ctx: CliContext, loc: Location): Promise<boolean> {
  if (loc.path.replace(/\/+$/, "") === "") return true;
  const { endpoint, key } = await ctx.locations.object(loc);
  return (await statOrUndefined(endpoint.store, key, { mode: "dir", signal: ctx.signal })) !== undefined;
}

/** Links followed in a row to find what a single-object transfer copies. */
const MAX_LINK_HOPS = 8;

/**
 * The source object of a single-object transfer. A symbolic link is followed: what is copied
 * is its target's content, read through the link (mv refuses links: deleting the source
 * afterwards would lose the link, not move it).
 * @throws ObjectNotExist (the source or a link's target), UsageError (a directory without -r, mv of a link)
 */
async function sourceObject(ctx: CliContext, loc: Location, command: string, move: boolean): Promise<{ src: Endpoint; key: string; info: ObjectInfo }> {
  const { endpoint, key } = await ctx.locations.object(loc);
  let info = loc.path.endsWith("/") ? undefined : await statOrUndefined(endpoint.store, key, { signal: ctx.signal });
  if (info === undefined || info.mode === "dir") {
    if (await isDir(ctx, loc)) throw new UsageError(`${loc.display} is a directory: use ${command === "cp" || command === "mv" ? command : "cp"} -r`);
    throw storageError(ErrorCode.ObjectNotExist, `${loc.display} does not exist`, { op: command, service: endpoint.store.info.service, path: key });
  }
  if (info.mode === "link") {
    if (move) throw new UsageError(`${loc.display} is a symbolic link: ${command} moves objects; copy its target with cp, or make a new link with ln`);
    info = { ...(await linkTargetInfo(ctx, loc, info)), path: info.path };
  }
  return { src: endpoint, key, info };
}

/** Metadata of what `link` finally points to (the transfer reads it through the link). @throws ObjectNotExist, InvalidArgument (a loop) */
async function linkTargetInfo(ctx: CliContext, loc: Location, link: ObjectInfo): Promise<ObjectInfo> {
  const root = await ctx.locations.open(loc, "/");
  let info = link;
  for (let hops = 0; info.mode === "link"; hops++) {
    if (hops === MAX_LINK_HOPS || info.linkTarget === undefined) {
      throw storageError(ErrorCode.InvalidArgument, `${loc.display}: cannot follow the symbolic link (${hops === MAX_LINK_HOPS ? "too many links in a row" : "no target reported"})`);
    }
    const found = await statOrUndefined(root, info.linkTarget, { signal: ctx.signal });
    if (found === undefined) throw storageError(ErrorCode.ObjectNotExist, `${loc.display} is a link to ${info.linkTarget}, which does not exist`, { op: "stat" });
    info = found;
  }
  if (info.mode === "dir") throw new UsageError(`${loc.display} is a link to a directory: use cp -r on ${link.linkTarget}`);
  return info;
}

/**
 * Copies (or moves) one object. A destination ending in `/`, or naming an
 * existing directory, receives the object under its own name.
 * @throws ObjectNotExist (source), InvalidArgument (same object), UsageError, Aborted
 */
export async function transferObject(
  ctx: CliContext,
  command: string,
  srcLoc: Location,
  dstLoc: Location,
  settings: TransferSettings,
  move: boolean,
  writeOptions: { contentType?: string; metadata?: Record<string, string> } = {},
): Promise<TransferReport> {
  const { src, key, info } = await sourceObject(ctx, srcLoc, command, move);
  let dst: Endpoint;
  let dstKey: string;
  if (dstLoc.path.endsWith("/")) {
    dst = await ctx.locations.dir(dstLoc);
    dstKey = key;
  } else if (await isDir(ctx, dstLoc)) {
    dst = await ctx.locations.dir(dstLoc);
    dstKey = key;
  } else {
    const target = await ctx.locations.object(dstLoc);
    dst = target.endpoint;
    dstKey = target.key;
  }
  if (sameAccount(src.loc, dst.loc) && src.dir + key === dst.dir + dstKey) {
    throw storageError(ErrorCode.InvalidArgument, `source and destination are the same object (${srcLoc.display})`, { op: command });
  }
  const dstInfo = await statOrUndefined(dst.store, dstKey, { signal: ctx.signal });
  return runTransfer(ctx, {
    command,
    src,
    dst,
    settings,
    move,
    writeOptions,
    identity: `${command}\0${src.loc.key}\0${src.dir}${key}\0${dst.loc.key}\0${dst.dir}${dstKey}`,
    plan: async (checkpoint) =>
      planOne(info, key, dstInfo, dstKey, {
        kind: "copy",
        filter: makeFilter([], []),
        compare: "default",
        deleteExtras: false,
        ...(checkpoint ? { checkpoint } : {}),
      }),
  });
}

/** Options of {@link transferTree}. */
export interface TreeOptions {
  kind: "copy" | "sync";
  move: boolean;
  compare: CompareMode;
  deleteExtras: boolean;
}

/**
 * Copies, moves or syncs every (filtered) object below `srcLoc` to the same
 * relative path below `dstLoc`.
 * @throws ObjectNotExist (no such source directory), UsageError (overlapping directories), Aborted
 */
export async function transferTree(
  ctx: CliContext,
  command: string,
  srcLoc: Location,
  dstLoc: Location,
  settings: TransferSettings,
  options: TreeOptions,
): Promise<TransferReport> {
  const src = await ctx.locations.dir(srcLoc);
  const dst = await ctx.locations.dir(dstLoc);
  if (overlaps(src, dst)) throw new UsageError(`${srcLoc.display} and ${dstLoc.display} overlap: one is inside the other`);
  const filter = makeFilter(settings.include, settings.exclude);
  return runTransfer(ctx, {
    command,
    src,
    dst,
    settings,
    move: options.move,
    identity: `${command}\0${src.loc.key}\0${src.dir}\0${dst.loc.key}\0${dst.dir}`,
    plan: async (checkpoint) => {
      const plan = await planTree(src, dst, { ...options, filter, signal: ctx.signal, ...(checkpoint ? { checkpoint } : {}) });
      if (plan.copies.length + plan.skipped.length === 0 && !(await isDir(ctx, srcLoc))) {
        throw storageError(ErrorCode.ObjectNotExist, `${srcLoc.display} does not exist`, { op: command, service: src.store.info.service });
      }
      return plan;
    },
  });
}

/**
 * Removes the now-empty directories above `paths` (deepest first), and `dir`
 * itself when given; best effort — non-empty directories stay. Only for
 * services with real directories (marker objects are listed and deleted like files).
 */
export async function pruneDirs(store: Storager, paths: readonly string[], signal: AbortSignal): Promise<void> {
  if (store.features.virtualDir || !store.features.createDir) return;
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/").slice(0, -1);
    for (let i = parts.length; i > 0; i--) dirs.add(parts.slice(0, i).join("/") + "/");
  }
  const ordered = [...dirs].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1));
  for (const dir of ordered) await store.delete(dir, { mode: "dir", signal }).catch(() => undefined);
}
