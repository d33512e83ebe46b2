import { ErrorCode, isStorageError, storageError, type ObjectInfo, type Storager } from "@stowage/core";
import type { CliContext } from "../context.js";
import { isAbort, UsageError } from "../errors.js";
import { maybeOverlap, maybeSameObject, SAME_NAME_NOTE } from "../identity.js";
import type { Endpoint, Location } from "../locations.js";
import { uncounted } from "../unlisted.js";
import { runTransfer, type TransferReport } from "./engine.js";
import { directoryGlobsText, makeFilter, unmatchedNote, type DirectoryGlob } from "./filter.js";
import { refuseSameObject } from "./attribute-copy.js";
import { checkpointIdentity } from "./checkpoint-identity.js";
import type { GivenFields } from "./given-fields.js";
import { pathDirectories } from "./counterpart-listing.js";
import { planOne, planTree, type CompareMode, type PlanOptions } from "./planner.js";
import type { TransferSettings } from "./settings.js";
import { shownPath } from "../shown-path.js";
import { namesDirectory, notADirectory as slashedNotADirectory } from "../slashed-operand.js";

/** Stat that answers undefined for a missing object. */
export async function statOrUndefined(store: Storager, path: string, options: { mode?: "dir"; signal?: AbortSignal } = {}): Promise<ObjectInfo | undefined> {
  try {
    return await store.stat(path, options);
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist)) return undefined;
    throw e;
  }
}

/** True when the location is the root of its account (a bucket, a store, `/`). */
export function isRoot(loc: Location): boolean {
  return loc.path.replace(/\/+$/, "") === "";
}

/**
 * True when the root of `loc`'s account exists: the bucket (or store) answers
 * a listing. A missing bucket lists as `ObjectNotExist`; other failures throw.
 * The listing is a probe: keys it leaves out do not count as left out by the command
 * (its own listings, which may have covered less, decide that).
 * @throws PermissionDenied and the other errors a listing throws, except ObjectNotExist.
 */
export async function rootExists(ctx: CliContext, loc: Location): Promise<boolean> {
  if (loc.type === "fs") return true;
  const store = await ctx.locations.open(loc, "/");
  try {
    await uncounted(() => store.listPage("", { limit: 1, signal: ctx.signal }));
    return true;
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist)) return false;
    throw e;
  }
}

/**
 * True when the location names an existing directory (a root: when its bucket exists).
 * @throws whatever stat or the root's listing throws, except ObjectNotExist.
 */
export async function isDir(ctx: CliContext, loc: Location): Promise<boolean> {
  if (isRoot(loc)) return rootExists(ctx, loc);
  const { endpoint, key } = await ctx.locations.object(loc);
  try {
    return (await statOrUndefined(endpoint.store, key, { mode: "dir", signal: ctx.signal })) !== undefined;
  } catch (e) {
    // A link leading out of its directory (fs refuses to follow it from there) is no directory here.
    if (isStorageError(e, ErrorCode.InvalidArgument)) return false;
    throw e;
  }
}

/** Links followed in a row to find what a single-object transfer copies. */
const MAX_LINK_HOPS = 8;

/**
 * The source object of a single-object transfer, and `name`, what a destination directory calls
 * its copy. A symbolic link is followed: what is copied is what it finally leads to, read there
 * (from the account's root: on fs, a link may lead out of its own directory). mv refuses links:
 * deleting the source afterwards would lose the link, not move it.
 * @throws ObjectNotExist (the source or a link's target), UsageError (a directory without -r, mv of a link)
 */
