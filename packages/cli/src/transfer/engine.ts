import { abortError, contextOf, isStorageError, storageError } from "@stowage/core";
import { CompareProgress, type CompareListener } from "../compare-progress.js";
import type { CliContext } from "../context.js";
import { describeError, exitCodeOf, shownLines, UsageError } from "../errors.js";
import { formatBytes, plural } from "../format.js";
import type { Endpoint } from "../locations.js";
import { TransferProgress } from "../progress.js";
import { Checkpoint, defaultCheckpointPath } from "./checkpoint.js";
import { resumeText } from "./resume-text.js";
import { inUseLine, liveHolder, openLocked, type LockHolder } from "./checkpoint-lock.js";
import { copyObject, type CopyEnv } from "./copy-object.js";
import { deleteFailureLines, deleteReporting, extrasLeft, mayBeGone, notDeletedReason, type DeleteResult } from "./delete-report.js";
import { refuseUnstorable, writesDigest, type GivenFields } from "./given-fields.js";
import { refuseGivenInParts, withPartsThreshold } from "./in-parts.js";
import type { Plan, PlanItem } from "./planner.js";
import { Limiter } from "./pool.js";
import { reportSpecials } from "./special-files.js";
import { TransferStop } from "./transfer-stop.js";
import { abortLostUploads, lostLine } from "./checkpoint-lost.js";
import { tuneFor, type TransferSettings } from "./settings.js";
import { newStats, summaryLine, type TransferStats } from "./stats.js";
import { Throttle } from "./throttle.js";
import { shownPath } from "../shown-path.js";
import { shellWord } from "../shell-word.js";

/** One cp, mv, sync, get or put. */
export interface TransferJob {
  /** Command name, for output and the checkpoint. */
  command: string;
  src: Endpoint;
  dst: Endpoint;
  settings: TransferSettings;
  /** Delete sources once copied and verified. */
  move: boolean;
  /** Content type and metadata (put), and headers (put, cp, mv, sync) to set on every written object. */
  writeOptions?: GivenFields;
  /** Identifies this job's checkpoint (hashed into the default file name; checkpoint-identity.ts). */
  identity: string;
  /**
   * Builds the plan (after the checkpoint is loaded, which it may consult); `progress` shows the
   * compare phase of a sync (objects compared, bytes hashed) while it goes on.
   */
  plan: (checkpoint: Checkpoint | undefined, progress: CompareListener) => Promise<Plan>;
}

/** What a transfer did. */
export interface TransferReport {
  stats: TransferStats;
  /** Items copied (and, for mv, moved). */
  copied: PlanItem[];
}

/**
 * Runs a transfer: loads (or starts) the checkpoint, plans, prints the plan on
 * `--dry-run`, else copies — small objects and large objects in two lanes of
 * their own concurrency, progress shown — deletes planned extras when nothing
 * failed, prints the summary (and `--stats-json`), and removes the
 * checkpoint once everything succeeded. Failures are reported per object and
 * set the exit code (the first failure's): a copy's (one refused when planned, PlanItem `refused`,
 * fails without a write, and likewise on `--dry-run`, which then lists no deletes), and a delete's (a
 * `deleteMany` that failed part-way: the summary and the stats count the
 * extras really deleted, those never attempted, and those failed, naming them, as not deleted or,
 * when their delete may have happened all the same, not confirmed deleted). Once a service refused
 * the credential itself, or the destination's file system is full (ENOSPC, EDQUOT; transfer-stop.ts),
 * objects not started yet are not attempted, and the run ends with one line saying so (a refused
 * credential: exit code 4). Ctrl-C keeps the checkpoint and throws `Aborted` — unless it stopped
 * nothing (every copy was done, or had failed of itself, and no delete was planned or a failed copy
 * held the deletes back: e.g. the last Complete was already sent and answered), when the run ends as
 * it would have without it: its summary, and the first failure's exit code. A run
 * that failed or was interrupted and kept its checkpoint says so (where, that running the same
 * command again resumes, and how many uploads stay at the destination with their parts until then:
 * not one whose Complete was answered). A default
 * checkpoint that is no checkpoint (not JSON, empty: damaged from outside) is warned of as it is
 * started over: the uploads it recorded may be left at the destination. A run
 * that failed or was interrupted before anything was recorded (no upload started, no object
 * finished) leaves no checkpoint: there is nothing to resume. The checkpoint is
 * locked while the run goes on; one another live run holds is not used (checkpoint-lock.ts). A
 * checkpoint that cannot be written (a full or read-only state directory) is warned of once, when
 * its first write fails, and the run goes on as one without a checkpoint: the uploads of the
 * objects that failed (or were interrupted) are aborted, and no checkpoint is said to be kept.
 * @throws StorageError from planning; `PairUnsupported` (before anything else) when a flag sets
 *   what the destination cannot store, or (once planned, before any copy) a header that a
 *   destination storing headers only with single-request writes cannot take on planned objects
 *   that go in parts; `Aborted` when interrupted.
 */
