import type { Command } from "commander";
import { ErrorCode, storageError } from "@stowage/core";
import type { CliContext } from "../context.js";
import { sameAccount, type Location } from "../locations.js";
import type { Bind, CommandOptions } from "./command.js";
import { UsageError } from "../errors.js";
import { statOrUndefined } from "../transfer/jobs.js";
import { shownPath } from "../shown-path.js";

/** The deepest directory holding both absolute paths (ends with `/`). */
function commonDir(a: string, b: string): string {
  const sa = a.split("/");
  const sb = b.split("/");
  let n = 0;
  while (n < sa.length - 1 && n < sb.length - 1 && sa[n] === sb[n]) n++;
  return sa.slice(0, n).join("/") + "/";
}

function objectPath(loc: Location, what: string): string {
  const path = loc.path.replace(/\/+$/, "");
  if (path === "" || loc.path.endsWith("/")) throw storageError(ErrorCode.InvalidArgument, `${what} ${shownPath(loc.display)} is a directory, not an object`);
  return path;
}

async function ln(ctx: CliContext, [targetArg, linkArg]: string[], opts: CommandOptions): Promise<void> {
  const target = ctx.locations.parse(targetArg!);
  const link = ctx.locations.parse(linkArg!);
  if (!sameAccount(target, link)) {
    throw storageError(ErrorCode.InvalidArgument, `the link ${shownPath(link.display)} and its target ${shownPath(target.display)} must be in the same storage`);
  }
  const linkPath = objectPath(link, "the link");
  const targetPath = objectPath(target, "the target");
  const root = commonDir(linkPath, targetPath);
  const store = await ctx.locations.open(link, root);
  const rel = linkPath.slice(root.length);
  if (!opts["force"]) {
    // As ln(1): an object (a file) there is not replaced without --force, its bytes would be lost. A
    // link is replaced (it holds no bytes: `ln v3 latest` moves a pointer); a directory is for createLink to refuse.
    const existing = await statOrUndefined(store, rel, { signal: ctx.signal });
    if (existing !== undefined && existing.mode !== "link" && existing.mode !== "dir") {
      throw new UsageError(`ln: ${shownPath(link.display)} exists and is not a link: --force replaces it with the link (its bytes are lost)`);
    }
  }
  const info = await store.createLink(rel, targetPath.slice(root.length), { signal: ctx.signal });
  ctx.info(`ln: ${shownPath(link.display)} -> ${shownPath(info.linkTarget ?? target.display)}`);
}

/**
 * `stowage ln <target> <link>`: make `link` a symbolic link to `target`, both in one storage. An
 * existing link is replaced; an existing object (a file) only with `--force` (else UsageError, exit 2,
 * nothing changed). Throws CapabilityInsufficient where the storage has no links, InvalidArgument
 * across storages, ObjectModeInvalid over a directory (fs).
 */
export function registerLn(program: Command, bind: Bind): void {
  program
    .command("ln")
    .description("make <link> a symbolic link to <target> in the same storage (fs, memory, OSS; QingStor with enable_virtual_link); reads of the link read the target")
    .argument("<target>", "the object the link points to (it need not exist)")
    .argument("<link>", "the link to create, or an existing link to replace")
    .option("-f, --force", "replace an object (a file) already at <link> with the link (its bytes are lost)")
    .addHelpText("after", "\nExamples:\n  stowage ln ./releases/v2.1.tar.gz ./releases/latest.tar.gz\n  stowage ln fs:///srv/reports/2026-q4.pdf fs:///srv/reports/latest.pdf   # on OSS too (COS has no links)")
    .action(bind(ln));
}
