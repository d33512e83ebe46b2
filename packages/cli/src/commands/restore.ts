import { Option, type Command } from "commander";
import { ErrorCode, isStorageError, storageError, type ObjectInfo, type RestoreOptions, type RestoreTier, type Storager } from "@stowage/core";
import type { CliContext } from "../context.js";
import { describeError, exitCodeOf, isAbort } from "../errors.js";
import { formatDate, parseCount, plural } from "../format.js";
import { shownUnder, type Location } from "../locations.js";
import { forEachOperand, OperandError, operandEntry } from "../operand-loop.js";
import { isDir, isRoot } from "../transfer/jobs.js";
import { walk } from "../transfer/walk.js";
import { flagParser } from "../transfer/settings.js";
import type { Bind, CommandOptions } from "./command.js";
import { listedRestore, tierNotTaken, treeRestoreKind } from "./restore-classes.js";
import { shownPath } from "../shown-path.js";
import { missingOperand } from "./stat.js";

/**
 * Services whose listings state an archived object's restore (OSS `<RestoreInfo>`): there `restore -r`
 * goes by the listing. Elsewhere (COS, whose listings carry no restore state, and a service not known
 * here) it asks each archived object's stat (a HEAD) first, so that a restored copy readable for at
 * least the days asked is skipped, not cut short (COS sets a restored copy's expiry anew, `days` from
 * the request).
 */
const RESTORE_LISTED_BY: ReadonlySet<string> = new Set(["oss"]);

/**
 * The restore state an object's stat reports, for `restore -r` where listings do not say. A stat
 * that fails (a 400 or 403 HEAD of an SSE-C object, whose key the restore does not send) leaves
 * the judging to the restore itself, as before this look: undefined.
 * @throws StorageError `Aborted` (Ctrl-C)
 */
async function statedRestore(ctx: CliContext, store: Storager, path: string): Promise<ObjectInfo["restore"]> {
  try {
    return (await store.stat(path, { signal: ctx.signal })).restore;
  } catch (e) {
    if (isAbort(e) || !isStorageError(e)) throw e;
    return undefined;
  }
}

/** What became of the objects of one operand. */
interface Tally {
  started: number;
  extended: number;
  underWay: number;
  failed: number;
  skipped: number;
  /** Under -r: objects whose listing (or, where listings do not say, their stat) said their restore was under way or readable, so nothing was sent. */
  listed: number;
}

/** One `restore` command: the tally of the operand at hand, and the classes whose tier note was given (once each). */
interface Run {
  tally: Tally;
  noted: Set<string>;
}

/** `--days`: a whole number of at least 1, its range error worded as every whole-number flag's. */
const days = flagParser((value) => parseCount(value, 1));

/**
 * What a restore of an object restored already did to its expiry: COS sets it `days` from the
 * request (earlier if an earlier restore was longer), OSS adds `days` to it (up to the class's maximum).
 */
function extended(service: string, days: number): string {
  const kept = plural(days, "day");
  return service === "oss" ? `restored already: ${kept} added to its expiry (up to the class's maximum)` : `restored already: its expiry set ${kept} from now`;
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
    const line = alreadyRestored ? extended(store.info.service, options.days ?? 1) : `restore started, for ${plural(options.days ?? 1, "day")} (stowage stat shows when it reads)`;
    ctx.info(`restore: ${shown}: ${line}`);
  } catch (e) {
    if (!isStorageError(e, ErrorCode.Conflict)) throw e;
    tally.underWay++;
    ctx.info(`restore: ${shown}: a restore is under way already (stowage stat shows when it reads)`);
  }
}

/**
 * Every object below the operand that is listed in an archive class (or in a COS intelligent-tiering
 * class: COS says whether it is archived), each restored, unless its listing (on COS, whose listings
 * do not say, and for the operand's own object: its stat) says its restore is under way or readable
 * for the days asked; the others counted as skipped. An operand
 * without a trailing `/` that names an object is restored too, beside the directory of that name if
 * there is one (as rm -r removes both).
 * @throws StorageError `CapabilityInsufficient` (a storage without restore), `ObjectNotExist` (nothing there), what the listing throws
 */
