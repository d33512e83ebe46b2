import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CliContext } from "../context.js";
import { refuseProtectedDir } from "../protected-dirs.js";
import { addHeaderOptions, addTypeOptions, givenFieldsOf, TYPE_DEFAULT } from "../transfer/given-fields.js";
import { transferTree } from "../transfer/jobs.js";
import { addFilterOptions, addTransferOptions, addUploadOptions, transferSettings } from "../transfer/settings.js";
import type { Bind, CommandOptions } from "./command.js";

async function sync(ctx: CliContext, [src, dst]: string[], opts: CommandOptions): Promise<void> {
  if (opts["checksum"] && opts["sizeOnly"]) throw new UsageError("--checksum and --size-only exclude each other");
  const compare = opts["checksum"] ? "checksum" : opts["sizeOnly"] ? "size-only" : "default";
  const writeOptions = givenFieldsOf(opts);
  const [srcLoc, dstLoc] = [ctx.locations.parse(src!), ctx.locations.parse(dst!)];
  // Deleting extras in the file system's root or the home directory is refused before anything is listed.
  if (opts["delete"] === true) refuseProtectedDir(ctx, dstLoc, { command: "sync --delete", cwdAndParents: false, throughLink: true });
  await transferTree(ctx, "sync", srcLoc, dstLoc, transferSettings(opts), {
    kind: "sync",
    move: false,
    compare,
    deleteExtras: opts["delete"] === true,
    ...(writeOptions === undefined ? {} : { writeOptions }),
  });
}

/** `stowage sync <source> <destination>`: copy what is new or changed. */
export function registerSync(program: Command, bind: Bind): void {
  const cmd = program
    .command("sync")
    .description(
      "make a destination directory hold what the source holds: copy new and changed objects " +
        "(same size and CRC64/MD5 when both services report one, else source not newer = unchanged; " +
        "a newer source of the same size is compared by content where that is cheap: two local files, a local file against a QingStor MD5 ETag; " +
        "a local file against a service with CRC64 (COS, OSS, memory) is read and hashed whenever the sizes match, on every run, and the object stat'ed: --size-only skips both)",
    )
    .argument("<source>", "source directory")
    .argument("<destination>", "destination directory")
    .option("--delete", "delete destination objects the source does not have (only when every copy succeeded)")
    .option("-n, --dry-run", "print what would be copied and deleted, change nothing")
    .option("--checksum", "compare content (read and hash objects lacking a service checksum) instead of times")
    .option("--size-only", "treat objects of the same size as unchanged");
  addTransferOptions(addUploadOptions(addHeaderOptions(addTypeOptions(addFilterOptions(cmd), TYPE_DEFAULT))))
    .addHelpText(
      "after",
      "\nExamples:\n  stowage sync ./site/ backup:site/\n  stowage sync --delete --exclude '*.tmp' fs:///srv/data/ memory://scratch/\n  stowage sync --dry-run --checksum ./a/ ./b/",
    )
    .action(bind(sync));
}
