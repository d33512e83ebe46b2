import type { Command } from "commander";
import { Option } from "commander";
import type { PresignOperation } from "@stowage/core";
import type { CliContext } from "../context.js";
import { count } from "../transfer/settings.js";
import type { Bind, CommandOptions } from "./command.js";

async function presign(ctx: CliContext, [arg]: string[], opts: CommandOptions): Promise<void> {
  const loc = ctx.locations.parse(arg!);
  const { endpoint, key } = await ctx.locations.object(loc);
  const request = await endpoint.store.presign(opts["method"] as PresignOperation, key, {
    expires: opts["expires"] as number,
    signal: ctx.signal,
  });
  if (opts["json"]) ctx.out(JSON.stringify(request));
  else ctx.out(request.url);
}

/** `stowage presign <location>`: a URL anyone can use to read, write or delete the object. */
export function registerPresign(program: Command, bind: Bind): void {
  program
    .command("presign")
    .description("print a signed URL that reads (or writes, deletes) an object without credentials until it expires")
    .argument("<location>", "the object")
    .addOption(new Option("--method <op>", "operation the URL allows").choices(["read", "write", "delete"]).default("read"))
    .option("--expires <seconds>", "lifetime of the URL", count, 3600)
    .option("--json", "print { method, url, headers } (headers the sender must send)")
    .addHelpText("after", "\nExamples:\n  stowage presign backup:2026/db.dump --expires 600\n  stowage presign --method write --json backup:upload/new.bin")
    .action(bind(presign));
}