async function restoreTree(ctx: CliContext, loc: Location, options: RestoreOptions, run: Run): Promise<void> {
  const dir = await ctx.locations.dir(loc);
  const { store } = dir;
  if (!store.features.restore) throw storageError(ErrorCode.CapabilityInsufficient, `${store.info.service} cannot restore (it has no archive class)`, { op: "restore", service: store.info.service });
  const entry = await operandEntry(ctx, loc);
  const hasDir = await isDir(ctx, loc);
  if (entry === undefined && !hasDir) {
    const what = loc.path.endsWith("/") || isRoot(loc) ? " (no such directory)" : "";
    throw storageError(ErrorCode.ObjectNotExist, `${shownPath(loc.display)} does not exist${what}`, { op: "restore", service: store.info.service });
  }
  if (entry !== undefined) {
    const { endpoint, key } = await ctx.locations.object(loc);
    await restoreListed(ctx, run, endpoint.store, key, shownPath(loc.display), entry, options, true);
  }
  if (!hasDir) return;
  for await (const o of walk(store, { signal: ctx.signal })) await restoreListed(ctx, run, store, o.path, shownUnder(dir, o.path), o, options);
}

/**
 * `options` for an object of `storageClass` under -r: a tier its class does not take is left out
 * (its one speed, or the service's default), said once per class in a note; days are left as
 * they are (more than the class keeps fails that object, with the maximum named).
 */
function optionsFor(ctx: CliContext, run: Run, service: string, storageClass: string, options: RestoreOptions): RestoreOptions {
  if (options.tier === undefined) return options;
  const note = tierNotTaken(service, storageClass, options.tier);
  if (note === undefined) return options;
  if (!run.noted.has(`${service} ${storageClass}`)) {
    run.noted.add(`${service} ${storageClass}`);
    ctx.warn(`restore: note: ${note}`);
  }
  const { tier: _left, ...rest } = options;
  return rest;
}

/**
 * An object `restore -r` found, listed in `storageClass`: restored if that class is archived (a
 * tier it does not take left out), skipped if it is not; one whose restore is under way or readable
 * (see `listedRestore`) is skipped with a line saying so, and nothing sent. Its restore state is the
 * listing's where the service's listings state it (OSS) or `stated` (the operand's own object, from
 * its stat); elsewhere (COS) it is asked first, a HEAD per object, so that a copy restored for
 * longer is not cut short by a restore that sets its expiry anew. A failure is reported and counted
 * and the others go on (Ctrl-C and unexpected errors stop). A COS intelligent-tiering object COS says
 * is not archived (`ObjectModeInvalid`) is skipped.
 */
async function restoreListed(ctx: CliContext, run: Run, store: Storager, path: string, shown: string, listed: Pick<ObjectInfo, "storageClass" | "restore">, options: RestoreOptions, stated = false): Promise<void> {
  const { storageClass } = listed;
  const kind = treeRestoreKind(storageClass);
  if (kind === "skip") {
    run.tally.skipped++;
    return;
  }
  try {
    const restore = stated || RESTORE_LISTED_BY.has(store.info.service) ? listed.restore : await statedRestore(ctx, store, path);
    const state = listedRestore(restore, Date.now(), options.days ?? 1);
    if (state !== undefined) {
      run.tally.listed++;
      const line = state === "ongoing" ? "a restore is under way already: nothing sent (stowage stat shows when it reads)" : `restored already, readable until ${formatDate(restore?.expiresAt)}, at least the ${plural(options.days ?? 1, "day")} asked: nothing sent (restore it without -r to extend its copy)`;
      ctx.info(`restore: ${shown}: ${line}`);
      return;
    }
    await restoreOne(ctx, store, path, shown, optionsFor(ctx, run, store.info.service, storageClass!, options), run.tally);
  } catch (e) {
    if (isAbort(e) || !isStorageError(e)) throw e;
    if (kind === "maybe" && isStorageError(e, ErrorCode.ObjectModeInvalid)) {
      run.tally.skipped++;
      ctx.info(`restore: ${shown}: ${storageClass} and in no archive tier: nothing to restore`);
      return;
    }
    run.tally.failed++;
    ctx.warn(`restore ${shown}: ${describeError(e, ctx.options.debug)}`);
    ctx.fail(exitCodeOf(e));
  }
}

