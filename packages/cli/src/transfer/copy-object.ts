import { crc64Equal, ErrorCode, graceSignal, isStorageError, SENT_REQUEST_GRACE_MS, storageError, type Progress, type StorageError } from "@stowage/core";
import type { Endpoint, SharedStore } from "../locations.js";
import type { ObjectProgress } from "../progress.js";
import { hashObject, verifyCopy, type Checksums, type VerifyResult } from "../verify.js";
import { sourceIdOf, type Checkpoint, type DestinationId } from "./checkpoint.js";
import type { PlanItem } from "./planner.js";
import { carriesGiven, copyAttributesFor, inPlace } from "./attribute-copy.js";
import type { GivenFields } from "./given-fields.js";
import { deleteSource, keepOnlyWhole } from "./source-check.js";
import { guardedLocalCopy } from "./source-guard.js";
import type { TransferSettings } from "./settings.js";
import type { TransferStats } from "./stats.js";
import { SOURCE_RESTARTS } from "./source-restart.js";
import { streamCopy, type Sent } from "./stream-copy.js";
import type { Throttle } from "./throttle.js";

/** Everything one object copy needs besides the object. */
export interface CopyEnv {
  src: Endpoint;
  dst: Endpoint;
  /** Set when both sides are in one account and server-side copy is allowed. */
  shared?: SharedStore;
  settings: TransferSettings;
  checkpoint?: Checkpoint;
  throttle?: Throttle;
  signal: AbortSignal;
  stats: TransferStats;
  /** Delete the source once the copy is verified (mv). */
  move: boolean;
  /**
   * Set on every object written (--content-type, --metadata, --cache-control, ...); wins over the
   * source's. A server-side copy carries it with the source's other attributes where the storage
   * copies with attributes (attribute-copy.ts); elsewhere such a copy streams.
   */
  writeOptions?: GivenFields;
  /** Prints a warning about `item` (on stderr, without breaking the progress display). */
  warn?: (item: PlanItem, message: string) => void;
}

/**
 * What the destination holds after a verified copy, for the checkpoint: the verifying stat's ETag
 * and CRC-64 when it took one, else the write's answer (its ETag, and its CRC-64 when the service
 * confirmed it). No extra request.
 */
function destinationIdOf(sent: Sent, check: VerifyResult): DestinationId {
  const stored = check.stored;
  const etag = stored?.etag ?? sent.etag;
  const checked = check.method === "crc64" || check.method === "reread" || sent.confirmed === true;
  const crc64 = stored?.crc64 ?? (checked ? sent.crc64 : undefined);
  return { size: stored?.size ?? sent.size, ...(etag === undefined ? {} : { etag }), ...(crc64 === undefined ? {} : { crc64 }) };
}

/** Warns that the `--verify` re-read of the copy broke and is started again (verify.ts hashObject). */
function rereadRestart(env: CopyEnv, item: PlanItem): (n: number, e: StorageError) => void {
  return (n, e) => env.warn?.(item, `the re-read of the copy failed (${e.detail}); reading it again from the start (${n} of ${SOURCE_RESTARTS})`);
}

function signalOf(env: CopyEnv): { signal: AbortSignal } {
  return { signal: env.signal };
}

/**
 * Verifies what the destination holds against what was sent (verify.ts `verifyCopy`): its stat and
 * the CRC-64 (or MD5) comparison, cheap and bounded, under `late`'s signal (the grace of
 * {@link afterWrite}); then, with `--verify`, the re-read of the whole object, which may take long,
 * under the command's own signal (`env`): Ctrl-C stops it at once, and the object is not recorded
 * done (a rerun finds its upload ended or gone, checks the destination and re-reads it then).
 * @throws ObjectNotExist (the copy is gone), Aborted; from the re-read, what verify.ts `hashObject`
 *   throws: ServiceInternal (it broke on every try), IntegrityMismatch (the service's own check on it)
 */
async function verifyStored(env: CopyEnv, late: CopyEnv, item: PlanItem, sent: Checksums): Promise<VerifyResult> {
  const check = await verifyCopy(late.dst.store, item.dstPath, sent, { reread: false, ...signalOf(late) });
  if (!check.ok || !env.settings.verify || sent.crc64 === undefined) return check;
  const read = await hashObject(env.dst.store, item.dstPath, { ...signalOf(env), onRestart: rereadRestart(env, item) });
  const stored = check.stored === undefined ? {} : { stored: check.stored };
  if (read.size !== sent.size) return { ok: false, method: "reread", detail: `size differs: expected ${sent.size}, found ${read.size}`, ...stored };
  if (!crc64Equal(read.crc64!, sent.crc64)) return { ok: false, method: "reread", detail: `crc64 differs: expected ${sent.crc64}, found ${read.crc64!}`, ...stored };
  return { ok: true, method: "reread", ...stored };
}

