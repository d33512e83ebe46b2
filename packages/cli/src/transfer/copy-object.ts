import {
  crc64Equal,
  ErrorCode,
  isStorageError,
  planPartSize,
  storageError,
  type Progress,
  type WriteOptions,
  type WriteResult,
} from "@stowage/core";
import type { Endpoint, SharedStore } from "../locations.js";
import type { ObjectProgress } from "../progress.js";
import { hashObject, verifyCopy, type Checksums, type VerifyResult } from "../verify.js";
import { sourceIdOf, type Checkpoint, type DestinationId } from "./checkpoint.js";
import type { PlanItem } from "./planner.js";
import { contentTypeFor } from "./content-type.js";
import { carriesGiven, copyAttributesFor, inPlace } from "./attribute-copy.js";
import type { GivenFields } from "./given-fields.js";
import { fillFromSource, headersOf, lackingFields, leaveOutUncarried } from "./kept-fields.js";
import { resumePoint } from "./resume-point.js";
import { Md5Tap, openSource } from "./source-stream.js";
import { deleteSource, keepOnlyWhole } from "./source-check.js";
import type { TransferSettings } from "./settings.js";
import type { TransferStats } from "./stats.js";
import type { Throttle } from "./throttle.js";
import { uploadExists, uploadToResume } from "./upload-to-resume.js";

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

/** What a streamed write sent, and the ETag the destination answered it with. */
type Sent = Checksums & { etag?: string };

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

function signalOf(env: CopyEnv): { signal: AbortSignal } {
  return { signal: env.signal };
}

/**
 * Copies one planned object: server-side when the account is shared (and the
 * object is within the service's copy limit; with flags, when the storage copies with attributes:
 * the copy then carries the source's attributes with the flags over them), else streamed from source to
 * destination, large objects in concurrent parts with a resumable,
 * checkpointed multipart upload. Then verifies the copy and, for mv, deletes
 * the source once a fresh stat shows it unchanged, and records the object done in the checkpoint
 * with what the destination then holds (size, ETag, CRC-64). A copy that fails
 * verification is deleted and reported — except after a server-side move,
 * whose destination holds the only copy and is kept.
 * @throws StorageError from either side; IntegrityMismatch when verification fails;
 *   Conflict (mv) when the source changed while it was copied (the source is kept);
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
    const check = await verifyCopy(env.dst.store, item.dstPath, sent, { reread: env.settings.verify, ...signalOf(env) });
    await settle(env, item, check);
    if (env.move) await deleteSource(env, item, sent.size);
    else await keepOnlyWhole(env, item, sent.size);
    destination = destinationIdOf(sent, check);
  }
  env.checkpoint?.markDone(item.dstPath, sourceIdOf(item.src), destination);
  env.stats.objects.copied++;
  env.stats.bytes.copied += item.size;
}

/**
 * Copies (or moves) within one storage, then verifies; returns what the destination then holds.
 * With flags the copy carries the source's attributes with the flags over them (attribute-copy.ts),
 * and a move is a copy then the checked delete of the source. A copy onto the object itself (cp
 * changing its attributes in place) keeps it whatever the verification says.
 * False when the service copies no such object and changed nothing (`ObjectModeInvalid`: COS, OSS
 * and QingStor copy no appendable object server-side): the caller streams it instead (never onto itself).
 */
