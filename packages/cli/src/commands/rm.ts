import type { Command } from "commander";
import { ErrorCode, isStorageError, storageError, type ObjectInfo } from "@stowage/core";
import { confirm } from "../confirm.js";
import type { CliContext } from "../context.js";
import { describeError, exitCodeOf, isAbort, UsageError } from "../errors.js";
import { formatBytes, plural } from "../format.js";
import { shownUnder, type Location } from "../locations.js";
import { countUploads } from "../pending-uploads.js";
import { shellWord } from "../shell-word.js";
import { forEachOperand, OperandError, operandEntry } from "../operand-loop.js";
import { refuseProtectedDir } from "../protected-dirs.js";
import { namesDirectory, notADirectory } from "../slashed-operand.js";
import { deleteFailureLines, deleteReporting, failedCount, mayBeGone, unanswered, SHOWN_DELETE_FAILURES, type DeleteResult } from "../transfer/delete-report.js";
import { directoryGlobsText, makeFilter, refuseOperandPathGlobs, unmatchedNote, type DirectoryGlob, type PathFilter } from "../transfer/filter.js";
import { isDir, pruneDirs, statOrUndefined } from "../transfer/jobs.js";
import { addFilterOptions } from "../transfer/settings.js";
import { markedDirs, removeDirs, type KeptDir } from "../transfer/remove-dirs.js";
import { walk } from "../transfer/walk.js";
import type { Bind, CommandOptions } from "./command.js";
import { shownPath } from "../shown-path.js";

/**
 * rm without -r: the object (or link) `loc` names. With `--include`/`--exclude`, an operand the
 * filters leave out is kept and said, as `rm -r` does for an operand that names one object
 * ({@link removeEntry}): `rm --exclude keep.txt ./d/*` deletes every file but keep.txt.
 */
async function removeOne(ctx: CliContext, loc: Location, opts: CommandOptions): Promise<void> {
  const { endpoint, key } = await ctx.locations.object(loc);
  if (namesDirectory(loc)) {
    // `x/` names a directory: never the object `x` (README: a path that ends in `/` is a directory).
    if (await isDir(ctx, loc)) throw new OperandError(`${shownPath(loc.display)} is a directory: use rm -r`);
    const error = await notADirectory(ctx, loc, endpoint, key, "rm");
    if (opts["force"] && error.code === ErrorCode.ObjectNotExist) return;
    throw error;
  }
  const info = await statOrUndefined(endpoint.store, key, { signal: ctx.signal });
  if (info === undefined || info.mode === "dir") {
    if (info !== undefined || (await isDir(ctx, loc))) throw new OperandError(`${shownPath(loc.display)} is a directory: use rm -r`);
    if (opts["force"]) return;
    throw storageError(ErrorCode.ObjectNotExist, `${shownPath(loc.display)} does not exist`, { op: "rm", service: endpoint.store.info.service, path: key });
  }
  if (!makeFilter((opts["include"] as string[]) ?? [], (opts["exclude"] as string[]) ?? [])(key)) {
    ctx.info(`rm: deleted 0 objects (${shownPath(loc.display)} does not match the filters)`);
    return;
  }
  if (opts["dryRun"]) return ctx.out(`would delete ${shownUnder(endpoint, key)}`);
  await endpoint.store.delete(key, { signal: ctx.signal });
  ctx.info(`rm: deleted ${shownPath(loc.display)}`);
}

/**
 * `rm -r` of an operand without a trailing `/` that names a link or an object: removes that entry
 * alone, as rm(1) does (a link to a directory is removed, never walked through). False when the
 * operand is a directory (or nothing), and when it names an object that is also a directory (an
 * object store can hold `X` and `X/…`): the tree walk handles those, the object with the tree.
 */
async function removeEntry(ctx: CliContext, loc: Location, opts: CommandOptions, filter: PathFilter): Promise<boolean> {
  const info = await operandEntry(ctx, loc);
  if (info === undefined || (info.mode !== "link" && (await isDir(ctx, loc)))) return false;
  const { endpoint, key } = await ctx.locations.object(loc);
  if (!filter(key)) {
    ctx.info(`rm: deleted 0 objects (${shownPath(loc.display)} does not match the filters)`);
    return true;
  }
  if (opts["dryRun"]) {
    ctx.out(`would delete ${shownUnder(endpoint, key)}`);
    return true;
  }
  await endpoint.store.delete(key, { signal: ctx.signal });
  ctx.info(`rm: deleted ${shownPath(loc.display)}${info.mode === "link" ? " (a symbolic link; its target is kept)" : ""}`);
  return true;
}

