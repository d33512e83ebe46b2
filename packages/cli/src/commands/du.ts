import type { Command } from "commander";
import { ErrorCode, storageError, type ObjectInfo } from "@stowage/core";
import type { CliContext } from "../context.js";
import type { Location } from "../locations.js";
import { isDir, isRoot, statOrUndefined } from "../transfer/jobs.js";
import { formatBytes, formatTable, parseCount } from "../format.js";
import { makeFilter, unmatchedNote } from "../transfer/filter.js";
import { addFilterOptions, flagParser } from "../transfer/settings.js";
import { walk } from "../transfer/walk.js";
import type { Bind, CommandOptions } from "./command.js";
import { shownPath } from "../shown-path.js";
import { namesDirectory, notADirectory } from "../slashed-operand.js";

/** `--depth`: a whole number of at least 0, its range error worded as every whole-number flag's. */
const depth = flagParser((value) => parseCount(value, 0));

/**
 * The group `path` counts toward with `-d levels`: the directory it is in, cut to its first
 * `levels` directories (`a/b/c/f` at 2 is `a/b/`, `a/f` at 2 is `a/`); `""` is the location itself.
 */
function groupOf(path: string, levels: number): string {
  const dirs = path.split("/").slice(0, -1).slice(0, levels);
  return dirs.length === 0 ? "" : dirs.join("/") + "/";
}

/** The object `loc` names (its path: the object's name), or undefined. */
async function objectInfo(ctx: CliContext, loc: Location): Promise<ObjectInfo | undefined> {
  const { endpoint, key } = await ctx.locations.object(loc);
  const info = await statOrUndefined(endpoint.store, key, { signal: ctx.signal });
  return info === undefined ? undefined : { ...info, path: key };
}

async function du(ctx: CliContext, [arg]: string[], opts: CommandOptions): Promise<void> {
  const loc = ctx.locations.parse(arg!);
  const { store } = await ctx.locations.dir(loc);
  const filter = makeFilter((opts["include"] as string[]) ?? [], (opts["exclude"] as string[]) ?? []);
  const levels = (opts["depth"] as number | undefined) ?? 0;
  const groups = new Map<string, { objects: number; bytes: number }>();
  const total = { objects: 0, bytes: 0 };
  const count = (o: ObjectInfo, group: string): void => {
    if (!filter(o.path)) return;
    const entry = groups.get(group) ?? { objects: 0, bytes: 0 };
    entry.objects++;
    entry.bytes += o.size ?? 0;
    groups.set(group, entry);
    total.objects++;
    total.bytes += o.size ?? 0;
  };
  // Named without a trailing "/", a symbolic link counts as itself, as it does in a tree (never
  // followed: `du link/` goes through it to the directory it leads to).
  const named = isRoot(loc) || loc.path.endsWith("/") ? undefined : await objectInfo(ctx, loc);
  if (named?.mode === "link") {
    count(named, "");
  } else {
    // Links below count as objects of their own size (0 where the listing gives none), as ls -r lists them.
    for await (const o of walk(store, { signal: ctx.signal, links: true })) count(o, groupOf(o.path, levels));
    if (total.objects === 0 && !(await isDir(ctx, loc))) {
      // Not a directory: an object counts itself (as du(1) does for a file); nothing there is an
      // error, and so is `x/` where `x` is an object (it names a directory: ObjectModeInvalid, as ls says).
      if (namesDirectory(loc)) {
        const { endpoint, key } = await ctx.locations.object(loc);
        throw await notADirectory(ctx, loc, endpoint, key, "du");
      }
      if (named === undefined || named.mode === "dir") {
        throw storageError(ErrorCode.ObjectNotExist, `${shownPath(loc.display)} does not exist`, { op: "du", service: store.info.service });
      }
      count(named, "");
    }
  }
  const note = unmatchedNote(filter);
  if (note !== undefined) ctx.info(note);
  if (opts["json"]) {
    const byDir = levels > 0 ? Object.fromEntries([...groups].sort(([a], [b]) => (a < b ? -1 : 1))) : undefined;
    ctx.out(JSON.stringify({ location: loc.display, ...total, ...(byDir ? { byDir } : {}) }));
    return;
  }
  const size = (n: number): string => (opts["human"] ? formatBytes(n) : String(n));
  const rows: string[][] = [];
  if (levels > 0) for (const [g, e] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) rows.push([size(e.bytes), String(e.objects), g ? shownPath(g) : "."]);
  rows.push([size(total.bytes), String(total.objects), shownPath(loc.display)]);
  for (const line of formatTable(rows, [0, 1])) ctx.out(line);
}

/**
 * `stowage du <location>`: bytes and objects below a location (an object: itself), symbolic links
 * included as objects (never followed). With `-d N` also one row per directory down to N levels,
 * each counting the objects in it and, at level N, below it. A location with nothing there fails
 * with ObjectNotExist (exit 3).
 */
export function registerDu(program: Command, bind: Bind): void {
  const cmd = program
    .command("du")
    .description("count the bytes and objects below a location (columns: bytes, objects, path)")
    .argument("<location>", "directory or prefix")
    .option("-d, --depth <n>", "also show totals per directory down to this many levels (a directory at the last level includes what is below it)", depth)
    .option("--human", "sizes in KiB/MiB/GiB")
    .option("--json", 'print { location, objects, bytes, byDir } as JSON (byDir with -d; "" is the location itself)');
  addFilterOptions(cmd)
    .addHelpText("after", "\nExamples:\n  stowage du --human ./photos\n  stowage du -d 1 --json backup:")
    .action(bind(du));
}