async function serverSideCopy(env: CopyEnv, shared: SharedStore, item: PlanItem, progress: ObjectProgress): Promise<DestinationId | false> {
  const from = shared.aPrefix + item.srcPath;
  const to = shared.bPrefix + item.dstPath;
  // Before anything is copied: a move whose attributes the destination cannot all take fails here.
  const attributes = await copyAttributesFor(env, item);
  const onItself = inPlace(env, item);
  let expected: string | undefined = item.src.crc64;
  if (env.settings.verify && expected === undefined) expected = (await hashObject(env.src.store, item.srcPath, signalOf(env))).crc64;
  const moved = env.move && shared.store.features.move && attributes === undefined;
  try {
    // The service reports as it copies (a multipart copy: range by range).
    const options = { ...signalOf(env), onProgress: (p: Progress) => progress.update(p.bytes), ...attributes };
    if (moved) await shared.store.move(from, to, options);
    else await shared.store.copy(from, to, options);
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectModeInvalid) && !onItself) return false;
    throw e;
  }
  env.stats.bytes.serverSide += item.size;
  const sent: Checksums = { size: item.size, ...(expected === undefined ? {} : { crc64: expected }) };
  const check = await verifyCopy(env.dst.store, item.dstPath, sent, { reread: env.settings.verify, ...signalOf(env) });
  // After a move, or onto itself, the destination holds the only copy: a failed check is reported, never "cleaned up".
  const kept = moved
    ? "the object was moved server-side and is kept at the destination (it may have changed while being moved)"
    : "the object's attributes were changed in place and it is kept (it may have changed while being copied)";
  await settle(env, item, check, moved || onItself ? kept : undefined);
  if (env.move && !moved) await deleteSource(env, item, item.size);
  return destinationIdOf(sent, check);
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

/**
 * Streams the source into the destination; returns what was sent. A checkpointed upload is
 * resumed; resumed past its stored parts (`resumeOffset`) and failing with IntegrityMismatch, it is
 * tried once more from offset 0 in the same upload before the upload is given up.
 */
