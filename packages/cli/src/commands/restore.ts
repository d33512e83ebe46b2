import { InvalidArgumentError, Option, type Command } from "commander";
import { ErrorCode, isStorageError, storageError, type RestoreOptions, type RestoreTier, type Storager } from "@stowage/core";
import type { CliContext } from "../context.js";
import { describeError, exitCodeOf, isAbort, UsageError } from "../errors.js";
import { plural } from "../format.js";
import { shownUnder, type Location } from "../locations.js";
import { isDir } from "../transfer/jobs.js";
import { walk } from "../transfer/walk.js";
import type { Bind, CommandOptions } from "./command.js";

/** A failure of one operand: reported, and the other operands are still done (as rm does). */
class OperandError extends UsageError {}

/** What became of the objects of one operand. */
interface Tally {
  started: number;
  extended: number;
  underWay: number;
  skipped: number;
}

/** A class `restore -r` restores: its name holds ARCHIVE (COS ARCHIVE, DEEP_ARCHIVE; OSS Archive, ColdArchive, DeepColdArchive). */
const ARCHIVE_CLASS = /archive/i;

function days(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number of days, at least 1`);
  return n;
}

/**
 * Restores `path` of `store` and counts what came of it. A restore already under way (`Conflict`)
 * is what was asked for: counted, not a failure.
 * @throws what `restore` throws, `Conflict` aside
 */
async function restoreOne(ctx: CliContext, store: Storager, path: string, shown: string, options: RestoreOptions, tally: Tally): Promise<void> {
  try {
    const { alreadyRestored } = await store.restore(path, { ...options, signal: ctx.signal });
    if (alreadyRestored) tally.extended++;
    else tally.started++;
    const kept = plural(options.days ?? 1, "day");
    ctx.info(`restore: ${shown}: ${alreadyRestored ? `restored already: its expiry set ${kept} on` : `restore started, for ${kept} (stowage stat shows when it reads)`}`);
  } catch (e) {
    if (!isStorageError(e, ErrorCode.Conflict)) throw e;
    tally.underWay++;
    ctx.info(`restore: ${shown}: a restore is under way already (stowage stat shows when it reads)`);
  }
}

/**
 * Every object below the operand that is listed in an archive class, each restored; the others
 * counted as skipped. An operand that names an object and no directory is that object.
 * @throws StorageError `CapabilityInsufficient` (a storage without restore), `ObjectNotExist` (nothing there), what the listing throws
 */
async function restoreTree(ctx: CliContext, loc: Location, options: RestoreOptions, tally: Tally): Promise<void> {
  const dir = await ctx.locations.dir(loc);
  const { store } = dir;
  if (!store.features.restore) throw storageError(ErrorCode.CapabilityInsufficient, `${store.info.service} cannot restore (it has no archive class)`, { op: "restore", service: store.info.service });
  if (!(await isDir(ctx, loc))) {
    if (loc.path.endsWith("/") || loc.path === "") throw storageError(ErrorCode.ObjectNotExist, `${loc.display} does not exist (no such directory)`, { op: "restore", service: store.info.service });
    const { endpoint, key } = await ctx.locations.object(loc);
    return restoreOne(ctx, endpoint.store, key, loc.display, options, tally);
  }
  for await (const o of walk(store, { signal: ctx.signal })) {
    if (o.storageClass === undefined || !ARCHIVE_CLASS.test(o.storageClass)) {
      tally.skipped++;
      continue;
    }
    await restoreObject(ctx, store, o.path, shownUnder(dir, o.path), options, tally);
  }
}

/** {@link restoreOne}, reporting a failure of that object and going on with the others (Ctrl-C and unexpected errors stop). */
async function restoreObject(ctx: CliContext, store: Storager, path: string, shown: string, options: RestoreOptions, tally: Tally): Promise<void> {
  try {
    await restoreOne(ctx, store, path, shown, options, tally);
  } catch (e) {
    if (isAbort(e) || !isStorageError(e)) throw e;
    ctx.warn(`restore ${shown}: ${describeError(e, ctx.options.debug)}`);
    ctx.fail(exitCodeOf(e));
  }
}

async function restore(ctx: CliContext, args: string[], opts: CommandOptions): Promise<void> {
  const locs = args.map((arg) => ctx.locations.parse(arg));
  const options: RestoreOptions = {};
  if (opts["days"] !== undefined) options.days = opts["days"] as number;
  if (opts["tier"] !== undefined) options.tier = opts["tier"] as RestoreTier;
  for (const loc of locs) {
    const tally: Tally = { started: 0, extended: 0, underWay: 0, skipped: 0 };
    try {
      if (opts["recursive"]) {
        await restoreTree(ctx, loc, options, tally);
        const counts = [`started ${tally.started}`, `extended ${tally.extended}`, `under way ${tally.underWay}`, `skipped ${plural(tally.skipped, "object")} in no archive class`];
        ctx.info(`restore: ${loc.display}: ${counts.join(", ")}`);
        continue;
      }
      if (loc.path.endsWith("/") || loc.path === "") throw new OperandError(`${loc.display} is a directory: use restore -r`);
      const { endpoint, key } = await ctx.locations.object(loc);
      await restoreOne(ctx, endpoint.store, key, loc.display, options, tally);
    } catch (e) {
      if (isAbort(e) || !(isStorageError(e) || e instanceof OperandError)) throw e;
      ctx.warn(describeError(e, ctx.options.debug));
      ctx.fail(exitCodeOf(e));
    }
  }
}

/**
 * `stowage restore <location...>`: restore archived objects (COS ARCHIVE, DEEP_ARCHIVE; OSS
 * Archive, ColdArchive, DeepColdArchive) so that they can be read, or with -r every object listed
 * in such a class below a directory. A restore under way already is reported, not a failure; any
 * other failure of an operand (or of one object under -r) is reported, the others still done, and
 * its code is the exit code (3 missing, 5 a storage without restore, 10 an object in no archive
 * class, 11 bad days or tier for the class).
 */
export function registerRestore(program: Command, bind: Bind): void {
  program
    .command("restore")
    .description("restore archived objects (COS ARCHIVE/DEEP_ARCHIVE, OSS Archive/ColdArchive/DeepColdArchive) so they can be read; stowage stat shows when they do")
    .argument("<locations...>", "archived objects, or with -r directories")
    .option("-r, --recursive", "restore every object listed in an archive class below the directory")
    .option("-d, --days <n>", "days the restored copy stays readable (default 1)", days)
    .addOption(new Option("-t, --tier <tier>", "restore speed (default Standard; what a class takes is the service's)").choices(["Expedited", "Standard", "Bulk"]))
    .addHelpText("after", "\nExamples:\n  stowage restore --days 7 backup:2024/db.dump\n  stowage restore -r --tier Bulk backup:2023/\n  stowage stat backup:2024/db.dump   # restore: ongoing, then readable until ...")
    .action(bind(restore));
}