/**
 * The single-object restore of `loc`; an operand that names a directory (without its `/`) and no
 * object is told to use -r, as one with its `/` is; a missing object is said as `get` says it
 * (`<location> does not exist: <the service's text>`).
 * @throws OperandError (a directory), StorageError `ObjectNotExist` (nothing there), what `restore` throws
 */
async function restoreOperand(ctx: CliContext, loc: Location, options: RestoreOptions, tally: Tally): Promise<void> {
  const directory = (): OperandError => new OperandError(`${shownPath(loc.display)} is a directory: use restore -r`);
  if (loc.path.endsWith("/") || isRoot(loc)) throw directory();
  const { endpoint, key } = await ctx.locations.object(loc);
  try {
    await restoreOne(ctx, endpoint.store, key, shownPath(loc.display), options, tally);
  } catch (e) {
    if (!isStorageError(e, ErrorCode.ObjectNotExist)) throw e;
    if (await isDir(ctx, loc)) throw directory();
    // Said as get and rm say it, the service's text after it.
    throw await missingOperand(ctx, loc, e);
  }
}

async function restore(ctx: CliContext, args: string[], opts: CommandOptions): Promise<void> {
  const locs = args.map((arg) => ctx.locations.parse(arg));
  const options: RestoreOptions = {};
  if (opts["days"] !== undefined) options.days = opts["days"] as number;
  if (opts["tier"] !== undefined) options.tier = opts["tier"] as RestoreTier;
  const noted = new Set<string>();
  await forEachOperand(ctx, "restore", locs, async (loc) => {
    const tally: Tally = { started: 0, extended: 0, underWay: 0, failed: 0, skipped: 0, listed: 0 };
    if (!opts["recursive"]) return restoreOperand(ctx, loc, options, tally);
    await restoreTree(ctx, loc, options, { tally, noted });
    const counts = [`started ${tally.started}`, `extended ${tally.extended}`, `under way ${tally.underWay}`, `failed ${tally.failed}`, `skipped ${plural(tally.skipped, "object")} not archived`, `skipped ${tally.listed} restored or under way already`];
    ctx.info(`restore: ${shownPath(loc.display)}: ${counts.join(", ")}`);
  });
}

/**
 * `stowage restore <location...>`: restore archived objects (COS ARCHIVE, DEEP_ARCHIVE; OSS
 * Archive, ColdArchive, DeepColdArchive) so that they can be read, or with -r every archived object
 * below a directory (a `--tier` an object's class does not take is left out for it, with a note per
 * class; one whose restore is under way, or readable for the days asked, is skipped and nothing sent
 * for it: OSS listings say so, on COS each object's HEAD is asked first). A restore under way already
 * is reported, not a failure; any other failure of an operand (or of one object under -r) is
 * reported, naming it, the others still done, and its code is the exit code (3 missing, 5 a storage
 * without restore, 10 an object in no archive class, 11 bad days or tier for the class; 2 a directory
 * without -r).
 */
export function registerRestore(program: Command, bind: Bind): void {
  program
    .command("restore")
    .description("restore archived objects (COS ARCHIVE/DEEP_ARCHIVE, OSS Archive/ColdArchive/DeepColdArchive) so they can be read; stowage stat shows when they do")
    .argument("<locations...>", "archived objects, or with -r directories")
    .option("-r, --recursive", "restore every archived object below the directory (and an object of its name); a --tier a class does not take is left out for it, with a note; one under way, or readable for at least --days, is skipped, nothing sent (OSS listings say so; on COS a HEAD of each object asks, and one whose HEAD is refused, SSE-C, is restored as before)")
    .option("-d, --days <n>", "days the restored copy stays readable (default 1; an object restored already: COS sets its expiry N days from now, OSS adds N days)", days)
    .addOption(new Option("-t, --tier <tier>", "restore speed (default Standard; a tier the object's class does not take is refused, with -r left out)").choices(["Expedited", "Standard", "Bulk"]))
    .addHelpText(
      "after",
      "\nExamples:\n  stowage restore --days 7 backup:2024/db.dump\n  stowage restore -r --tier Bulk backup:2023/   # classes without Bulk (OSS Archive, DeepColdArchive) at their default, noted\n  stowage stat backup:2024/db.dump   # restore: ongoing, then readable until ...",
    )
    .action(bind(restore));
}
