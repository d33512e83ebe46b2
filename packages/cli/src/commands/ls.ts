import { ErrorCode, isStorageError, storageError, type ObjectInfo, type RestoreState, type Storager } from "@stowage/core";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { formatBytes, formatDate } from "../format.js";
import { walk } from "../transfer/walk.js";
import { isDir, isRoot, statOrUndefined } from "../transfer/jobs.js";
import type { Bind, CommandOptions } from "./command.js";
import type { Command } from "commander";
import { shownPath } from "../shown-path.js";
import { namesDirectory, notADirectory } from "../slashed-operand.js";

/** One level of a listing; stores without dir listings get one synthesised from a prefix listing. */
async function* oneLevel(store: Storager, signal: AbortSignal): AsyncGenerator<ObjectInfo> {
  if (store.features.listDir) {
    yield* store.list("", { mode: "dir", signal });
    return;
  }
  const dirs = new Set<string>();
  for await (const o of walk(store, { signal, dirs: true })) {
    const slash = o.path.indexOf("/");
    if (slash < 0 || slash === o.path.length - 1) {
      if (o.mode === "dir") dirs.add(o.path);
      yield o;
      continue;
    }
    const dir = o.path.slice(0, slash + 1);
    if (!dirs.has(dir)) {
      dirs.add(dir);
      yield { path: dir, mode: "dir" };
    }
  }
}

/**
 * An archived object's restore as `ls -l` shows it, after the path (and a link's target), so the
 * columns before it stay where they are: `  (restoring)` while the service restores it, `  (restored
 * until <date>)` once it reads (`  (restored)` when the expiry date did not parse); nothing without
 * a restore state (never asked for, expired, or a listing that does not carry it).
 */
function restoreNote(restore: RestoreState | undefined): string {
  if (restore === undefined) return "";
  if (restore.ongoing) return "  (restoring)";
  return restore.expiresAt === undefined ? "  (restored)" : `  (restored until ${formatDate(restore.expiresAt)})`;
}

/** Formats one entry as `ls` prints it. */
export function formatEntry(o: ObjectInfo, opts: CommandOptions): string {
  if (opts["json"]) return JSON.stringify(o);
  if (!opts["long"]) return shownPath(o.path);
  const size = o.mode === "dir" || (o.mode === "link" && o.size === undefined) ? "-" : opts["human"] ? formatBytes(o.size ?? 0) : String(o.size ?? 0);
  const target = o.linkTarget === undefined ? "" : ` -> ${shownPath(o.linkTarget)}`;
  return `${o.mode.padEnd(6)} ${size.padStart(opts["human"] ? 10 : 14)}  ${formatDate(o.lastModified).padEnd(20)}  ${shownPath(o.path)}${target}${restoreNote(o.restore)}`;
}

async function ls(ctx: CliContext, [arg]: string[], opts: CommandOptions): Promise<void> {
  const loc = ctx.locations.parse(arg!);
  const startAfter = opts["startAfter"] as string | undefined;
  if (startAfter !== undefined && !opts["recursive"]) throw new UsageError("--start-after needs -r (it skips paths of the whole listing, in key order)");
  const { store } = await ctx.locations.dir(loc);
  const entries = opts["recursive"] ? walk(store, { signal: ctx.signal, links: true, ...(startAfter === undefined ? {} : { startAfter }) }) : oneLevel(store, ctx.signal);
  let count = 0;
  try {
    for await (const o of entries) {
      ctx.out(formatEntry(o, opts));
      count++;
    }
  } catch (e) {
    // Listing a file (or nothing) fails on some services: fall through to stat it.
    if (count > 0 || !(isStorageError(e, ErrorCode.ObjectNotExist) || isStorageError(e, ErrorCode.ObjectModeInvalid))) throw e;
  }
  if (count > 0 || (await isDir(ctx, loc))) return;
  if (isRoot(loc)) throw storageError(ErrorCode.ObjectNotExist, `${shownPath(loc.display)} does not exist (no such bucket or store)`, { op: "ls", service: store.info.service });
  if (startAfter !== undefined) return;
  // Not a directory: list the object itself, like ls(1) does for a file; `x/` names a directory, never the object x.
  const { endpoint, key } = await ctx.locations.object(loc);
  if (namesDirectory(loc)) throw await notADirectory(ctx, loc, endpoint, key, "ls");
  const info = await statOrUndefined(endpoint.store, key, { signal: ctx.signal });
  if (info === undefined) {
    throw storageError(ErrorCode.ObjectNotExist, `${shownPath(loc.display)} does not exist`, { op: "ls", service: store.info.service });
  }
  ctx.out(formatEntry({ ...info, path: key }, opts));
}

/** `stowage ls <location>`: list a directory (or prefix), one level or recursively. */
export function registerLs(program: Command, bind: Bind): void {
  program
    .command("ls")
    .description("list objects and directories at a location")
    .argument("<location>", "connection string, profile:path or local path")
    .option("-r, --recursive", "every object below, not one level")
    .option("-l, --long", "mode, size, modification time and path; after the path, an archived object's restore where the listing states it (OSS; COS too for ls of one object): (restoring) or (restored until <date>)")
    .option("--human", "sizes in KiB/MiB/GiB (with -l)")
    .option("--json", "one JSON object per line (ObjectInfo: an archived object's restore as restore.ongoing and restore.expiresAt)")
    .option("--start-after <path>", "with -r: only paths that sort after this one (resume a long listing)")
    .addHelpText("after", "\nExamples:\n  stowage ls ./photos\n  stowage ls -lr fs:///srv/backups/\n  stowage ls --json backup:2026/\n  stowage ls -r --start-after 2026/06/ backup:")
    .action(bind(ls));
}