/**
 * Copies one planned object: server-side when the account is shared (and the
 * object is within the service's copy limit; with flags, when the storage copies with attributes:
 * the copy then carries the source's attributes with the flags over them; between two local
 * directories each side confined by the fs driver to its own directory), else streamed from source to
 * destination, large objects in concurrent parts with a resumable,
 * checkpointed multipart upload; a streamed copy whose source read broke starts again from byte 0,
 * at most twice (stream-copy.ts). Then verifies the copy (its stat and CRC-64 comparison under the
 * grace of a sent request: a Ctrl-C that came once the object was stored does not keep it from being
 * recorded, afterWrite; a `--verify` re-read of the whole object stops at Ctrl-C) and, for mv, deletes
 * the source once a fresh stat shows it unchanged, and records the object done in the checkpoint
 * with what the destination then holds (size, ETag, CRC-64). A copy that fails
 * verification is deleted and reported — except after a server-side move,
 * whose destination holds the only copy and is kept.
 * @throws StorageError from either side (a source read's retryable error once the restarts are
 *   used up); IntegrityMismatch when verification fails;
 *   Conflict from a local file that changed while it was read (nothing stored: the destination
 *   keeps what it held; mv keeps the source; source-guard.ts); Conflict (mv) when the source changed
 *   after it was copied (the source is kept); Conflict (cp, sync from a local file, streamed or
 *   copied by the file system) when it changed after it was read, while the copy was stored (the
 *   copy is deleted: the destination's previous object is gone);
 *   InvalidArgument (mv) when the destination cannot take all of the source's metadata, its
 *   Content-Type or its Cache-Control, Content-Disposition, Content-Encoding or Expires (nothing is
 *   written, the source is kept).
 */
export async function copyObject(env: CopyEnv, item: PlanItem, progress: ObjectProgress): Promise<void> {
  const limit = env.shared?.store.features.limits.copySizeMaximum;
  const serverSide = env.shared !== undefined && env.settings.serverSide && carriesGiven(env) && !item.viaLink && (limit === undefined || item.size <= limit);
  let destination = serverSide ? await serverSideCopy(env, env.shared!, item, progress) : false;
  if (destination !== false) {
    progress.update(item.size);
  } else {
    const sent = await streamCopy(env, item, progress);
    destination = await afterWrite(env, (late) => checkStored(env, late, item, sent));
  }
  env.checkpoint?.markDone(item.dstPath, sourceIdOf(item.src), destination);
  env.stats.objects.copied++;
  env.stats.bytes.copied += item.size;
}

/**
 * Runs `checks` of an object the write (or copy) has stored. A Ctrl-C from then on comes too late
 * to stop the copy: the cheap, bounded checks (the verifying stat and CRC-64 comparison, a local
 * source's second look) get the grace core gives a request already sent (`SENT_REQUEST_GRACE_MS`),
 * so that the object is recorded done and counted, and a Ctrl-C that stopped nothing else leaves the
 * run's summary and exit code as they are (engine.ts). What may take long is not in the grace: a
 * `--verify` re-read of the whole object ({@link verifyStored}) and a move's delete of its source
 * stop at Ctrl-C, the object is not recorded done, and a rerun finds it stored
 * (upload-to-resume.ts) and re-reads it, or deletes the source, then.
 * @throws what `checks` throws (Aborted once the grace is over)
 */
async function afterWrite<T>(env: CopyEnv, checks: (late: CopyEnv) => Promise<T>): Promise<T> {
  const grace = graceSignal(env.signal, SENT_REQUEST_GRACE_MS);
  try {
    return await checks({ ...env, signal: grace.signal ?? env.signal });
  } finally {
    grace.release();
  }
}

/**
 * Verifies a streamed copy ({@link verifyStored}; `late`: `env` under the grace of {@link afterWrite}), then, for
 * mv, deletes the source (under the command's own signal) once a fresh stat shows it unchanged, else
 * checks that a local source is still what was read; returns what the destination then holds.
 * @throws IntegrityMismatch (the copy deleted), Conflict (source-check.ts), Aborted
 */
async function checkStored(env: CopyEnv, late: CopyEnv, item: PlanItem, sent: Sent): Promise<DestinationId> {
  const check = await verifyStored(env, late, item, sent);
  await settle(late, item, check);
  if (env.move) await deleteSource(env, item, sent.size);
  else await keepOnlyWhole(late, item, sent.size);
  return destinationIdOf(sent, check);
}