export async function runTransfer(ctx: CliContext, job: TransferJob): Promise<TransferReport> {
  const { src, dst } = job;
  refuseUnstorable(job.command, dst.store, job.writeOptions);
  // The destination's multipart_threshold, part_size and concurrency pairs apply unless a flag was given.
  // What is "large" (checkpointed, resumable) is what core writes in parts: above the threshold or above one request's most.
  const settings = withPartsThreshold(tuneFor(job.settings, dst.loc.query), dst.store);
  const writes = writesDigest(job.writeOptions, settings.guessContentType !== false, dst.loc.query);
  const path = settings.checkpoint === false ? undefined : (settings.checkpoint ?? defaultCheckpointPath(ctx.io.env, job.identity));
  const meta = {
    command: job.command,
    source: `${src.loc.type}://${src.loc.name}${src.dir}`,
    destination: `${dst.loc.type}://${dst.loc.name}${dst.dir}`,
    ...(writes === undefined ? {} : { writes }),
  };
  const named = typeof settings.checkpoint === "string";
  if (settings.dryRun) return transfer(ctx, job, settings, path === undefined ? undefined : await peekCheckpoint(ctx, job.command, path, meta, named));
  const locked = path === undefined ? undefined : await openLocked(job.command, path, meta, (line) => ctx.warn(line), named);
  try {
    return await transfer(ctx, job, settings, locked?.checkpoint);
  } finally {
    await locked?.release();
  }
}

/**
 * The checkpoint at `path` as a dry run uses it: read as the real run would read it (what an
 * earlier run finished is skipped), but neither locked, written nor removed; none when a live run
 * holds its lock (the real run would not use it either: said as it would say it).
 * @throws UsageError with `named`: a file that is no checkpoint of this transfer, or a `<path>.lock` that is no lock
 */