async function removeTree(ctx: CliContext, loc: Location, opts: CommandOptions): Promise<void> {
  const filter = makeFilter((opts["include"] as string[]) ?? [], (opts["exclude"] as string[]) ?? []);
  if (await removeEntry(ctx, loc, opts, filter)) return;
  const dirEndpoint = await ctx.locations.dir(loc);
  const { store } = dirEndpoint;
  const targets: ObjectInfo[] = [];
  // Real directories (fs, memory) are listed with the objects, empty ones too. An object store's
  // are listed by prefix, one request per 1,000 keys, without its directories: those are looked
  // for once the objects are gone (a walk by directory would list every one of them).
  const listDirs = !filter.active && !store.features.virtualDir;
  for await (const o of walk(store, { signal: ctx.signal, dirs: listDirs, links: true })) if (o.mode === "dir" || filter(o.path)) targets.push(o);
  const directoryGlobs = filter.directoryOnly();
  refuseDirectoryGlobs(directoryGlobs);
  const note = unmatchedNote(filter, directoryGlobs);
  if (note !== undefined) ctx.info(note);
  const files = targets.filter((o) => o.mode !== "dir");
  // An object named like the directory (`X` beside `X/…`) goes with it.
  const beside = await operandEntry(ctx, loc);
  const besideAt = beside !== undefined ? await ctx.locations.object(loc) : undefined;
  const besideKey = besideAt?.key;
  const alsoBeside = besideKey !== undefined && filter(besideKey);
  const bytes = files.reduce((n, o) => n + (o.size ?? 0), 0) + (alsoBeside ? (beside!.size ?? 0) : 0);
  const count = files.length + (alsoBeside ? 1 : 0);
  if (targets.length === 0 && !(await isDir(ctx, loc))) {
    // `x/` where `x` is an object names no directory: ObjectModeInvalid (as ls says), even with -f (as rm(1) -rf says ENOTDIR).
    const error = namesDirectory(loc)
      ? await ctx.locations.object(loc).then(({ endpoint, key }) => notADirectory(ctx, loc, endpoint, key, "rm"))
      : storageError(ErrorCode.ObjectNotExist, `${shownPath(loc.display)} does not exist`, { op: "rm", service: store.info.service });
    if (opts["force"] && error.code === ErrorCode.ObjectNotExist) return;
    throw error;
  }
  if (opts["dryRun"]) {
    // Each path as the operand plus the path below it (or a connection string), so that the
    // lines of two operands (`rm -rn x1/ x2/`) can be told apart.
    if (alsoBeside) ctx.out(`would delete ${shownUnder(besideAt!.endpoint, besideKey!)}`);
    // The objects counted, as a real run reports them: directories (markers, real dirs) go with their contents, uncounted.
    for (const o of files) ctx.out(`would delete ${shownUnder(dirEndpoint, o.path)}`);
    ctx.info(`rm: would delete ${plural(count, "object")} (${formatBytes(bytes)})`);
    await warnOfUploads(ctx, loc);
    return;
  }
  if (!opts["yes"] && !(await confirm(ctx, `delete ${plural(count, "object")} (${formatBytes(bytes)}) under ${shownPath(loc.display)}?`))) {
    ctx.info("rm: nothing deleted");
    return;
  }
  const result = await deleteReporting(store, files.map((o) => o.path), ctx.signal);
  if (result.error !== undefined) {
    // As deleteMany does after a failure, nothing more is deleted: the object beside the
    // directory (not attempted) and the directories stay.
    reportPartial(ctx, { ...result, notAttempted: alsoBeside ? [...result.notAttempted, besideKey] : result.notAttempted }, files, count);
    ctx.fail(exitCodeOf(result.error));
    return;
  }
  if (alsoBeside) await (await ctx.locations.object(loc)).endpoint.store.delete(besideKey, { signal: ctx.signal });
  // The directories: on fs and memory the real ones listed; on an object store the markers that
  // are left (a directory only implied by its keys went with them). Best effort (a directory that
  // is not empty stays), but Ctrl-C stops it: the command is then interrupted, not done.
  if (!filter.active) {
    let dirs = targets.filter((o) => o.mode === "dir").map((o) => o.path);
    if (!listDirs) {
      // Best effort as the markers' deletes are: a listing that fails here comes after the objects went.
      const looked = await markedDirs(store, ctx.signal).catch((e: unknown) => notLookedFor(ctx, loc, e));
      dirs = looked ?? [];
    }
    reportKept(ctx, await removeDirs(store, dirs, ctx.signal));
    await pruneDirs(store, files.map((o) => o.path), ctx.signal);
    if (loc.path.replace(/\/+$/, "") !== "") {
      // The operand itself, quietly (a link to a directory on fs stays, as rm(1) keeps it for `link/`).
      const { endpoint, key } = await ctx.locations.object(loc);
      await endpoint.store.delete(key, { mode: "dir", signal: ctx.signal }).catch((e: unknown) => (isAbort(e) ? Promise.reject(e) : undefined));
    }
  }
  ctx.info(`rm: deleted ${plural(count, "object")} (${formatBytes(bytes)})`);
  await warnOfUploads(ctx, loc);
}

