import type { Command } from "commander";
import { pipeline } from "node:stream/promises";
import type { CliContext } from "../context.js";
import { objectReadStream } from "../object-stream.js";
import { size } from "../transfer/settings.js";
import type { Bind, CommandOptions } from "./command.js";

async function cat(ctx: CliContext, [arg]: string[], opts: CommandOptions): Promise<void> {
  const offset = opts["offset"] as number | undefined;
  const size = opts["size"] as number | undefined;
  const stream = await objectReadStream(ctx, ctx.locations.parse(arg!), {
    ...(offset !== undefined ? { offset } : {}),
    ...(size !== undefined ? { size } : {}),
  });
  await pipeline(stream, ctx.io.stdout, { end: false });
}

/** `stowage cat <location>`: write an object (or a byte range of it) to stdout. */
export function registerCat(program: Command, bind: Bind): void {
  program
    .command("cat")
    .description("write an object, or a byte range of it, to stdout")
    .argument("<location>", "the object")
    .option("--offset <bytes>", "first byte to write (a size: 100, 1K, 4MiB; as presign takes it)", size)
    .option("--size <bytes>", "number of bytes to write (a size)", size)
    .addHelpText("after", "\nExamples:\n  stowage cat ./notes.txt\n  stowage cat --offset 100 --size 20 fs:///srv/data/log.txt")
    .action(bind(cat));
}
