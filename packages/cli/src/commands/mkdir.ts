import type { Command } from "commander";
import { ErrorCode, storageError } from "@stowage/core";
import type { CliContext } from "../context.js";
import type { Location } from "../locations.js";
import { forEachOperand } from "../operand-loop.js";
import { shownPath } from "../shown-path.js";
import { isRoot, rootExists } from "../transfer/jobs.js";
import type { Bind, CommandOptions } from "./command.js";

async function makeOne(ctx: CliContext, loc: Location): Promise<void> {
  if (isRoot(loc)) {
    // The root of a bucket, a store or the file system exists whenever its bucket does, as `mkdir -p /` succeeds.
    if (!(await rootExists(ctx, loc))) {
      const message = `${shownPath(loc.display)} does not exist (no such bucket or store): mkdir makes directories, not buckets`;
      throw storageError(ErrorCode.ObjectNotExist, message, { op: "mkdir", service: loc.type });
    }
    ctx.info(`mkdir: ${shownPath(loc.display)} (the root, which exists already)`);
    return;
  }
  const { endpoint, key } = await ctx.locations.object(loc);
  await endpoint.store.createDir(key, { signal: ctx.signal });
  ctx.info(`mkdir: made ${shownPath(loc.display)}`);
}

/**
 * Every operand is parsed before anything is made. Then, as mkdir(1) does, a failed operand (a file
 * in the way, a bucket that does not exist, a refusal) is reported and the others are still made;
 * the exit code is the first failure's.
 */
async function mkdir(ctx: CliContext, args: string[], _opts: CommandOptions): Promise<void> {
  const locs = args.map((arg) => ctx.locations.parse(arg));
  await forEachOperand(ctx, "mkdir", locs, (loc) => makeOne(ctx, loc));
}

/**
 * `stowage mkdir <location...>`: create directories (parents too; existing ones are fine, the root
 * of a bucket, a store or the file system included), each said with `mkdir: made <location>`. The
 * root of a bucket that does not exist is `ObjectNotExist` (exit 3): mkdir makes no buckets. An
 * operand that fails is reported (`stowage: mkdir <location>: <error>`) and the others are still
 * made; the exit code is the first failure's.
 */
export function registerMkdir(program: Command, bind: Bind): void {
  program
    .command("mkdir")
    .description("create directories, parents included (a marker object on object stores); existing ones are fine, the root of a bucket or store too; an operand that fails is reported and the others are still made")
    .argument("<locations...>", "directories to create")
    .addHelpText("after", "\nExamples:\n  stowage mkdir ./out/2026\n  stowage mkdir backup:reports/q4/")
    .action(bind(mkdir));
}
