import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import type { Location } from "../locations.js";
import { operandEntry } from "../operand-loop.js";
import { refuseProtectedDir } from "../protected-dirs.js";
import { shownPath } from "../shown-path.js";
import { refuseFileDestination } from "../transfer/file-destination.js";
import { makeFilter, refuseOperandPathGlobs } from "../transfer/filter.js";
import { addHeaderOptions, addTypeOptions, givenFieldsOf, TYPE_DEFAULT } from "../transfer/given-fields.js";
import { pruneDirs, transferObject, transferTree } from "../transfer/jobs.js";
import { addFilterOptions, addTransferOptions, addUploadOptions, transferSettings, type TransferSettings } from "../transfer/settings.js";
import { newStats } from "../transfer/stats.js";
import type { Bind, CommandOptions } from "./command.js";

/**
 * Refuses `-` as an operand of cp or mv: `get` and `put` take it as stdout and stdin, so here it
 * would silently be a local file named `-` (`cp obj - | tar x` an empty pipe, `mv obj -` the object
 * moved into `./-`). A file of that name is written `./-`.
 * @throws UsageError naming the command that streams (nothing is read, written or deleted)
 */
function refuseDash(command: string, src: string, dst: string): void {
  if (src !== "-" && dst !== "-") return;
  const instead =
    src === "-"
      ? "to upload stdin use stowage put - <destination>"
      : `to write an object to stdout use stowage get <source> -${command === "mv" ? " (then stowage rm <source>)" : ""}`;
  throw new UsageError(
    `${command}: - is not stdin or stdout for ${command} (only get and put take it so): ${instead}; a local file named - is written ./-; nothing was ${command === "mv" ? "moved" : "copied"}`,
  );
}

/**
 * cp or mv without -r, with `--include`/`--exclude`: true when the source names an object (or
 * link) the filters leave out. It is then neither copied nor moved, and a line says so, as rm does
 * for such an operand (`rm: deleted 0 objects (x does not match the filters)`); with `--stats-json`
 * the summary of a transfer of nothing follows. False without filters, for an object they let
 * through, and for a missing source or a directory (the transfer then says what it is).
 * @throws StorageError from the source's HEAD (`PermissionDenied`, `Aborted`, ...)
 */
async function filteredOut(ctx: CliContext, command: string, srcLoc: Location, opts: CommandOptions, settings: TransferSettings): Promise<boolean> {
  const filter = makeFilter((opts["include"] as string[]) ?? [], (opts["exclude"] as string[]) ?? []);
  if (!filter.active || (await operandEntry(ctx, srcLoc)) === undefined) return false;
  const { key } = await ctx.locations.object(srcLoc);
  if (filter(key)) return false;
  ctx.info(`${command}: ${command === "mv" ? "moved" : "copied"} 0 objects (${shownPath(srcLoc.display)} does not match the filters)`);
  if (settings.statsJson) ctx.out(JSON.stringify(newStats(command, settings.dryRun)));
  return true;
}

/** cp and mv: one object, or with -r every object below a directory. */
function copyOrMove(move: boolean) {
  const command = move ? "mv" : "cp";
  return async (ctx: CliContext, [src, dst]: string[], opts: CommandOptions): Promise<void> => {
    refuseDash(command, src!, dst!);
    const settings = transferSettings(opts);
    const srcLoc = ctx.locations.parse(src!);
    const dstLoc = ctx.locations.parse(dst!);
    const writeOptions = givenFieldsOf(opts);
    if (!opts["recursive"]) {
      // The filters apply to the one object's name, as to the objects of a tree (and as rm applies them).
      refuseOperandPathGlobs(command, opts["include"] as string[] | undefined, opts["exclude"] as string[] | undefined);
      if (await filteredOut(ctx, command, srcLoc, opts, settings)) return;
      await transferObject(ctx, command, srcLoc, dstLoc, settings, move, writeOptions);
      return;
    }
    // mv -r deletes its source tree as rm -r does: not the file system's root, the home directory, . or its parents.
    const filtered = ((opts["include"] as string[] | undefined)?.length ?? 0) + ((opts["exclude"] as string[] | undefined)?.length ?? 0) > 0;
    if (move) refuseProtectedDir(ctx, srcLoc, { command: "mv -r", cwdAndParents: !filtered, throughLink: true });
    await refuseFileDestination(ctx, command, srcLoc, dstLoc);
    const report = await transferTree(ctx, command, srcLoc, dstLoc, settings, {
      kind: "copy",
      move,
      compare: "default",
      deleteExtras: false,
      ...(writeOptions === undefined ? {} : { writeOptions }),
    });
    if (move && !settings.dryRun && report.stats.objects.failed === 0) {
      const from = await ctx.locations.dir(srcLoc);
      await pruneDirs(from.store, report.copied.map((i) => i.srcPath), ctx.signal);
      if (srcLoc.path.replace(/\/+$/, "") !== "") {
        const { endpoint, key } = await ctx.locations.object(srcLoc);
        await pruneDirs(endpoint.store, [`${key}/x`], ctx.signal);
      }
    }
  };
}

function register(program: Command, bind: Bind, move: boolean): void {
  const name = move ? "mv" : "cp";
  const verb = move ? "move" : "copy";
  const cmd = program
    .command(name)
    .description(
      move
        ? "move an object, or with -r every object below a directory (server-side within one account; between local directories a rename, where the file stays inside its own directories)"
        : "copy an object, or with -r every object below a directory, between any two storages",
    )
    .argument("<source>", "object or directory (not -: stdin is for put -; a local file named - is ./-)")
    .argument("<destination>", `object, or directory (trailing /) to ${verb} into (not -: stdout is for get <source> -)`)
    .option("-r, --recursive", `${verb} every object below the source directory to the same path below the destination`)
    .option("-n, --dry-run", `print what would be ${move ? "moved" : "copied"}, change nothing`);
  addTransferOptions(addUploadOptions(addHeaderOptions(addTypeOptions(addFilterOptions(cmd), TYPE_DEFAULT))))
    .addHelpText(
      "after",
      move
        ? "\nExamples:\n  stowage mv ./report.pdf backup:reports/\n  stowage mv -r fs:///srv/incoming/ fs:///srv/archive/2026/"
        : "\nExamples:\n  stowage cp ./photo.jpg backup:photos/\n  stowage cp -r --include '*.jpg' ./photos/ 'cos://bucket-1250000000/photos/?credential=env&location=ap-guangzhou'",
    )
    .action(bind(copyOrMove(move)));
}

/** `stowage cp <source> <destination>`. */
export function registerCp(program: Command, bind: Bind): void {
  register(program, bind, false);
}

/** `stowage mv <source> <destination>`. */
export function registerMv(program: Command, bind: Bind): void {
  register(program, bind, true);
}
