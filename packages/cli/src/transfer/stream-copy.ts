import { crc64Equal, ErrorCode, isStorageError, planPartSize, storageError, type Storager, type WriteOptions, type WriteResult } from "@stowage/core";
import type { ObjectProgress } from "../progress.js";
import type { Checksums } from "../verify.js";
import { sourceIdOf } from "./checkpoint.js";
import type { CopyEnv } from "./copy-object.js";
import { contentTypeFor } from "./content-type.js";
import { fillFromSource, headersOf, lackingFields, leaveOutUncarried } from "./kept-fields.js";
import type { PlanItem } from "./planner.js";
import { resumePoint } from "./resume-point.js";
import { SOURCE_RESTARTS, sourceBreak, waitToRestart } from "./source-restart.js";
import { completedElsewhere, holdsSource } from "./completed-elsewhere.js";
import { changedWhileRead, sourceGuard } from "./source-guard.js";
import { sourceUnchanged } from "./source-check.js";
import { Md5Tap, openSource } from "./source-stream.js";
import { uploadExists, uploadToResume } from "./upload-to-resume.js";

/**
 * The CRC-64 the source's stat states, for a resumed copy whose listing gave none (COS and OSS list
 * no CRC-64): one stat (HEAD), so that the stored parts need not be read again (resume-point.ts).
 * Only when the stat shows the object planned (its size, and its ETag where both are known);
 * undefined otherwise, or when the stat fails for another reason than Ctrl-C (the parts are then
 * checked by reading the source again, as before).
 * @throws StorageError `Aborted`
 */