async function streamCopy(env: CopyEnv, item: PlanItem, progress: ObjectProgress): Promise<Sent> {
  const { settings, checkpoint, stats } = env;
  const dst = env.dst.store;
  const key = item.dstPath;
  const source = sourceIdOf(item.src);
  const resumable = checkpoint !== undefined && item.size > settings.largeThreshold && dst.features.multipart;

  const resume = await uploadToResume(dst, checkpoint, key, source, resumable, env.signal);
  const limits = dst.features.limits;
  const partSize = planPartSize({
    size: item.size,
    partSize: resume?.partSize ?? settings.partSize,
    ...(limits.multipartSizeMinimum === undefined ? {} : { multipartSizeMinimum: limits.multipartSizeMinimum }),
    ...(limits.multipartSizeMaximum === undefined ? {} : { multipartSizeMaximum: limits.multipartSizeMaximum }),
    ...(limits.multipartNumberMaximum === undefined ? {} : { multipartNumberMaximum: limits.multipartNumberMaximum }),
  });

  // A resumed copy whose source states its CRC64 need not read the parts already stored again: what
  // the destination holds is checked against that CRC64 before the upload completes.
  const known = item.src.crc64;
  const from = item.readFrom ?? { store: env.src.store, path: item.srcPath };
  let offset =
    resume !== undefined && known !== undefined && from.store.features.readRange
      ? await resumePoint(dst, key, resume.multipartId, partSize, item.size, env.signal)
      : 0;

  // The source's own type; for a local file, the one its name suggests (unless --no-guess-content-type).
  const contentType = contentTypeFor(dst, item.src.contentType, from.store, item.srcPath, settings.guessContentType !== false);
  let created: Promise<void> | undefined;
  /** Bytes the current attempt reported done (with a resume: from 0, the parts taken as stored included). */
  let reached = 0;
  const options: WriteOptions = {
    size: item.size,
    signal: env.signal,
    multipartThreshold: settings.largeThreshold,
    partSize,
    concurrency: settings.partConcurrency,
    onProgress: (p) => {
      reached = p.bytes;
      progress.update(p.bytes);
      if (resumable) checkpoint.progress(key, p.bytes);
    },
    ...(contentType === undefined ? {} : { contentType }),
    ...(item.src.metadata !== undefined && Object.keys(item.src.metadata).length > 0 && dst.features.userMetadata ? { metadata: item.src.metadata } : {}),
    // Those a destination cannot store are left out below, with a warning (a move fails instead).
    ...headersOf(item.src),
  };
  Object.assign(options, env.writeOptions);
  // What the source's listing lacks (COS and OSS list neither type nor metadata, QingStor no metadata,
  // and none lists Cache-Control, Content-Disposition, Content-Encoding or Expires) comes from its
  // GET's answer, before the write starts: no stat per object. Not for a resumed upload, which has
  // the type, metadata and headers its first run gave it.
  let lacking = resume === undefined ? lackingFields(env, item, from.store) : undefined;
  if (known !== undefined) options.crc64 = known;
  if (resumable && resume !== undefined) options.multipartId = resume.multipartId;
  let createdId: string | undefined;
  if (resumable && resume === undefined) {
    options.onMultipartCreate = (multipartId) => {
      createdId = multipartId;
      created = checkpoint.startUpload(key, { multipartId, partSize, source, bytesDone: 0 }).catch(() => undefined);
    };
  }
  let result: WriteResult | undefined;
  let md5: Md5Tap | undefined;
  /** Parts a failed first attempt stored: the retry finds them stored, but this run sent them. */
  const earlier = { bytes: 0, parts: 0 };
  // At most two attempts: a resume from `offset` whose stored parts turn out wrong is tried once more from 0.
  for (let attempt = 1; result === undefined; attempt++) {
    md5 = !dst.features.crc64 && !env.dst.loc.local && offset === 0 ? new Md5Tap() : undefined;
    const { read, body, object } = openSource(env, from, partSize, offset, md5, lacking !== undefined);
    try {
      if (object !== undefined) {
        fillFromSource(options, lacking!, await object);
        lacking = undefined;
      }
      // What of the source's type, metadata and headers the write would refuse is left out, with a warning
      // (a move fails here instead, before anything is written: its source keeps what would be lost).
      if (attempt === 1) leaveOutUncarried(env, item, options);
      result = await dst.write(key, body, offset > 0 ? { ...options, resumeOffset: offset } : options);
    } catch (e) {
      body.destroy(); // release the source if the write failed before reading it all
      read.destroy();
      const uploadId = resume?.multipartId ?? createdId;
      if (uploadId !== undefined && isStorageError(e, ErrorCode.IntegrityMismatch)) {
        await created;
        // Resumed at `offset`, the parts before it were taken as stored unread: one of them (or the
        // source read after it) holds other bytes. From 0 the engine reads the whole source again,
        // compares every stored part and re-sends only the wrong ones. Not when the upload is gone.
        if (offset > 0 && attempt === 1 && (await uploadExists(dst, key, uploadId, env.signal).catch(() => false))) {
          earlier.bytes = Math.max(0, reached - offset);
          earlier.parts = Math.ceil(earlier.bytes / partSize);
          offset = 0;
          reached = 0;
          continue;
        }
        // The stored parts hold other bytes than the source has (or a part was stored wrong twice and
        // the engine aborted the upload): start this object over next time, without claiming a resume.
        await dst.delete(key, { multipartId: uploadId }).catch(() => undefined);
        checkpoint?.dropUpload(key);
      }
      throw e;
    } finally {
      await created;
    }
  }

  const skipped = { parts: Math.max(0, (result.resumedParts ?? 0) - earlier.parts), bytes: Math.max(0, (result.resumedBytes ?? 0) - earlier.bytes) };
  if (resume !== undefined) stats.parts.resumedUploads++;
  stats.parts.skipped += skipped.parts;
  stats.bytes.resumed += skipped.bytes;
  stats.bytes.sent += result.size - skipped.bytes;

  if (item.src.crc64 !== undefined && result.crc64 !== undefined && !crc64Equal(item.src.crc64, result.crc64)) {
    stats.objects.mismatched++;
    throw storageError(ErrorCode.IntegrityMismatch, `the bytes read hash to ${result.crc64}, the source reports ${item.src.crc64} (changed while copying?)`, {
      op: "verify",
      service: env.src.store.info.service,
      path: item.srcPath,
    });
  }
  return {
    size: result.size,
    ...(result.crc64 === undefined ? {} : { crc64: result.crc64 }),
    ...(md5 === undefined ? {} : { md5: md5.md5.digestBase64() }),
    ...(result.crc64Confirmed === true ? { confirmed: true } : {}),
    ...(result.etag === undefined ? {} : { etag: result.etag }),
  };
}
