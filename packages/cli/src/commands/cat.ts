import type { Command } from "commander";
import { pipeline } from "node:stream/promises";
import type { CliContext } from "../context.js";
import { followLink, statOrUndefined } from "../transfer/jobs.js";
import { count } from "../transfer/settings.js";
import type { Bind, CommandOptions } from "./command.js";

async function cat(ctx: CliContext, [arg]: string[], opts: CommandOptions): Promise<void> {
  const loc = ctx.locations.parse(arg!);
  const { endpoint, key } = await ctx.locations.object(loc);
  const offset = opts["offset"] as number | undefined;
  const size = opts["size"] as number | undefined;
  let store = endpoint.store;
  let path = key;
  // A link is read where it leads, from the account's root: on fs it may lead out of its own directory.
  const info = await statOrUndefined(store, key, { signal: ctx.signal }).catch(() => undefined);
  if (info?.mode === "link") {
    const end = await followLink(ctx, loc, { ...info, path: endpoint.dir + key });
    if (end.mode === "file" || end.mode === "append") {
      store = await ctx.locations.open(loc, "/");
      path = end.path;
    }
  }
  const stream = store.createReadStream(path, {
    signal: ctx.signal,
    ...(offset !== undefined ? { offset } : {}),
    ...(size !== undefined ? { size } : {}),
  });
  await pipeline(stream, ctx.io.stdout, { end: false });
}

function whole(value: string): number {
  return value === "0" ? 0 : count(value);
}

/** `stowage cat <location>`: write an object (or a byte range of it) to stdout. */
export function registerCat(program: Command, bind: Bind): void {
  program
    .command("cat")
    .description("write an object, or a byte range of it, to stdout")
    .argument("<location>", "the object")
    .option("--offset <bytes>", "first byte to write", whole)
    .option("--size <bytes>", "number of bytes to write", whole)
    .addHelpText("after", "\nExamples:\n  stowage cat ./notes.txt\n  stowage cat --offset 100 --size 20 fs:///srv/data/log.txt")
    .action(bind(cat));
}