async function peekCheckpoint(ctx: CliContext, command: string, path: string, meta: Parameters<typeof Checkpoint.open>[1], named: boolean): Promise<Checkpoint | undefined> {
  const checkpoint = await Checkpoint.open(path, meta, named);
  let holder: LockHolder | undefined;
  try {
    holder = await liveHolder(path, named);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${command}: --checkpoint ${shownPath(path)}: ${e.message}`);
    throw e;
  }
  if (holder === undefined) return checkpoint;
  ctx.warn(inUseLine(command, path, holder, true));
  return undefined;
}

/** {@link runTransfer} once its checkpoint (if any) is open and locked. */
async function transfer(ctx: CliContext, job: TransferJob, settings: TransferSettings, checkpoint: Checkpoint | undefined): Promise<TransferReport> {
  const { src, dst } = job;
  const started = Date.now();
  const stats = newStats(job.command, settings.dryRun);
  const copied: PlanItem[] = [];
  const comparing = new CompareProgress({ mode: ctx.progressMode, stream: ctx.io.stderr, intervalMs: ctx.options.progressInterval * 1000, label: job.command });
  const plan = await job.plan(checkpoint, comparing).finally(() => comparing.stop());
  // A header flag QingStor cannot store with the objects that go in parts: refused before any copy.
  refuseGivenInParts(job.command, dst.store, job.writeOptions, settings.largeThreshold, plan.copies);
  stats.objects.planned = plan.copies.length;
  stats.objects.skipped = plan.skipped.length;
  stats.bytes.planned = plan.bytes;
  stats.objects.plannedDeletes = plan.deletes.length;
  stats.objects.special = plan.specials.length;
  reportSpecials(ctx, job.command, plan.specials);
  if (plan.links > 0) {
    const why = settings.copyLinks ? "leading to nothing readable: dangling, in a loop, or to a directory" : "not followed; -L copies what links lead to";
    ctx.info(`${job.command}: skipped ${plan.links} symbolic link${plan.links === 1 ? "" : "s"} (${why})`);
  }

  let firstFailure: unknown;
  /** A failure a rerun may get past (retryable, or not a StorageError) was met: see {@link keptLine}. */
  let passing = false;
  /** Counts a copy that failed (or was refused when planned) and names it through `log`. */
  const failed = (item: PlanItem, e: unknown, log: (line: string) => void): void => {
    firstFailure ??= e;
    if (mayPass(e)) passing = true;
    stats.objects.failed++;
    stats.failures.push({ path: item.rel, code: exitCodeName(e), message: describeError(e) });
    log(`${job.command} ${shownPath(item.rel)}: ${describeError(ctx.options.debug ? e : withoutNamedPath(e, item), ctx.options.debug)}`);
  };

  // A checkpoint whose write fails is warned of once, through the progress display while it shows.
  let say = (line: string): void => ctx.warn(line);
  if (checkpoint !== undefined) {
    const path = checkpoint.path;
    checkpoint.onLost = (e) => say(lostLine(job.command, path, e));
  }

  // Once a service refused the credential itself (a compare that refused it stops them all), or the
  // destination is full, objects not started yet are held back.
  const stop = new TransferStop();
  for (const item of plan.copies) if (item.refused !== undefined && item.heldBack !== true) stop.note(item.refused);
  if (checkpoint?.notRead !== undefined) {
    ctx.warn(`${job.command}: checkpoint ${checkpoint.path} is ${checkpoint.notRead}: not read (only a regular file is); starting over`);
  }
  if (checkpoint?.unreadable !== undefined) {
    const word = shellWord(dst.loc.display);
    ctx.warn(
      `${job.command}: checkpoint ${checkpoint.path} is not a stowage checkpoint (${checkpoint.unreadable}): starting over; ` +
        `uploads it recorded may be left at the destination (stowage uploads ${shownPath(word)} lists them)`,
    );
  }
  if (checkpoint?.writesChanged) {
    ctx.warn(
      `${job.command}: checkpoint ${checkpoint.path} was written by a run with other --content-type, --metadata, header or --no-guess-content-type flags, or other destination defaults (default_* pairs, storage class, SSE mode): ` +
        (job.command === "sync" ? "starting over (its uploads aborted; sync decides by content as always)" : "starting over (objects it finished are copied again, its uploads aborted)"),
    );
  }
  const resuming = checkpoint?.resumed === true ? resumeText(plan, checkpoint, settings, transferKind(job)) : undefined;
  if (resuming !== undefined) ctx.info(`${job.command}: ${settings.dryRun ? "would resume" : "resuming"} from checkpoint ${checkpoint!.path} (${resuming})`);
  if (settings.dryRun) {
    // A copy refused when planned (link-parents.ts) would fail as it does in a real run, and hold `--delete` back.
    for (const item of plan.copies) {
      if (item.heldBack === true && stop.holdBack()) continue;
      if (item.refused !== undefined) failed(item, item.refused, (line) => ctx.warn(line));
      else ctx.out(`would ${job.move ? "move" : "copy"} ${shownPath(item.rel)} (${formatBytes(item.size)}, ${item.reason})`);
    }
    if (firstFailure !== undefined && plan.deletes.length > 0) {
      ctx.warn(`would not delete ${plural(plan.deletes.length, "extra object")} because some copies would fail`);
      stats.objects.notAttempted = plan.deletes.length;
    } else {
      for (const o of plan.deletes) ctx.out(`would delete ${shownPath(o.path)}`);
    }
    if (firstFailure !== undefined) ctx.fail(exitCodeOf(stop.refusal ?? firstFailure));
    return finish(ctx, job, stats, started, copied, settings, undefined, stop.closingLine(job.command));
  }

  const env: CopyEnv = {
    src,
    dst,
    settings,
    signal: ctx.signal,
    stats,
    move: job.move,
    ...(checkpoint ? { checkpoint } : {}),
    ...(job.writeOptions ? { writeOptions: job.writeOptions } : {}),
    ...(settings.bwlimit ? { throttle: new Throttle(settings.bwlimit) } : {}),
  };
  const shared = settings.serverSide ? await ctx.locations.shared(src, dst) : undefined;
  if (shared !== undefined) env.shared = shared;

  const progress = new TransferProgress({
    mode: ctx.progressMode,
    stream: ctx.io.stderr,
    intervalMs: ctx.options.progressInterval * 1000,
    label: job.command,
    objects: plan.copies.length,
    bytes: plan.bytes,
  });
  env.warn = (item, message) => progress.log(`stowage: ${job.command} ${shownPath(item.rel)}: ${shownLines(message)}`);
  say = (line) => progress.log(`stowage: ${line}`);
  /** Objects started and not (yet) copied: once the copies end, those that failed or were interrupted. */
  const unfinished = new Set<PlanItem>();
  /** Copies not started because of Ctrl-C. */
  let notStarted = 0;
  /** Copies Ctrl-C stopped: started, and ended without success once it came (not counted as failed). */
  let interrupted = 0;
  const small = new Limiter(settings.smallConcurrency);
  const large = new Limiter(settings.largeConcurrency);
  /** What the delete of the extras (sync --delete) did, when it failed. */
  let deleteFailed: DeleteResult | undefined;
  progress.start();
  try {
    await Promise.all(
      plan.copies.map((item) =>
        (item.size > settings.largeThreshold ? large : small).run(async () => {
          if (ctx.signal.aborted) {
            notStarted++;
            return;
          }
          // One refused when planned is still reported (nothing is sent for it), unless its compare was held back.
          if ((item.refused === undefined || item.heldBack === true) && stop.holdBack()) return;
          const p = progress.object(item.rel, item.size);
          try {
            // Refused when planned (a destination path through a symbolic link): nothing is written.
            if (item.refused !== undefined) throw item.refused;
            unfinished.add(item);
            await copyObject(env, item, p);
            unfinished.delete(item);
            p.end(true);
            copied.push(item);
          } catch (e) {
            p.end(false);
            if (ctx.signal.aborted) {
              interrupted++;
              return;
            }
            failed(item, e, (line) => progress.log(`stowage: ${line}`));
            stop.note(e);
          }
        }),
      ),
    );
  } finally {
    progress.stop();
    say = (line) => ctx.warn(line);
  }

  // A Ctrl-C that stopped nothing (every copy had been done or had failed of itself, e.g. its
  // Complete was already sent and answered; and no delete was planned, or a failed copy holds the
  // deletes back anyway) leaves the run's summary and exit code as they are. Failed copies stay in
  // `unfinished` (for their uploads): only those Ctrl-C stopped count here.
  const deletesStopped = plan.deletes.length > 0 && stats.objects.failed === 0;
  if (ctx.signal.aborted && (interrupted > 0 || notStarted > 0 || deletesStopped)) {
    if (await keepCheckpoint(checkpoint)) ctx.warn(keptLine(job.command, checkpoint!));
    // A lost checkpoint resumes nothing: the uploads of the objects interrupted are aborted.
    await abortLostUploads(job.command, dst.store, checkpoint, withParts(checkpoint, unfinished), (line) => ctx.warn(line));
    throw abortError(ctx.signal);
  }

  stats.objects.notAttempted = stop.notAttempted;
  if (plan.deletes.length > 0) {
    if (stats.objects.failed > 0) {
      ctx.warn(`not deleting ${plural(plan.deletes.length, "extra object")} because some copies failed`);
      stats.objects.notAttempted += plan.deletes.length;
    } else {
      const result = await deleteReporting(
        dst.store,
        plan.deletes.map((o) => o.path),
        ctx.signal,
      );
      stats.objects.deleted = result.deleted.length;
      if (result.error !== undefined) {
        firstFailure ??= result.error;
        deleteFailed = result;
        stats.objects.failed += result.failed.length;
        stats.objects.notConfirmed += result.failed.filter(mayBeGone).length;
        stats.objects.notAttempted += result.notAttempted.length;
        for (const f of result.failed) stats.failures.push({ path: f.path, code: f.code, message: notDeletedReason(f) });
        for (const line of deleteFailureLines(job.command, result)) ctx.warn(line);
      }
    }
  }
  if (firstFailure !== undefined) {
    // As after Ctrl-C: a rerun resumes what the checkpoint records. Only said so when a rerun can
    // get further: objects not attempted, a failure that may pass, or uploads to go on with.
    const further = passing || stop.notAttempted > 0 || stop.refusal !== undefined || (deleteFailed !== undefined && mayPass(deleteFailed.error));
    if (await keepCheckpoint(checkpoint)) ctx.warn(keptLine(job.command, checkpoint!, further));
    // A lost checkpoint (this last write too may have failed) resumes nothing: the failed objects' uploads are aborted.
    await abortLostUploads(job.command, dst.store, checkpoint, withParts(checkpoint, unfinished), (line) => ctx.warn(line));
    ctx.fail(exitCodeOf(stop.refusal ?? firstFailure));
  } else {
    await checkpoint?.remove();
  }
  const deletes = deleteFailed === undefined ? undefined : { result: deleteFailed, of: plan.deletes.length };
  return finish(ctx, job, stats, started, copied, settings, deletes, stop.closingLine(job.command));
}

/**
 * After a failed or interrupted run: writes the checkpoint when it records something to resume
 * (true), else removes it, so the next run does not claim to resume from it (false). False too when
 * the checkpoint is lost (a write failed, this one or an earlier: checkpoint.ts), with the file as
 * the last write that worked left it: this run cannot be resumed, and the caller aborts its uploads.
 */
async function keepCheckpoint(checkpoint: Checkpoint | undefined): Promise<boolean> {
  if (checkpoint === undefined) return false;
  if (checkpoint.empty) {
    await checkpoint.remove().catch(() => undefined);
    return false;
  }
  await checkpoint.flush().catch(() => undefined);
  return checkpoint.lost === undefined;
}

/**
 * The items of `items` whose recorded upload (if any) still holds parts: not those whose upload is
 * ended (checkpoint.ts `UploadRecord.ended`: its Complete answered, nothing to abort).
 * @throws nothing
 */
function withParts(checkpoint: Checkpoint | undefined, items: Iterable<PlanItem>): PlanItem[] {
  return [...items].filter((item) => checkpoint?.staleUpload(item.dstPath)?.ended !== true);
}

/**
 * The line of a run that stopped short (Ctrl-C, or a failure) and kept its checkpoint: where it is,
 * that running the same command again resumes, and how many multipart uploads (with their parts)
 * stay at the destination until then (not those ended: completed, or found gone). Without
 * `further` (every failure was one a rerun meets again: see `mayPass`; nothing left unattempted)
 * and with no upload to go on with, it says that instead of "resume".
 * @throws nothing
 */
function keptLine(command: string, checkpoint: Checkpoint, further = true): string {
  const n = checkpoint.uploadCount;
  if (n === 0 && !further) {
    return `${command}: checkpoint kept at ${checkpoint.path}; the failures above come from the objects or the command as given: running the same command again meets them again until those are changed`;
  }
  const uploads = n === 0 ? "" : ` (${plural(n, "multipart upload")} ${n === 1 ? "stays" : "stay"} at the destination with ${n === 1 ? "its" : "their"} parts until then)`;
  return `${command}: checkpoint kept at ${checkpoint.path}; run the same command again to resume${uploads}`;
}

/**
 * Codes of failures that come from the object or the command as given (an over-long key, a name the
 * storage refuses, an object in the way, an option the storage does not take): a rerun meets them
 * again. A missing source, a changed one (`Conflict`), a refused credential or a corrupted transfer
 * may be gone by the next run.
 */
const STANDING_CODES: ReadonlySet<string> = new Set(["InvalidArgument", "ObjectModeInvalid", "CapabilityInsufficient", "PairUnsupported", "PairRequired"]);

/** True unless `e` is a StorageError a rerun meets again (not retryable, of {@link STANDING_CODES}). @throws nothing */
function mayPass(e: unknown): boolean {
  return !isStorageError(e) || e.retryable === true || !STANDING_CODES.has(e.code);
}

/** Paths at least this long are not repeated in an object's failure line that names them already. */
const LONG_PATH = 100;

/**
 * `e` without its path in the context when that path is the object the failure line names (its
 * source or destination path) and long: the line shows it once, in front. Else `e` itself.
 * @throws nothing
 */
function withoutNamedPath(e: unknown, item: PlanItem): unknown {
  if (!isStorageError(e) || e.path === undefined || e.path.length < LONG_PATH) return e;
  if (e.path !== item.dstPath && e.path !== item.srcPath && e.path !== item.rel) return e;
  return storageError(e.code, e.detail, { ...contextOf(e), retryable: e.retryable });
}

/** A multipart transfer into a local file (get, or cp from a service) is a download. */
function transferKind(job: TransferJob): "upload" | "download" {
  return job.dst.loc.type === "fs" && job.src.loc.type !== "fs" ? "download" : "upload";
}

function exitCodeName(e: unknown): string {
  return (e as { code?: unknown } | undefined)?.code === undefined ? "Unexpected" : String((e as { code: unknown }).code);
}

function finish(
  ctx: CliContext,
  job: TransferJob,
  stats: TransferStats,
  started: number,
  copied: PlanItem[],
  settings: TransferSettings,
  deletes?: { result: DeleteResult; of: number },
  stopLine?: string,
): TransferReport {
  stats.durationMs = Date.now() - started;
  ctx.info(summaryLine(stats, transferKind(job)));
  if (settings.statsJson) ctx.out(JSON.stringify(stats));
  // Extras are deleted only when every copy succeeded: the failures are copies', or deletes'.
  if (deletes !== undefined) ctx.warn(`${extrasLeft(deletes.result, deletes.of)}; see the messages above`);
  else if (stats.failures.length > 0) {
    // Of every object the run looked at: those to copy and those skipped (unchanged, done before, links).
    const { planned, skipped } = stats.objects;
    ctx.warn(`${stats.failures.length} of ${plural(planned + skipped, "object")} failed${skipped > 0 ? ` (${skipped} skipped)` : ""}; see the messages above`);
  }
  // Last: after a credential refusal or a full destination, what was not attempted and how to go on.
  if (stopLine !== undefined) ctx.warn(stopLine);
  return { stats, copied };
}