async function statedCrc64(env: CopyEnv, item: PlanItem, from: { store: Storager; path: string }): Promise<string | undefined> {
  if (!from.store.features.crc64) return undefined;
  try {
    const now = await from.store.stat(from.path, { signal: env.signal });
    const etag = (v: string): string => v.replace(/"/g, "").toLowerCase();
    const same = now.size === item.size && (item.src.etag === undefined || now.etag === undefined || etag(item.src.etag) === etag(now.etag));
    return same ? now.crc64 : undefined;
  } catch (e) {
    if (env.signal.aborted) throw e;
    return undefined;
  }
}

/** What a streamed write sent, and the ETag the destination answered it with. */
export type Sent = Checksums & { etag?: string };

/**
 * Streams the source into the destination; returns what was sent. A checkpointed upload is
 * resumed; resumed past its stored parts (`resumeOffset`) and failing with IntegrityMismatch, it is
 * tried once more from offset 0 in the same upload before the upload is given up. A copy whose
 * source read broke (a retryable StorageError of the read, not of the write) is started again from
 * byte 0 after a short wait, at most {@link SOURCE_RESTARTS} times: in the multipart upload it kept
 * (checkpointed), whose stored parts the engine checks against the new read and does not send
 * again, else anew. A write's own failure is not restarted (core retried its requests). A local
 * source is stat'ed again before its last bytes reach the write (source-guard.ts): changed, the
 * copy fails with nothing stored and its checkpointed upload aborted. A checkpointed upload found
 * gone (`ObjectNotExist`) is done when another run completed it with the source's bytes
 * (completed-elsewhere.ts): what the destination holds is returned; so it is when the upload the
 * checkpoint records is found gone before the copy starts and the destination holds the source's
 * bytes (nothing is sent). Once its Complete is answered, a checkpointed upload is marked ended
 * (checkpoint.ts `endUpload`) until the object is recorded done. A resumed copy whose listing gave no CRC-64 stats its source once for
 * it, so that the stored parts are not read again. Into a local file, only parts not fetched
 * again count as resumed. Once the checkpoint is lost (a
 * write of it failed: checkpoint.ts), a copy that starts is not checkpointed: core aborts its upload
 * when it fails, as with `--no-checkpoint` (one kept before that is aborted by the engine).
 * @throws StorageError from either side (the last read's error once the restarts are used up);
 *   IntegrityMismatch when the bytes read do not hash to the source's CRC-64; Conflict when a
 *   local source changed while it was read; Aborted.
 */
export async function streamCopy(env: CopyEnv, item: PlanItem, progress: ObjectProgress): Promise<Sent> {
  const { settings, checkpoint, stats } = env;
  const dst = env.dst.store;
  const key = item.dstPath;
  const source = sourceIdOf(item.src);
  // A checkpoint whose write failed (lost) is none: the upload goes as with --no-checkpoint, aborted on failure.
  const resumable = checkpoint !== undefined && checkpoint.lost === undefined && item.size > settings.largeThreshold && dst.features.multipart;

  const { record: resume, gone, ended } = await uploadToResume(dst, checkpoint, key, source, resumable, env.signal);
  if (gone === true) {
    // The recorded upload is gone: a run killed or interrupted after its Complete (or another run)
    // may have stored the object. When the destination holds the source's bytes, nothing is sent
    // (the caller still verifies it: with --verify, by reading it whole).
    const done = await holdsSource(env, item, key).catch((e: unknown) => {
      if (env.signal.aborted) throw e;
      return undefined;
    });
    if (done !== undefined) {
      const why = ended === true ? "its recorded upload was completed by an earlier run" : "its recorded upload is gone";
      env.warn?.(item, `${why}, and the destination already holds the source's bytes (size and CRC-64 checked): not sent again`);
      progress.update(item.size);
      return done;
    }
    // Not the source's bytes: the object is copied anew (its ended record forgotten).
    checkpoint?.dropUpload(key);
  }
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
  const from = item.readFrom ?? { store: env.src.store, path: item.srcPath };
  const known = item.src.crc64 ?? (resume !== undefined && from.store.features.readRange ? await statedCrc64(env, item, from) : undefined);
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
  /**
   * Core went on with the upload `createdId` names: its id was saved before the write was aborted.
   * Else core aborted it (holding no part) when the write was aborted during the save.
   */
  let taken = false;
  /**
   * Records a new upload, for a later run (or a restart in this one) to go on with; resolves once the
   * checkpoint holding its id is written (never rejects: a write that fails loses the checkpoint,
   * which is warned of, and the run goes on as one without it). Core may wait for it before it sends
   * the first part, so that no part is stored of an upload no checkpoint names.
   */
  const recordCreated = (multipartId: string): Promise<void> => {
    createdId = multipartId;
    taken = false;
    // Core's wait for this promise is raced with the write's signal (env.signal): resolved before an
    // abort, it went on with the upload. No abort can land between this callback and core's.
    created = checkpoint!
      .startUpload(key, { multipartId, partSize, source, bytesDone: 0 })
      .catch(() => undefined)
      .then(() => {
        taken = !env.signal.aborted;
      });
    return created;
  };
  if (resumable && resume === undefined) options.onMultipartCreate = recordCreated;
  let result: WriteResult | undefined;
  let md5: Md5Tap | undefined;
  /** This copy goes on with the upload an earlier run left (false once that upload is found gone). */
  let resumed = resume !== undefined;
  /** Bytes the upload held before this run (by the checkpoint's progress, at least the parts taken as stored). */
  const held = Math.max(offset, resume?.bytesDone ?? 0);
  /** Parts failed attempts stored: a later attempt finds them stored, but this run sent them. */
  const earlier = { bytes: 0, parts: 0 };
  /** The upload was created by this run: every part a later attempt finds stored, this run sent. */
  let allSent = false;
  let uncarriedLeftOut = false;
  let restarts = 0;
  // A resume from `offset` whose stored parts turn out wrong is tried once more from 0; a copy whose
  // source read broke is started again from 0, at most SOURCE_RESTARTS times.
  while (result === undefined) {
    md5 = !dst.features.crc64 && !env.dst.loc.local && offset === 0 ? new Md5Tap() : undefined;
    // A local file is stat'ed again once read, before its last bytes reach the write (source-guard.ts).
    const guard = sourceGuard(env, item, offset);
    const { read, body, object } = openSource(env, from, partSize, offset, md5, lacking !== undefined, guard);
    try {
      if (object !== undefined) {
        fillFromSource(options, lacking!, await object);
        lacking = undefined;
      }
      // What of the source's type, metadata and headers the write would refuse is left out, with a warning
      // (a move fails here instead, before anything is written: its source keeps what would be lost).
      if (!uncarriedLeftOut) leaveOutUncarried(env, item, options);
      uncarriedLeftOut = true;
      result = await dst.write(key, body, offset > 0 ? { ...options, resumeOffset: offset } : options);
    } catch (e) {
      await created;
      if (createdId !== undefined && !taken) {
        // Aborted while the new upload's id was being saved: core aborted that upload (it holds no
        // part; an abort that failed is named in core's error). No later run is to go on with it, and
        // the kept checkpoint does not count it as staying at the destination.
        checkpoint?.dropUpload(key);
        createdId = undefined;
      }
      const broke = sourceBreak(e, read, env.signal);
      // The write's error is the source read's own (core passes a body's StorageError on as is).
      const readFailed = isStorageError(read.errored) && read.errored.code === (e as { code?: unknown }).code;
      body.destroy(); // release the source if the write failed before reading it all
      read.destroy();
      const uploadId = options.multipartId ?? createdId;
      if (guard !== undefined && isStorageError(e, ErrorCode.IntegrityMismatch)) {
        // The fs driver found the file changed in place while it was read (its check races the
        // guard's): when the guard saw it too, or the file is indeed no longer the planned one, that
        // is the guard's Conflict.
        if (guard.failure === undefined) {
          const now = await sourceUnchanged(env, item, item.size).catch(() => undefined);
          if (now !== undefined && !now.same) guard.failure = changedWhileRead(env, item, now.size, offset + guard.bytes);
        }
        if (guard.failure !== undefined) e = guard.failure;
      }
      if (guard?.failure !== undefined && isStorageError(e, ErrorCode.Conflict)) {
        // The local file changed while it was read: nothing was completed. A checkpointed upload
        // (kept on failure for a resume) holds parts of both versions: aborted, never completed.
        if (uploadId !== undefined) {
          await dst.delete(key, { multipartId: uploadId }).catch(() => undefined);
          checkpoint?.dropUpload(key);
        }
        throw e;
      }
      const sameUpload = (): void => {
        earlier.bytes = Math.max(earlier.bytes, reached - held);
        earlier.parts = Math.ceil(earlier.bytes / partSize);
        offset = 0;
        reached = 0;
      };
      if (broke !== undefined && restarts < SOURCE_RESTARTS) {
        // The source read broke (core resumed it as far as it could, or could not pin the object's
        // version to resume it at all): read it whole again from 0. A single PUT stores nothing
        // until it has all the bytes; a multipart upload completes only once every part is stored
        // and checked against the new read (and the object against the source's CRC-64, when known).
        restarts++;
        env.warn?.(item, `the source read failed (${broke.detail}); copying it again from the start (${restarts} of ${SOURCE_RESTARTS})`);
        await waitToRestart(restarts, env.signal);
        if (uploadId !== undefined) {
          // Kept for a resume (checkpointed): the engine compares its stored parts with the new read
          // and sends only the others. A stat that fails keeps it for the next run, with this error.
          const exists = await uploadExists(dst, key, uploadId, env.signal).catch(() => {
            throw e;
          });
          if (exists) {
            if (uploadId === createdId) allSent = true;
            else sameUpload();
            options.multipartId = uploadId;
            delete options.onMultipartCreate;
          } else {
            checkpoint?.dropUpload(key);
            delete options.multipartId;
            if (resumable && checkpoint.lost === undefined) options.onMultipartCreate = recordCreated;
            createdId = undefined;
            earlier.bytes = earlier.parts = 0;
            allSent = false;
            if (resumed) {
              // Gone: a new upload gets what the source's answer says, as a first run's does.
              resumed = false;
              lacking = lackingFields(env, item, from.store);
              uncarriedLeftOut = false;
            }
          }
        }
        offset = 0;
        reached = 0;
        continue;
      }
      if (uploadId !== undefined && !readFailed && isStorageError(e, ErrorCode.ObjectNotExist) && !env.signal.aborted) {
        // The upload is gone under this run (NoSuchUpload): another run may have completed it.
        const done = await completedElsewhere(env, item, key, uploadId).catch(() => undefined);
        if (done !== undefined) {
          stats.bytes.sent += Math.max(0, reached - held);
          return done;
        }
      }
      if (uploadId !== undefined && isStorageError(e, ErrorCode.IntegrityMismatch)) {
        // Resumed at `offset`, the parts before it were taken as stored unread: one of them (or the
        // source read after it) holds other bytes. From 0 the engine reads the whole source again,
        // compares every stored part and re-sends only the wrong ones. Not when the upload is gone.
        if (offset > 0 && (await uploadExists(dst, key, uploadId, env.signal).catch(() => false))) {
          sameUpload();
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

  // The Complete was answered: the upload holds no parts any more. Until the object is recorded done
  // (after its checks), its record says so: a Ctrl-C during a --verify re-read then leaves a
  // checkpoint whose rerun finds the object stored and sends nothing, and no upload is said to stay.
  const completedId = options.multipartId ?? createdId;
  if (completedId !== undefined && checkpoint?.staleUpload(key)?.multipartId === completedId) checkpoint.endUpload(key);

  const found = allSent
    ? { parts: 0, bytes: 0 }
    : { parts: Math.max(0, (result.resumedParts ?? 0) - earlier.parts), bytes: Math.max(0, (result.resumedBytes ?? 0) - earlier.bytes) };
  // Into a local file (a download), a stored part found again by reading the source was fetched
  // again all the same: only the parts taken as stored unread (before `offset`) were not re-sent.
  const download = env.dst.loc.type === "fs" && env.src.loc.type !== "fs";
  const unread = Math.min(offset, found.bytes);
  const skipped = download ? { parts: Math.min(found.parts, Math.floor(unread / partSize)), bytes: unread } : found;
  if (resumed) stats.parts.resumedUploads++;
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
