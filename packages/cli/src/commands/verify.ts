import type { Command } from "commander";
import { ErrorCode, isStorageError, type ObjectInfo } from "@stowage/core";
import type { CliContext } from "../context.js";
import { describeError, EXIT_CODES, exitCodeOf, isAbort, UsageError } from "../errors.js";
import type { Endpoint, Location } from "../locations.js";
import { followLink, isDir, notADirectory, statOrUndefined } from "../transfer/jobs.js";
import { makeFilter, unmatchedNote } from "../transfer/filter.js";
import { forEachLimit } from "../transfer/pool.js";
import { addFilterOptions, count } from "../transfer/settings.js";
import { walk } from "../transfer/walk.js";
import { compareObjects, type VerifyResult } from "../verify.js";
import { plural } from "../format.js";
import type { Bind, CommandOptions } from "./command.js";
import { shownPath } from "../shown-path.js";
import { treeRoots, treeTarget } from "../link-targets.js";

/**
 * Compares a link at the source with what is at the destination; two links by their targets inside
 * their directories (link-targets.ts; `roots`: the two directories' spellings, from `treeRoots`).
 */
async function compareLink(ctx: CliContext, srcLoc: Location, a: Endpoint, o: ObjectInfo, b: Endpoint, other: ObjectInfo, full: boolean, roots: Promise<string[][]>): Promise<VerifyResult> {
  if (other.mode === "link") {
    const target = async (e: Endpoint, i: ObjectInfo): Promise<string | undefined> =>
      i.linkTarget ?? (await statOrUndefined(e.store, i.path, { signal: ctx.signal }))?.linkTarget;
    const [ta, tb] = await Promise.all([target(a, o), target(b, other)]);
    const [ra, rb] = (await roots) as [string[], string[]];
    if (ta !== undefined && tb !== undefined && treeTarget(ra, ta) !== treeTarget(rb, tb)) {
      const shown = (roots: readonly string[], t: string): string => (treeTarget(roots, t) === t ? t : `${treeTarget(roots, t)} in its directory (${t})`);
      return { ok: false, method: "link", detail: `links differ: -> ${shown(ra, ta)}, -> ${shown(rb, tb)}` };
    }
    return { ok: true, method: "link" };
  }
  // A file where the source has a link (cp -L, sync -L): it must hold what the link leads to.
  // A link that leads nowhere readable is a mismatch; an interruption (Ctrl-C) is not.
  const end = await followLink(ctx, srcLoc, { ...o, path: a.dir + o.path }).catch((e: unknown) => {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    return undefined;
  });
  if (end === undefined || (end.mode !== "file" && end.mode !== "append")) return { ok: false, method: "link", detail: "a link to nothing readable at the source, an object at the destination" };
  const root = await ctx.locations.open(srcLoc, "/");
  return compareObjects({ store: root, path: end.path.replace(/^\/+/, ""), info: end }, { store: b.store, path: other.path, info: other }, { full, signal: ctx.signal });
}

/** The objects of `listing` whose path `filter` takes. */
async function* filtered(listing: AsyncIterable<ObjectInfo>, filter: (path: string) => boolean): AsyncGenerator<ObjectInfo> {
  for await (const o of listing) if (filter(o.path)) yield o;
}

/** What `rest` yields from its `first` step (already taken) on. */
async function* resumed(first: IteratorResult<ObjectInfo>, rest: AsyncIterator<ObjectInfo>): AsyncGenerator<ObjectInfo> {
  for (let step = first; step.done !== true; step = await rest.next()) yield step.value;
}

/** What `listing` yields; its own error (not a close by the caller) is kept in `failure.error`, then thrown on. */
async function* noting(listing: AsyncIterable<ObjectInfo>, failure: { error?: unknown }): AsyncGenerator<ObjectInfo> {
  try {
    for await (const o of listing) yield o;
  } catch (e) {
    failure.error = e;
    throw e;
  }
}