/**
 * Copies (or moves) within one storage, then verifies; returns what the destination then holds.
 * With flags the copy carries the source's attributes with the flags over them (attribute-copy.ts),
 * and a move is a copy then the checked delete of the source. A copy onto the object itself (cp
 * changing its attributes in place) keeps it whatever the verification says.
 * False when the service copies no such object and changed nothing (`ObjectModeInvalid`: COS, OSS
 * and QingStor copy no appendable object server-side), or, between two local directories, the fs
 * driver refused a path that leaves its side's directory (`InvalidArgument`, `path escapes ...`:
 * `shared.within`; a directory symlink inside either side, a source that is a symbolic link) before
 * anything changed: the caller streams it instead (never onto itself), each side then confined by
 * its own storager. A copy (not a rename) from a local file is then checked as a streamed one is
 * (source-check.ts `keepOnlyWhole`).
 */
async function serverSideCopy(env: CopyEnv, shared: SharedStore, item: PlanItem, progress: ObjectProgress): Promise<DestinationId | false> {
  const from = shared.aPrefix + item.srcPath;
  const to = shared.bPrefix + item.dstPath;
  // No listing of COS, OSS or memory carries a CRC-64, their stat does: one stat (HEAD) of the source,
  // before anything is copied, gives the CRC-64 the copy's (from the verifying stat or re-read) must
  // match; the same stat gives the attributes a copy with flags carries.
  const wantCrc = item.src.crc64 === undefined && shared.store.features.crc64;
  const stat = item.stated !== true && (wantCrc || env.writeOptions !== undefined) ? await env.src.store.stat(item.srcPath, signalOf(env)) : undefined;
  // Before anything is copied: a move whose attributes the destination cannot all take fails here.
  const attributes = await copyAttributesFor(env, item, stat);
  const onItself = inPlace(env, item);
  let expected: string | undefined = item.src.crc64 ?? stat?.crc64;
  if (env.settings.verify && expected === undefined) {
    // Read before anything is copied: a read that breaks is started again (hashObject) and warned of.
    const onRestart = (n: number, e: StorageError): void =>
      env.warn?.(item, `the source read for its CRC-64 failed (${e.detail}); reading it again from the start (${n} of ${SOURCE_RESTARTS})`);
    expected = (await hashObject(env.src.store, item.srcPath, { ...signalOf(env), onRestart })).crc64;
  }
  const moved = env.move && shared.store.features.move && attributes === undefined;
  try {
    // The service reports as it copies (a multipart copy: range by range).
    const report = (p: Progress): void => progress.update(p.bytes);
    // Between two local directories: a source file edited during the copy fails it before the
    // fs driver renames the copy into place (the destination keeps what it held).
    const local = shared.within !== undefined && !moved && !onItself;
    const onProgress = local ? guardedLocalCopy(env, item, env.src.store.info.workDir + item.srcPath, report) : report;
    const options = { ...signalOf(env), onProgress, ...attributes, ...shared.within };
    if (moved) await shared.store.move(from, to, options);
    else await shared.store.copy(from, to, options);
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectModeInvalid) && !onItself) return false;
    // The fs driver refuses a path before anything changes: streamed, each side stays in its own directory.
    if (isStorageError(e, ErrorCode.InvalidArgument) && shared.within !== undefined && !onItself) return false;
    throw e;
  }
  env.stats.bytes.serverSide += item.size;
  const sent: Checksums = { size: item.size, ...(expected === undefined ? {} : { crc64: expected }) };
  // The copy is done: its checks get the grace of a sent request (afterWrite), a move's delete of its source does not.
  return afterWrite(env, async (late) => {
    const check = await verifyStored(env, late, item, sent);
    // After a move, or onto itself, the destination holds the only copy: a failed check is reported, never "cleaned up".
    const kept = moved
      ? "the object was moved server-side and is kept at the destination (it may have changed while being moved)"
      : "the object's attributes were changed in place and it is kept (it may have changed while being copied)";
    await settle(late, item, check, moved || onItself ? kept : undefined);
    if (env.move && !moved) await deleteSource(env, item, item.size);
    // A local file edited while the file system copied it: reported, the copy deleted, as when streamed.
    else if (!moved && !onItself) await keepOnlyWhole(late, item, item.size);
    return destinationIdOf(sent, check);
  });
}

/**
 * Counts a verification; a mismatch deletes the bad copy (so a re-run copies it again) and throws;
 * not with `kept` (the destination holds the only copy; why it is kept, for the message).
 */
async function settle(env: CopyEnv, item: PlanItem, check: VerifyResult, kept?: string): Promise<void> {
  if (check.ok) {
    if (check.method !== "size") env.stats.objects.verified++;
    return;
  }
  env.stats.objects.mismatched++;
  if (kept === undefined) await env.dst.store.delete(item.dstPath).catch(() => undefined);
  const what = kept !== undefined ? `${kept}; check it` : "the copy was deleted";
  throw storageError(ErrorCode.IntegrityMismatch, `verification failed (${check.method}): ${check.detail}; ${what}`, {
    op: "verify",
    service: env.dst.store.info.service,
    path: item.dstPath,
  });
}
