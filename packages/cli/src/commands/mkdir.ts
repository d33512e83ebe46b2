import type { Command } from "commander";
import { ErrorCode, storageError } from "@stowage/core";
import type { CliContext } from "../context.js";
import { shownPath } from "../shown-path.js";
import { isRoot, rootExists } from "../transfer/jobs.js";
import type { Bind, CommandOptions } from "./command.js";

async function mkdir(ctx: CliContext, args: string[], _opts: CommandOptions): Promise<void> {
  for (const arg of args) {
    const loc = ctx.locations.parse(arg);
    if (isRoot(loc)) {
      // The root of a bucket, a store or the file system exists whenever its bucket does, as `mkdir -p /` succeeds.
      if (!(await rootExists(ctx, loc))) {
        const message = `${shownPath(loc.display)} does not exist (no such bucket or store): mkdir makes directories, not buckets`;
        throw storageError(ErrorCode.ObjectNotExist, message, { op: "mkdir", service: loc.type });
      }
      ctx.info(`mkdir: ${shownPath(loc.display)} (the root, which exists already)`);
      continue;
    }
    const { endpoint, key } = await ctx.locations.object(loc);
    const info = await endpoint.store.createDir(key, { signal: ctx.signal });
    ctx.info(`mkdir: ${shownPath(loc.display)} (${shownPath(info.path)})`);
  }
}

/**
 * `stowage mkdir <location...>`: create directories (parents too; existing ones are fine, the root
 * of a bucket, a store or the file system included). The root of a bucket that does not exist is
 * `ObjectNotExist` (exit 3): mkdir makes no buckets.
 */
export function registerMkdir(program: Command, bind: Bind): void {
  program
    .command("mkdir")
    .description("create directories, parents included (a marker object on object stores); existing ones are fine, the root of a bucket or store too")
    .argument("<locations...>", "directories to create")
    .addHelpText("after", "\nExamples:\n  stowage mkdir ./out/2026\n  stowage mkdir backup:reports/q4/")
    .action(bind(mkdir));
}
