import type { Command } from "commander";
import { redactSecrets } from "@stowage/core";
import type { CliContext } from "../context.js";
import { loadProfiles } from "../profiles.js";
import type { Bind, CommandOptions } from "./command.js";

async function profiles(ctx: CliContext, _args: string[], _opts: CommandOptions): Promise<void> {
  const loaded = loadProfiles(ctx.io.env, ctx.options.config, (line) => ctx.warn(line));
  const list = loaded.list();
  if (list.length === 0) ctx.info(`no profiles (config file: ${loaded.configPath}; or set STOWAGE_PROFILE_<NAME>)`);
  for (const { name, source } of list) ctx.out(`${name}\t${redactSecrets(loaded.get(name)!)}\t(${source})`);
}

/** `stowage profiles`: the named connection strings, secrets redacted. */
export function registerProfiles(program: Command, bind: Bind): void {
  program
    .command("profiles")
    .description("list the profiles (named connection strings) from the config file and STOWAGE_PROFILE_* variables, secrets redacted")
    .action(bind(profiles));
}