async function verify(ctx: CliContext, [src, dst]: string[], opts: CommandOptions): Promise<void> {
  const srcLoc = ctx.locations.parse(src!);
  const dstLoc = ctx.locations.parse(dst!);
  const a = await ctx.locations.dir(srcLoc);
  const b = await ctx.locations.dir(dstLoc);
  // Looked up once, when the first two links are compared (treeRoots never rejects).
  let rootsOnce: Promise<string[][]> | undefined;
  const roots = (): Promise<string[][]> => (rootsOnce ??= Promise.all([treeRoots(a), treeRoots(b)]));
  const filter = makeFilter((opts["include"] as string[]) ?? [], (opts["exclude"] as string[]) ?? []);
  // Links are listed unless --no-links; a source link the destination lacks is a difference only
  // with --links (sync and cp -r skip links unless -L, so after them it is no difference).
  const links = opts["links"] !== false;
  const strictLinks = opts["links"] === true;
  const full = opts["full"] === true;
  // The destination is held (each source object looks its counterpart up); the source is compared
  // as it is listed, never held whole.
  const theirs = new Map<string, ObjectInfo>();
  for await (const o of walk(b.store, { signal: ctx.signal, links })) if (filter(o.path)) theirs.set(o.path, o);
  const source = filtered(walk(a.store, { signal: ctx.signal, links }), filter)[Symbol.asyncIterator]();
  const first = await source.next();
  // Nothing listed and no directory there: a typo must not read as "everything matches".
  for (const [loc, listed] of [[srcLoc, first.done === true ? 0 : 1], [dstLoc, theirs.size]] as const) {
    if (listed === 0 && !(await isDir(ctx, loc))) await notADirectory(ctx, "verify", loc);
  }
  let sourceCount = 0;

  let ok = 0;
  let bad = 0;
  let failed = 0;
  /** Source links the destination lacks, not counted as missing (without --links). */
  let linksNotThere = 0;
  const methods = new Map<string, number>();
  /** The source listing's error, once it failed part-way (after its first page). */
  const listing: { error?: unknown } = {};
  const compared = forEachLimit(noting(resumed(first, source), listing), (opts["concurrency"] as number | undefined) ?? 8, async (o) => {
    sourceCount++;
    const other = theirs.get(o.path);
    theirs.delete(o.path);
    if (other === undefined) {
      if (o.mode === "link" && !strictLinks) {
        linksNotThere++;
        if (opts["verbose"]) ctx.out(`skipped   ${shownPath(o.path)} (a symbolic link, not at the destination)`);
        return;
      }
      bad++;
      // The code is set as each difference is found, before its line: a reader that stops reading
      // (`| head -1`) stops the command at its next line, which must still end with 13.
      ctx.fail(EXIT_CODES.IntegrityMismatch);
      ctx.out(`missing   ${shownPath(o.path)}${o.mode === "link" ? " (a symbolic link)" : ""}`);
      return;
    }
    let r: VerifyResult;
    try {
      r =
        o.mode === "link"
          ? await compareLink(ctx, srcLoc, a, o, b, other, full, roots())
          : other.mode === "link"
            ? { ok: false, method: "link" as const, detail: "an object at the source, a symbolic link at the destination" }
            : await compareObjects({ store: a.store, path: o.path, info: o }, { store: b.store, path: o.path, info: other }, { full, signal: ctx.signal });
    } catch (e) {
      // One object that cannot be read or stat'ed is reported, and the others are still compared.
      if (isAbort(e) || ctx.signal.aborted) throw e;
      failed++;
      ctx.fail(exitCodeOf(e));
      ctx.warn(`verify ${shownPath(o.path)}: not compared: ${describeError(e, ctx.options.debug)}`);
      return;
    }
    if (r.ok) {
      ok++;
      methods.set(r.method, (methods.get(r.method) ?? 0) + 1);
      if (opts["verbose"]) ctx.out(`ok        ${shownPath(o.path)} (${r.method})`);
    } else {
      bad++;
      ctx.fail(EXIT_CODES.IntegrityMismatch);
      ctx.out(`mismatch  ${shownPath(o.path)}: ${r.detail}`);
    }
  });
  await compared.catch((e: unknown) => {
    // The listing's error ends the command (its exit code, as program.ts gives it); the lines
    // printed stand, and this says how far the comparison got, as there is no summary.
    if (e === listing.error && !isAbort(e) && !ctx.signal.aborted) {
      ctx.warn(`verify stopped part-way: the source listing failed after comparing ${plural(sourceCount, "source object")} (the differences printed stand; the rest of the source, and what the destination has extra, were not compared)`);
    }
    throw e;
  });
  if (theirs.size > 0) ctx.fail(EXIT_CODES.IntegrityMismatch);
  for (const extra of [...theirs.keys()].sort()) ctx.out(`extra     ${shownPath(extra)}`);
  const note = unmatchedNote(filter);
  if (note !== undefined) ctx.info(note);
  // Most first, then by name: comparisons end in any order, the summary reads the same every run.
  const how = [...methods]
    .sort(([ma, na], [mb, nb]) => nb - na || (ma < mb ? -1 : ma > mb ? 1 : 0))
    .map(([m, n]) => `${n} by ${m}`)
    .join(", ");
  const skippedLinks = linksNotThere > 0 ? `, ${plural(linksNotThere, "symbolic link")} of the source not at the destination (sync and cp -r skip links unless -L; --links counts them as missing)` : "";
  ctx.info(
    `verify: ${ok} of ${plural(sourceCount - linksNotThere, "object")} ${ok === 1 ? "matches" : "match"}${how ? ` (${how})` : ""}${bad ? `, ${bad} missing or different` : ""}` +
      `${failed ? `, ${failed} not compared (see the messages above)` : ""}` +
      `${theirs.size ? `, ${theirs.size} extra in the destination` : ""}${skippedLinks}${links ? "" : " (symbolic links skipped)"}`,
  );
  if (bad > 0 || theirs.size > 0) ctx.fail(EXIT_CODES.IntegrityMismatch);
}

