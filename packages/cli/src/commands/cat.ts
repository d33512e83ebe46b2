import type { Command } from "commander";
import { ErrorCode, isStorageError } from "@stowage/core";
import { pipeline } from "node:stream/promises";
import type { CliContext } from "../context.js";
import { objectReadStream } from "../object-stream.js";
import { forEachOperand } from "../operand-loop.js";
import { size } from "../transfer/settings.js";
import type { Bind, CommandOptions } from "./command.js";
import { missingOperand } from "./stat.js";

async function cat(ctx: CliContext, [arg]: string[], opts: CommandOptions): Promise<void> {
  const offset = opts["offset"] as number | undefined;
  const size = opts["size"] as number | undefined;
  const loc = ctx.locations.parse(arg!);
  // A failure names the operand (`stowage: cat backup:2024/db.dump: ...`): the error's path= is relative to its parent.
  // A failed write to stdout is no StorageError: it goes on to the command's end, as before.
  await forEachOperand(ctx, "cat", [loc], async () => {
    try {
      const stream = await objectReadStream(ctx, loc, {
        ...(offset !== undefined ? { offset } : {}),
        ...(size !== undefined ? { size } : {}),
      });
      await pipeline(stream, ctx.io.stdout, { end: false });
    } catch (e) {
      // The read of the object the operand names found nothing: said as get says it. Not `x/` (its
      // own message names the operand) nor a link whose target is missing (the stat of its chain
      // says so: the operand itself is there).
      if (isStorageError(e, ErrorCode.ObjectNotExist) && e.op === "read" && !loc.path.endsWith("/")) throw await missingOperand(ctx, loc, e);
      throw e;
    }
  });
}

/**
 * `stowage cat <location>`: write an object (or a byte range of it) to stdout. A failure's line names
 * the operand (`stowage: cat <location>: <error>`) unless its message does; a missing object is
 * said as `get` says it (`<location> does not exist: <the service's text>`, exit 3).
 */
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
