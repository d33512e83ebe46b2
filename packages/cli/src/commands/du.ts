import { InvalidArgumentError, type Command } from "commander";
import { ErrorCode, storageError, type ObjectInfo } from "@stowage/core";
import type { CliContext } from "../context.js";
import type { Location } from "../locations.js";
import { isDir, isRoot, statOrUndefined } from "../transfer/jobs.js";
import { formatBytes, formatTable } from "../format.js";
import { makeFilter, unmatchedNote } from "../transfer/filter.js";
import { addFilterOptions } from "../transfer/settings.js";
import { walk } from "../transfer/walk.js";
import type { Bind, CommandOptions } from "./command.js";
import { shownPath } from "../shown-path.js";

function depth(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`--depth wants a whole number, got "${value}"`);
  return n;
}

/** The group of `path` at `depth` directory levels (`""` = the location itself). */
function groupOf(path: string, levels: number): string {
  if (levels === 0) return "";
  const parts = path.split("/");
  return parts.length <= levels ? "" : parts.slice(0, levels).join("/") + "/";
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
  for await (const o of walk(store, { signal: ctx.signal })) {
    if (!filter(o.path)) continue;
    const g = groupOf(o.path, levels);
    const entry = groups.get(g) ?? { objects: 0, bytes: 0 };
    entry.objects++;
    entry.bytes += o.size ?? 0;
    groups.set(g, entry);
    total.objects++;
    total.bytes += o.size ?? 0;
  }
  if (total.objects === 0 && !(await isDir(ctx, loc))) {
    // Not a directory: an object counts itself (as du(1) does for a file); nothing there is an error.
    const info = isRoot(loc) || loc.path.endsWith("/") ? undefined : await objectInfo(ctx, loc);
    if (info === undefined || info.mode === "dir") {
      throw storageError(ErrorCode.ObjectNotExist, `${loc.display} does not exist`, { op: "du", service: store.info.service });
    }
    if (filter(info.path)) {
      total.objects = 1;
      total.bytes = info.size ?? 0;
      groups.set("", { ...total });
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
  rows.push([size(total.bytes), String(total.objects), loc.display]);
  for (const line of formatTable(rows, [0, 1])) ctx.out(line);
}

/**
 * `stowage du <location>`: bytes and objects below a location (an object: itself).
 * A location with nothing there fails with ObjectNotExist (exit 3).
 */
export function registerDu(program: Command, bind: Bind): void {
  const cmd = program
    .command("du")
    .description("count the bytes and objects below a location (columns: bytes, objects, path)")
    .argument("<location>", "directory or prefix")
    .option("-d, --depth <n>", "also show totals per directory this many levels down", depth)
    .option("--human", "sizes in KiB/MiB/GiB")
    .option("--json", "print { objects, bytes, byDir } as JSON");
  addFilterOptions(cmd)
    .addHelpText("after", "\nExamples:\n  stowage du --human ./photos\n  stowage du -d 1 --json backup:")
    .action(bind(du));
}
