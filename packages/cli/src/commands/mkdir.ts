import type { Command } from "commander";
import type { CliContext } from "../context.js";
import type { Bind, CommandOptions } from "./command.js";

async function mkdir(ctx: CliContext, args: string[], _opts: CommandOptions): Promise<void> {
  for (const arg of args) {
    const loc = ctx.locations.parse(arg);
    const { endpoint, key } = await ctx.locations.object(loc);
    const info = await endpoint.store.createDir(key, { signal: ctx.signal });
    ctx.info(`mkdir: ${loc.display} (${info.path})`);
  }
}

/** `stowage mkdir <location...>`: create directories (parents too; existing ones are fine). */
export function registerMkdir(program: Command, bind: Bind): void {
  program
    .command("mkdir")
    .description("create directories, parents included (a marker object on object stores); existing ones are fine")
    .argument("<locations...>", "directories to create")
    .addHelpText("after", "\nExamples:\n  stowage mkdir ./out/2026\n  stowage mkdir backup:reports/q4/")
    .action(bind(mkdir));
}