/**
 * `stowage verify <source> <destination>`: compare two directories object by object (and links by
 * target; a source link the destination lacks counts as missing only with `--links`). Exit 13 when
 * an object is missing, different or extra; ObjectNotExist (3) when either location does not exist;
 * a usage error (2) when either names an object, not a directory; an object that could not be
 * compared (a read or stat failed) is reported and gives its error's code, the others compared.
 * A source listing that fails part-way stops the command with its error's code: the differences
 * printed so far stand, and a line on stderr says how many source objects were compared.
 */
export function registerVerify(program: Command, bind: Bind): void {
  const cmd = program
    .command("verify")
    .description(
      "check that every object below the source is below the destination with the same content: " +
        "CRC64 (or MD5) where the services report one, else read and hashed; links by target " +
        "(a source link the destination lacks is a difference only with --links, as sync and cp -r skip links); " +
        "exit 13 on any difference (missing, different or extra), 3 when either side does not exist, 2 when either is one object",
    )
    .argument("<source>", "source directory")
    .argument("<destination>", "destination directory")
    .option("--full", "read and hash both sides, whatever the services report")
    .option("--links", "count a symbolic link of the source that the destination lacks as missing (by default it is no difference: cp -r and sync skip links unless -L)")
    .option("--no-links", "skip symbolic links on both sides")
    .option("--concurrency <n>", "objects compared at once", count, 8)
    .option("-v, --verbose", "also print the objects that match");
  // --links and --no-links set one value (the last wins): given both, neither is meant; refused,
  // as sync refuses --checksum with --size-only.
  const linkFlags = new Set<string>();
  const linksGiven = (flag: string) => () => {
    linkFlags.add(flag);
    if (linkFlags.size > 1) throw new UsageError("--links and --no-links exclude each other");
  };
  cmd.on("option:links", linksGiven("--links")).on("option:no-links", linksGiven("--no-links"));
  addFilterOptions(cmd)
    .addHelpText("after", "\nExamples:\n  stowage verify ./photos/ backup:photos/\n  stowage verify --full fs:///srv/a/ fs:///srv/b/")
    .action(bind(verify));
}
