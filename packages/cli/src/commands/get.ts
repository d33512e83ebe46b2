import type { Command } from "commander";
import { basename } from "node:path";
import { pipeline } from "node:stream/promises";
import type { CliContext } from "../context.js";
import { objectReadStream } from "../object-stream.js";
import { transferObject } from "../transfer/jobs.js";
import { addTransferOptions, refuseStreamFlags, transferSettings } from "../transfer/settings.js";
import type { Bind, CommandOptions } from "./command.js";

async function get(ctx: CliContext, [src, file]: string[], opts: CommandOptions): Promise<void> {
  const srcLoc = ctx.locations.parse(src!);
  if (file === "-") {
    refuseStreamFlags("get", transferSettings(opts), true);
    await pipeline(await objectReadStream(ctx, srcLoc), ctx.io.stdout, { end: false });
    return;
  }
  const target = file ?? basename(srcLoc.path.replace(/\/+$/, ""));
  await transferObject(ctx, "get", srcLoc, ctx.locations.local(target), transferSettings(opts), false);
}

/** `stowage get <location> [file|-]`: download an object to a local file or stdout. */
export function registerGet(program: Command, bind: Bind): void {
  const cmd = program
    .command("get")
    .description("download an object to a local file (default: its name, in the current directory) or stdout (-)")
    .argument("<location>", "the object")
    .argument("[file]", "local file or directory, or - for stdout");
  addTransferOptions(cmd)
    .addHelpText("after", "\nExamples:\n  stowage get backup:2026/db.dump\n  stowage get fs:///srv/data/a.csv - | head")
    .action(bind(get));
}