async function sourceObject(
  ctx: CliContext,
  loc: Location,
  command: string,
  move: boolean,
): Promise<{ src: Endpoint; key: string; name: string; info: ObjectInfo; viaLink: boolean }> {
  const { endpoint, key } = await ctx.locations.object(loc);
  let info = loc.path.endsWith("/") ? undefined : await statOrUndefined(endpoint.store, key, { signal: ctx.signal });
  if (info === undefined || info.mode === "dir") {
    if (await isDir(ctx, loc)) throw new UsageError(`${shownPath(loc.display)} is a directory: use ${command === "cp" || command === "mv" ? command : "cp"} -r`);
    throw storageError(ErrorCode.ObjectNotExist, `${shownPath(loc.display)} does not exist`, { op: command, service: endpoint.store.info.service, path: key });
  }
  if (info.mode !== "link") return { src: endpoint, key, name: key, info, viaLink: false };
  if (move) throw new UsageError(`${shownPath(loc.display)} is a symbolic link: ${command} moves objects; copy its target with cp, or make a new link with ln`);
  const end = await followLink(ctx, loc, { ...info, path: endpoint.dir + key });
  if (end.mode === "link") throw storageError(ErrorCode.InvalidArgument, `${shownPath(loc.display)}: cannot follow the symbolic link (too many links in a row, or no target reported)`);
  if (end.mode === "dir") throw new UsageError(`${shownPath(loc.display)} is a link to a directory: use cp -r on ${shownPath(end.path)}`);
  const root: Endpoint = { loc, dir: "/", store: await ctx.locations.open(loc, "/") };
  return { src: root, key: end.path.replace(/^\/+/, ""), name: key, info: end, viaLink: true };
}

/**
 * What `link` (in `loc`'s account; `path` absolute) finally points to: its target's metadata (`path`
 * absolute), following up to {@link MAX_LINK_HOPS} links; still a link after that (or one without a target).
 * @throws ObjectNotExist (a target that does not exist), InvalidArgument (fs: a path through a link loop)
 */
export async function followLink(ctx: CliContext, loc: Location, link: ObjectInfo): Promise<ObjectInfo> {
  const root = await ctx.locations.open(loc, "/");
  // A listing may leave the target out (OSS): the link's own stat names it.
  let info = link.linkTarget === undefined ? ((await statOrUndefined(root, link.path, { signal: ctx.signal })) ?? link) : link;
  for (let hops = 0; info.mode === "link" && info.linkTarget !== undefined && hops < MAX_LINK_HOPS; hops++) {
    const target = info.linkTarget;
    info = (await statOrUndefined(root, target, { signal: ctx.signal })) ?? fail(`${link.path} is a link to ${target}, which does not exist`);
  }
  return info;
}

function fail(message: string): never {
  throw storageError(ErrorCode.ObjectNotExist, message, { op: "stat" });
}

/**
 * For `-L`: what a listed link points to when that is a readable object, and where to read it
 * (from the account's root); undefined for a dangling link, a loop or a directory.
 */
function linkFollower(ctx: CliContext, loc: Location, dir: string): NonNullable<PlanOptions["followLink"]> {
  return async (link) => {
    const end = await followLink(ctx, loc, { ...link, path: dir + link.path }).catch((e: unknown) => {
      if (isStorageError(e, ErrorCode.ObjectNotExist) || isStorageError(e, ErrorCode.InvalidArgument)) return undefined;
      throw e;
    });
    if (end === undefined || (end.mode !== "file" && end.mode !== "append")) return undefined;
    return { info: end, readFrom: { store: await ctx.locations.open(loc, "/"), path: end.path } };
  };
}

/**
 * Copies (or moves) one object. A destination ending in `/`, or naming an
 * existing directory, receives the object under its own name.
 * The same object under another spelling (other pairs or profile, an fs symlink) is refused.
 * A copy within one account is server-side (with `writeOptions`: where the storage copies with
 * attributes); cp with `writeOptions` onto the object itself changes its attributes in place.
 * @throws ObjectNotExist (source), InvalidArgument (same object, or maybe), UsageError, Aborted
 */