/**
 * After `rm -r` of a directory (and on a dry run): a warning when multipart uploads in progress lie
 * below it (as `stowage uploads` finds them), which rm -r neither deletes nor aborts: their parts
 * stay, and on fs the hidden `.stowage-multipart` directory holding them keeps the directory. Best
 * effort: a listing that fails says so, and how to look (Ctrl-C stops it); the exit code is not changed.
 * @throws StorageError `Aborted`
 */
async function warnOfUploads(ctx: CliContext, loc: Location): Promise<void> {
  const word = shownPath(shellWord(loc.display));
  let count: number;
  try {
    count = await countUploads(ctx, loc);
  } catch (e) {
    if (isAbort(e)) throw e;
    ctx.warn(`rm: unfinished multipart uploads below ${shownPath(loc.display)} could not be counted (${describeError(e)}): stowage uploads ${word} lists them`);
    return;
  }
  if (count === 0) return;
  const them = count === 1 ? "it" : "them";
  ctx.warn(
    `rm: ${plural(count, "unfinished multipart upload")} below ${shownPath(loc.display)} ${count === 1 ? "is" : "are"} not deleted by rm -r ` +
      `(${count === 1 ? "its" : "their"} parts stay${loc.type === "fs" ? ", and so does the directory holding them" : ""}): ` +
      `stowage uploads ${word} lists ${them}, stowage uploads --abort ${word} ends ${them}` +
      // A location whose secrets are shown as *** is to be typed as it was given (or as a profile).
      (word.includes("***") ? " (the location as you gave it: its secrets are not shown here)" : ""),
  );
}

/**
 * Before anything below the operand is deleted (and on a dry run): a filter glob that names a
 * directory there whose contents no glob of its flag matched (`--exclude cache` while `cache/data.bin`
 * exists: a glob without `/` matches file names, one ending in `/` no file) is refused, as `sync --delete` refuses it:
 * `rm -r --exclude cache` would delete what `cache/` holds, which its author meant to keep.
 * @throws StorageError `InvalidArgument` (nothing deleted), naming the glob to write instead
 */
function refuseDirectoryGlobs(globs: readonly DirectoryGlob[]): void {
  const text = directoryGlobsText(globs, "the directory rm -r was given");
  if (text === undefined) return;
  throw storageError(ErrorCode.InvalidArgument, `${text}; refused, as rm -r would act on what the glob does not cover: nothing was deleted`, { op: "rm" });
}

/**
 * After the objects below `loc` were deleted, the listing that looks for the directory markers left
 * (an object store's) failed with `e`: a line saying so (the objects are gone; the markers, if any,
 * stay), its code the exit code, and the command goes on to its summary.
 * @throws what it was given, when that is an abort or no StorageError
 */
function notLookedFor(ctx: CliContext, loc: Location, e: unknown): undefined {
  if (!isStorageError(e) || isAbort(e)) throw e;
  ctx.warn(`rm ${shownPath(loc.display)}: directory markers not looked for: ${e.code}: ${e.detail} (the objects were deleted; any markers stay: rm -r it again to remove them)`);
  ctx.fail(exitCodeOf(e));
  return undefined;
}

