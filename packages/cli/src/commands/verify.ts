import type { Command } from "commander";
import type { ObjectInfo } from "@stowage/core";
import type { CliContext } from "../context.js";
import { EXIT_CODES } from "../errors.js";
import { makeFilter } from "../transfer/filter.js";
import { mapLimit } from "../transfer/pool.js";
import { addFilterOptions, count } from "../transfer/settings.js";
import { walk } from "../transfer/walk.js";
import { compareObjects } from "../verify.js";
import type { Bind, CommandOptions } from "./command.js";

async function verify(ctx: CliContext, [src, dst]: string[], opts: CommandOptions): Promise<void> {
  const a = await ctx.locations.dir(ctx.locations.parse(src!));
  const b = await ctx.locations.dir(ctx.locations.parse(dst!));
  const filter = makeFilter((opts["include"] as string[]) ?? [], (opts["exclude"] as string[]) ?? []);
  const theirs = new Map<string, ObjectInfo>();
  for await (const o of walk(b.store, { signal: ctx.signal })) if (filter(o.path)) theirs.set(o.path, o);
  const ours: ObjectInfo[] = [];
  for await (const o of walk(a.store, { signal: ctx.signal })) if (filter(o.path)) ours.push(o);

  let ok = 0;
  let bad = 0;
  const methods = new Map<string, number>();
  await mapLimit(ours, (opts["concurrency"] as number | undefined) ?? 8, async (o) => {
    const other = theirs.get(o.path);
    theirs.delete(o.path);
    if (other === undefined) {
      bad++;
      ctx.out(`missing   ${o.path}`);
      return;
    }
    const r = await compareObjects({ store: a.store, path: o.path, info: o }, { store: b.store, path: o.path, info: other }, { full: opts["full"] === true, signal: ctx.signal });
    methods.set(r.method, (methods.get(r.method) ?? 0) + 1);
    if (r.ok) {
      ok++;
      if (opts["verbose"]) ctx.out(`ok        ${o.path} (${r.method})`);
    } else {
      bad++;
      ctx.out(`mismatch  ${o.path}: ${r.detail}`);
    }
  });
  for (const extra of [...theirs.keys()].sort()) ctx.out(`extra     ${extra}`);
  const how = [...methods].map(([m, n]) => `${n} by ${m}`).join(", ");
  ctx.info(`verify: ${ok} of ${ours.length} objects match${how ? ` (${how})` : ""}${bad ? `, ${bad} missing or different` : ""}${theirs.size ? `, ${theirs.size} extra in the destination` : ""}`);
  if (bad > 0) ctx.fail(EXIT_CODES.IntegrityMismatch);
}

/** `stowage verify <source> <destination>`: compare two directories object by object. */
export function registerVerify(program: Command, bind: Bind): void {
  const cmd = program
    .command("verify")
    .description(
      "check that every object below the source is below the destination with the same content: " +
        "CRC64 (or MD5) where the services report one, else read and hashed; exit 13 on any difference",
    )
    .argument("<source>", "source directory")
    .argument("<destination>", "destination directory")
    .option("--full", "read and hash both sides, whatever the services report")
    .option("--concurrency <n>", "objects compared at once", count, 8)
    .option("-v, --verbose", "also print the objects that match");
  addFilterOptions(cmd)
    .addHelpText("after", "\nExamples:\n  stowage verify ./photos/ backup:photos/\n  stowage verify --full fs:///srv/a/ fs:///srv/b/")
    .action(bind(verify));
}