export async function transferObject(
  ctx: CliContext,
  command: string,
  srcLoc: Location,
  dstLoc: Location,
  settings: TransferSettings,
  move: boolean,
  writeOptions?: GivenFields,
): Promise<TransferReport> {
  const { src, key, name, info, viaLink } = await sourceObject(ctx, srcLoc, command, move);
  let dst: Endpoint;
  let dstKey: string;
  if (dstLoc.path.endsWith("/")) {
    dst = await ctx.locations.dir(dstLoc);
    dstKey = name;
  } else if (await isDir(ctx, dstLoc)) {
    dst = await ctx.locations.dir(dstLoc);
    dstKey = name;
  } else {
    const target = await ctx.locations.object(dstLoc);
    dst = target.endpoint;
    dstKey = target.key;
  }
  // Decided on what both sides resolve to (not their spelling): a copy onto itself, then a delete, would lose it.
  // Only cp with flags onto the very same path goes on: it changes the object's attributes in place.
  if (await maybeSameObject(src.loc, src.dir + key, dst.loc, dst.dir + dstKey, move ? "destructive" : "copy")) {
    await refuseSameObject(ctx, command, { endpoint: src, key, display: srcLoc.display, info, viaLink }, { endpoint: dst, key: dstKey, display: dstLoc.display }, settings, writeOptions, move);
  }
  const dstInfo = await statOrUndefined(dst.store, dstKey, { signal: ctx.signal });
  return runTransfer(ctx, {
    command,
    src,
    dst,
    settings,
    move,
    ...(writeOptions === undefined ? {} : { writeOptions }),
    identity: checkpointIdentity(command, src.loc, src.dir + key, dst.loc, dst.dir + dstKey),
    plan: async (checkpoint) => {
      const plan = planOne(info, key, dstInfo, dstKey, {
        kind: "copy",
        filter: makeFilter([], []),
        compare: "default",
        deleteExtras: false,
        ...(checkpoint ? { checkpoint } : {}),
      });
      for (const item of plan.copies) {
        item.stated = true;
        if (viaLink) item.viaLink = true;
      }
      return plan;
    },
  });
}

/** Options of {@link transferTree}. */
export interface TreeOptions {
  kind: "copy" | "sync";
  move: boolean;
  compare: CompareMode;
  deleteExtras: boolean;
  /** What the flags set on every object written (`--cache-control`, ...); a copy within one account then streams unless the storage copies with attributes. */
  writeOptions?: GivenFields;
}

/**
 * Copies, moves or syncs every (filtered) object below `srcLoc` to the same
 * relative path below `dstLoc`.
 * The source must exist (a missing directory, prefix or bucket is an error, never "empty").
 * A filter glob that names a directory of either tree whose contents no glob of its flag matched is refused with
 * `--delete`, else warned of, before anything is copied or deleted.
 * @throws ObjectNotExist (no such source directory or bucket; no such destination bucket), UsageError (overlapping directories,
 *   judged on what they resolve to; an object as the source), InvalidArgument (such a glob with `--delete`), Aborted
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
  const destructive = options.move || options.deleteExtras;
  if (await maybeOverlap(src, dst, destructive ? "destructive" : "copy")) {
    const note = destructive && src.loc.type !== "fs" ? ` (${SAME_NAME_NOTE})` : "";
    throw new UsageError(`${shownPath(srcLoc.display)} and ${shownPath(dstLoc.display)} overlap: one is (or may be) inside the other${note}`);
  }
  const filter = makeFilter(settings.include, settings.exclude);
  let directoryGlobs: DirectoryGlob[] = [];
  const report = await runTransfer(ctx, {
    command,
    src,
    dst,
    settings,
    move: options.move,
    ...(options.writeOptions === undefined ? {} : { writeOptions: options.writeOptions }),
    identity: checkpointIdentity(command, src.loc, src.dir, dst.loc, dst.dir),
    plan: async (checkpoint, progress) => {
      const followLink = settings.copyLinks ? { followLink: linkFollower(ctx, srcLoc, src.dir) } : {};
      const plan = await planTree(src, dst, { ...options, filter, signal: ctx.signal, progress, compareConcurrency: settings.smallConcurrency, ...followLink, ...(checkpoint ? { checkpoint } : {}) });
      if (plan.copies.length + plan.skipped.length === 0 && !(await isDir(ctx, srcLoc))) await notADirectory(ctx, command, srcLoc);
      // Nothing listed at the destination (a missing bucket lists as empty): one probe, not one failed write per object.
      const dstListed = plan.deletes.length > 0 || plan.copies.some((i) => i.dst !== undefined) || plan.skipped.some((i) => i.dst !== undefined);
      if (plan.copies.length > 0 && !dstListed && !(await rootExists(ctx, dstLoc))) {
        throw storageError(ErrorCode.ObjectNotExist, `${shownPath(dstLoc.display)} does not exist (no such bucket or store)`, { op: command, service: dstLoc.type });
      }
      directoryGlobs = filter.directoryOnly();
      refuseDirectoryGlobs(ctx, command, directoryGlobs, options.deleteExtras);
      return plan;
    },
  });
  const note = unmatchedNote(filter, directoryGlobs);
  if (note !== undefined) ctx.info(note);
  return report;
}

/**
 * Before anything is copied or deleted: a glob that names a directory of either tree whose contents
 * no glob of its flag matched (`--exclude cache` while `cache/` exists, where `cache/**` was meant) is refused
 * with `--delete` (the directory's contents, not excluded, would be deleted at the destination),
 * else warned of.
 * @throws StorageError `InvalidArgument` (with `--delete`; nothing copied or deleted)
 */
