import type { Command } from "commander";
import { redactConnectionString } from "@stowage/core";
import type { CliContext } from "../context.js";
import { ensureDriver, KNOWN_SCHEMES } from "../drivers.js";
import { loadProfiles } from "../profiles.js";
import type { Bind, CommandOptions } from "./command.js";

async function profiles(ctx: CliContext, _args: string[], _opts: CommandOptions): Promise<void> {
  const loaded = loadProfiles(ctx.io.env, ctx.options.config, (line) => ctx.warn(line));
  const list = loaded.list();
  if (list.length === 0) ctx.info(`no profiles (config file: ${loaded.configPath}; or set STOWAGE_PROFILE_<NAME>)`);
  for (const { name, source } of list) {
    const conn = loaded.get(name)!;
    await knowPairs(conn, ctx.io.cwd);
    ctx.out(`${name}\t${redactConnectionString(conn)}\t(${source})`);
  }
}

/**
 * Registers the driver of `conn`'s scheme when the CLI knows it (bundled or a dependency), so that
 * its pairs are told from the tail of a secret cut at an unencoded `&` (which is hidden); nothing
 * else is imported, and a driver that fails to load leaves every unknown pair after a secret hidden.
 * @throws nothing
 */
async function knowPairs(conn: string, cwd: string): Promise<void> {
  const scheme = /^\s*([a-z][a-z0-9+.-]*):\/\//.exec(conn)?.[1];
  if (scheme === undefined || !KNOWN_SCHEMES.includes(scheme)) return;
  try {
    await ensureDriver(scheme, cwd);
  } catch {
    // not installed or broken: the redaction takes only the global pairs as known
  }
}

/** `stowage profiles`: the named connection strings, secrets redacted. */
export function registerProfiles(program: Command, bind: Bind): void {
  program
    .command("profiles")
    .description("list the profiles (named connection strings) from the config file and STOWAGE_PROFILE_* variables, secrets redacted")
    .action(bind(profiles));
}