/**
 * A line per kept directory (at most SHOWN_DELETE_FAILURES, then a count), as failed object deletes
 * get them: `not confirmed deleted … (it may be gone)` where the delete got no answer; the first
 * one's code becomes the exit code.
 */
function reportKept(ctx: CliContext, kept: readonly KeptDir[]): void {
  for (const { path, error } of kept.slice(0, SHOWN_DELETE_FAILURES)) {
    const lost = unanswered(error);
    ctx.warn(`rm ${shownPath(path)}: ${lost ? "directory not confirmed deleted" : "directory kept"}: ${error.code}: ${error.detail}${lost ? " (it may be gone)" : ""}`);
  }
  if (kept.length > SHOWN_DELETE_FAILURES) ctx.warn(`rm: … and ${kept.length - SHOWN_DELETE_FAILURES} more directories kept`);
  if (kept.length > 0) ctx.fail(exitCodeOf(kept[0]!.error));
}

/**
 * After a `deleteMany` that failed part-way: a line per path not deleted (at most
 * SHOWN_DELETE_FAILURES, then a count), and the summary of what was really deleted, of `count`
 * (the failed paths whose delete may have happened all the same counted as not confirmed deleted).
 */
function reportPartial(ctx: CliContext, result: DeleteResult, files: readonly ObjectInfo[], count: number): void {
  for (const line of deleteFailureLines("rm", result)) ctx.warn(line);
  const sizes = new Map(files.map((o) => [o.path, o.size ?? 0]));
  const bytes = result.deleted.reduce((n, p) => n + (sizes.get(p) ?? 0), 0);
  const notAttempted = result.notAttempted.length > 0 ? `, not attempted ${result.notAttempted.length}` : "";
  const failed = failedCount(result.failed.length, result.failed.filter(mayBeGone).length);
  ctx.info(`rm: deleted ${result.deleted.length} of ${plural(count, "object")} (${formatBytes(bytes)}), ${failed}${notAttempted}`);
}

/**
 * Every operand is parsed, and with -r checked against the protected directories, before anything
 * is listed or deleted. Then, as rm(1) does, a failed operand (missing, a directory without -r, a
 * delete that failed part-way) is reported and the others are still done; the exit code is the
 * first failure's. Ctrl-C, a refusal to go on without --yes and unexpected errors stop the command.
 */
async function rm(ctx: CliContext, args: string[], opts: CommandOptions): Promise<void> {
  const locs = args.map((arg) => ctx.locations.parse(arg));
  const filtered = ((opts["include"] as string[] | undefined)?.length ?? 0) + ((opts["exclude"] as string[] | undefined)?.length ?? 0) > 0;
  if (opts["recursive"]) for (const loc of locs) refuseProtectedDir(ctx, loc, { command: "rm -r", cwdAndParents: !filtered });
  else refuseOperandPathGlobs("rm", opts["include"] as string[] | undefined, opts["exclude"] as string[] | undefined);
  // As rm(1), an operand whose last segment (`.` and empty ones aside: `x/../.`) is `..` is refused,
  // before anything is deleted: through a symbolic link it names the parent of the link's target.
  const dotDot = args.find((arg) => arg.split(/[\\/]/).filter((s) => s !== "" && s !== ".").at(-1) === "..");
  if (dotDot !== undefined) throw new UsageError(`rm ${JSON.stringify(dotDot)}: refused, as rm(1) refuses '..': name the directory itself; nothing was listed or deleted`);
  await forEachOperand(ctx, "rm", locs, (loc) => (opts["recursive"] ? removeTree(ctx, loc, opts) : removeOne(ctx, loc, opts)));
}

/** `stowage rm <location...>`: delete objects, or with -r everything below a directory. */
export function registerRm(program: Command, bind: Bind): void {
  const cmd = program
    .command("rm")
    .description("delete objects, or with -r every object below a directory (asks first unless --yes)")
    .argument("<locations...>", "objects or directories")
    .option("-r, --recursive", "delete every object below the directory")
    .option("-y, --yes", "do not ask for confirmation")
    .option("-f, --force", "a missing object is not an error")
    .option("-n, --dry-run", "print what would be deleted, change nothing");
  addFilterOptions(cmd)
    .addHelpText("after", "\nExamples:\n  stowage rm ./old.log\n  stowage rm -r --yes --include '*.tmp' backup:scratch/")
    .action(bind(rm));
}