function refuseDirectoryGlobs(ctx: CliContext, command: string, globs: readonly DirectoryGlob[], deleting: boolean): void {
  const text = directoryGlobsText(globs);
  if (text === undefined) return;
  if (deleting) throw storageError(ErrorCode.InvalidArgument, `${text}; refused with --delete, which would act on what the glob does not cover: nothing was copied or deleted`, { op: command });
  ctx.warn(`${command}: warning: ${text}`);
}

/**
 * Throws why `loc` (which lists nothing and is no directory) cannot be a tree's source
 * (or, for verify, either side). Spelled with a trailing `/` (a directory, by the README's rule),
 * over an object of that name without it: `ObjectModeInvalid` naming the object, as `ls -r x/`
 * says it (slashed-operand.ts).
 * @throws UsageError (it is an object), ObjectModeInvalid (`x/` where `x` is an object or link),
 *   ObjectNotExist (nothing there, or no such bucket)
 */
export async function notADirectory(ctx: CliContext, command: string, loc: Location): Promise<never> {
  if (namesDirectory(loc)) {
    const { endpoint, key } = await ctx.locations.object(loc);
    throw await slashedNotADirectory(ctx, loc, endpoint, key, command);
  }
  if (!isRoot(loc)) {
    const { endpoint, key } = await ctx.locations.object(loc);
    const info = await statOrUndefined(endpoint.store, key, { signal: ctx.signal }).catch(() => undefined);
    if (info !== undefined && info.mode !== "dir") {
      const hint = command === "cp" || command === "mv" ? `${command} it without -r` : command === "verify" ? "verify compares directories" : "use cp for one object";
      throw new UsageError(`${shownPath(loc.display)} is ${info.mode === "link" ? "a symbolic link" : "an object"}, not a directory: ${hint}`);
    }
  }
  const what = isRoot(loc) && loc.type !== "fs" ? `${shownPath(loc.display)} does not exist (no such bucket or store)` : `${shownPath(loc.display)} does not exist`;
  throw storageError(ErrorCode.ObjectNotExist, what, { op: command, service: loc.type });
}

/**
 * Removes the now-empty directories above `paths` (deepest first), and `dir`
 * itself when given; best effort — non-empty directories stay. Only for
 * services with real directories (marker objects are listed and deleted like files).
 * @throws StorageError `Aborted` (an abort stops it: the command was interrupted, not done)
 */
export async function pruneDirs(store: Storager, paths: readonly string[], signal: AbortSignal): Promise<void> {
  if (store.features.virtualDir || !store.features.createDir) return;
  // Deepest first (more `/`), then in reverse order of the paths.
  const depth = new Map<string, number>();
  for (const dir of pathDirectories(paths)) depth.set(dir, dir.split("/").length);
  const ordered = [...depth.keys()].sort((a, b) => depth.get(b)! - depth.get(a)! || (a < b ? 1 : -1));
  for (const dir of ordered) await store.delete(dir, { mode: "dir", signal }).catch((e: unknown) => (isAbort(e) ? Promise.reject(e) : undefined));
}
