import type { Command } from "commander";
import { ErrorCode, isStorageError, storageError, type ObjectInfo, type Storager } from "@stowage/core";
import { confirm } from "../confirm.js";
import type { CliContext } from "../context.js";
import { formatDate, parseAge, plural } from "../format.js";
import { uploadStores } from "../pending-uploads.js";
import { namesDirectory, notADirectory } from "../slashed-operand.js";
import { flagParser } from "../transfer/settings.js";
import { isDir, isRoot, statOrUndefined } from "../transfer/jobs.js";
import { exitCodeOf, UsageError } from "../errors.js";
import { CountProgress } from "../count-progress.js";
import { abortFailureLines, abortSummary, abortUploads } from "../upload-aborts.js";
import type { Bind, CommandOptions } from "./command.js";
import { shownPath } from "../shown-path.js";

/** One upload as `uploads` prints it. */
function formatUpload(o: ObjectInfo & { store?: unknown; own?: unknown }, opts: CommandOptions): string {
  if (opts["json"]) {
    const { store: _store, own: _own, ...info } = o;
    return JSON.stringify(info);
  }
  if (!opts["long"]) return `${shownPath(o.path)}\t${o.multipartId ?? ""}`;
  return `${formatDate(o.lastModified).padEnd(20)}  ${shownPath(o.path)}\t${o.multipartId ?? ""}`;
}

async function uploads(ctx: CliContext, [arg]: string[], opts: CommandOptions): Promise<void> {
  // --yes and --dry-run only shape an abort: without --abort they would be ignored, so the command may not be what was meant.
  const abortOnly = [opts["yes"] ? "--yes" : "", opts["dryRun"] ? "--dry-run" : ""].filter((f) => f !== "");
  if (!opts["abort"] && abortOnly.length > 0) throw new UsageError(`uploads: ${abortOnly.join(" and ")} ${abortOnly.length === 1 ? "goes" : "go"} with --abort (without it, uploads only lists)`);
  const loc = ctx.locations.parse(arg!);
  const olderThan = opts["olderThan"] as number | undefined;
  const cutoff = olderThan === undefined ? undefined : Date.now() - olderThan;
  const found: Array<ObjectInfo & { store: Storager; own: string }> = [];
  let listed = 0;
  try {
    for (const { store, prefix } of await uploadStores(ctx, loc)) {
      for await (const o of store.list("", { mode: "part", signal: ctx.signal })) {
        listed++;
        // An upload whose start the service does not report is never "old enough".
        if (cutoff !== undefined && !(o.lastModified !== undefined && o.lastModified.getTime() < cutoff)) continue;
        found.push({ ...o, path: prefix + o.path, store, own: o.path });
      }
    }
  } catch (e) {
    // Listing a file (or nothing) fails on some storages (fs): told apart below, as ls tells it.
    const notThere = isStorageError(e, ErrorCode.ObjectNotExist) || isStorageError(e, ErrorCode.ObjectModeInvalid);
    if (listed > 0 || !notThere || (await isDir(ctx, loc))) throw e;
  }
  if (listed === 0 && !(await isDir(ctx, loc))) {
    // Nothing there at all, as ls sees it: a typo must not read as "no uploads".
    if (!isRoot(loc)) {
      const { endpoint, key } = await ctx.locations.object(loc);
      // `x/` names a directory, never the object x: answered as ls x/ answers (ObjectModeInvalid, or ObjectNotExist).
      if (namesDirectory(loc)) throw await notADirectory(ctx, loc, endpoint, key, "uploads");
      const info = await statOrUndefined(endpoint.store, key, { signal: ctx.signal });
      if (info !== undefined && info.mode !== "dir") throw new UsageError(`${shownPath(loc.display)} is an object, not a directory: uploads lists those below a directory`);
    }
    const what = isRoot(loc) && loc.type !== "fs" ? `${shownPath(loc.display)} does not exist (no such bucket or store)` : `${shownPath(loc.display)} does not exist`;
    throw storageError(ErrorCode.ObjectNotExist, what, { op: "uploads", service: loc.type });
  }
  if (!opts["abort"]) {
    for (const o of found) ctx.out(formatUpload(o, opts));
    return;
  }
  if (opts["dryRun"]) {
    // A tab before the id, as in the listing: a path may hold spaces.
    for (const o of found) ctx.out(`would abort ${shownPath(o.path)}\t${o.multipartId ?? ""}`);
    ctx.info(`uploads: would abort ${plural(found.length, "upload")}`);
    return;
  }
  if (found.length === 0) {
    ctx.info("uploads: nothing to abort");
    return;
  }
  if (!opts["yes"] && !(await confirm(ctx, `abort ${plural(found.length, "multipart upload")} under ${shownPath(loc.display)} (${found.length === 1 ? "its" : "their"} parts are deleted)?`))) {
    ctx.info("uploads: nothing aborted");
    return;
  }
  const progress = new CountProgress({ mode: ctx.progressMode, stream: ctx.io.stderr, intervalMs: ctx.options.progressInterval * 1000, label: "uploads", doing: "aborting", items: "uploads", total: found.length });
  progress.start();
  const toAbort = found.map((o) => ({ store: o.store, own: o.own, path: o.path, multipartId: o.multipartId! }));
  const outcome = await abortUploads(toAbort, ctx.signal, () => progress.tick()).finally(() => progress.stop());
  if (outcome.failed.length > 0) {
    for (const line of abortFailureLines(outcome)) ctx.warn(line);
    ctx.info(abortSummary(outcome, found.length));
    ctx.fail(exitCodeOf(outcome.failed[0]!.error));
    return;
  }
  ctx.info(`uploads: aborted ${plural(found.length, "upload")}`);
}

/**
 * `stowage uploads <location>`: the multipart uploads in progress below a location, and with
 * `--abort` an end to them (an interrupted upload keeps its parts, and their cost, until then).
 * A location with no uploads that is no directory either (a missing local directory, an empty
 * prefix, a missing bucket) fails with ObjectNotExist (exit 3), as `ls` of it does; an object
 * there, with UsageError (exit 2); `x/` where `x` is an object, with ObjectModeInvalid (exit 10), as `ls x/`.
 */
export function registerUploads(program: Command, bind: Bind): void {
  program
    .command("uploads")
    .description("list the multipart uploads in progress below a location; --abort ends them and deletes their parts (asks first unless --yes)")
    .argument("<location>", "a directory or prefix")
    .option("-l, --long", "when each upload started")
    .option("--json", "one JSON object per line (ObjectInfo with multipartId)")
    .option("--older-than <age>", "only uploads started longer ago than this (90s, 30m, 12h, 7d)", flagParser(parseAge))
    .option("--abort", "abort the uploads listed")
    .option("-y, --yes", "with --abort: do not ask for confirmation")
    .option("-n, --dry-run", "with --abort: print what would be aborted, change nothing")
    .addHelpText("after", "\nExamples:\n  stowage uploads -l backup:\n  stowage uploads --abort --older-than 7d --yes backup:2026/")
    .action(bind(uploads));
}
