import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import { crc64Equal } from "../integrity/crc64.js";
import { crc64Combine } from "../integrity/crc64-combine.js";
import { hashPool } from "../integrity/hash-pool.js";
import { abortError, onAbort, raceAbort } from "../io/abort.js";
import { chunkBody } from "../io/chunker.js";
import { fillParts, PartBufferPool } from "../io/part-buffers.js";
import { MAX_PART_BATCH, readPartBatch } from "./part-batch.js";
import { alreadyStored, listExisting, takenAsStored } from "./resume-parts.js";
import { abortFailedUpload } from "./upload-cleanup.js";
import type { Part } from "../object/object-info.js";
import type { MultipartTarget, MultipartUploadOptions, MultipartUploadResult } from "./upload-types.js";
import { thrownText } from "../errors/thrown-text.js";

/**
 * Uploads `source` as a multipart object: cuts it into `partSize` parts, sends at
 * most `concurrency` at a time while hashing up to `readAhead` more (reading
 * pauses when that many are in memory), checks each part's
 * CRC64, completes with the parts in order and checks the combined CRC64. Any
 * failure stops reading, cancels in-flight parts, waits for them, aborts the
 * upload (unless `keepOnFailure`, and always when a part was stored with other bytes twice: a
 * part whose CRC-64 differs is sent once more) and rethrows the first error; a failed upload
 * is never completed. That abort gets `UPLOAD_CLEANUP_TIMEOUT_MS` (10 s, upload-cleanup.ts):
 * when it timed out or failed, the error's message names the upload id (and `target.key`) that
 * may be left on the service. An empty source uploads one empty part. Once every part is
 * stored and complete has been sent, the engine waits for complete's answer even if the signal
 * aborts (how long is `target.complete`'s to bound).
 *
 * Resume (`multipartId`): existing parts with the same index and size whose
 * CRC64 matches (or, without one, whose ETag is the part's MD5) are skipped;
 * existing parts past the source's end are left out of complete. Parts before
 * `startPart` are taken as stored unhashed: the result's `crc64Confirmed` is then
 * true only with `expectedCrc64`. A resume whose stored parts do not fit (listing
 * failed, a part before `startPart` missing or of another size) fails without
 * aborting the caller's upload.
 *
 * @throws StorageError `InvalidArgument` (bad options; a source of more than `maxParts` parts, at the first part
 *   past them, everything before it uploaded),
 *   `IntegrityMismatch` (a part or the object hashed differently on the service;
 *   the object is discarded), `Aborted`, `Unexpected` (contiguity bug, non-StorageError
 *   failures), and whatever the target or the source throws.
 */
export async function uploadMultipart(target: MultipartTarget, source: AsyncIterable<Buffer>, options: MultipartUploadOptions): Promise<MultipartUploadResult> {
  const { partSize, concurrency, maxParts, signal } = options;
  const readAhead = options.readAhead ?? 0;
  for (const [name, value] of [["partSize", partSize], ["concurrency", concurrency], ["maxParts", maxParts ?? 1]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) throw storageError(ErrorCode.InvalidArgument, `${name} must be a positive integer, got ${value}`);
  }
  if (!Number.isSafeInteger(readAhead) || readAhead < 0) throw storageError(ErrorCode.InvalidArgument, `readAhead must be a whole number, got ${readAhead}`);
  const startPart = options.startPart ?? 0;
  if (!Number.isSafeInteger(startPart) || startPart < 0) throw storageError(ErrorCode.InvalidArgument, `startPart must be a whole number, got ${startPart}`);
  if (startPart > 0 && options.multipartId === undefined) throw storageError(ErrorCode.InvalidArgument, "startPart resumes an upload: it needs multipartId");
  if (signal?.aborted) throw abortError(signal);
  const verify = options.verifyCrc64 !== false;

  const controller = new AbortController();
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = { error };
    controller.abort();
  };
  const unlink = onAbort(signal, () => fail(abortError(signal)));

  let multipartId = options.multipartId;
  /** The caller's upload is aborted on failure only once its stored parts were found to fit the resume: bad resume input changes nothing. */
  let resumeChecked = options.multipartId === undefined;
  let completed = false;
  /** A part holds bytes other than the source's: the upload is aborted even with keepOnFailure. */
  let corruptPartStored = false;
  const parts: Part[] = [];
  const crcs: bigint[] = [];
  const sizes: number[] = [];
  let count = 0;
  let size = 0;
  let uploadedParts = 0;
  let skippedParts = 0;
  let skippedBytes = 0;
  let bytesDone = 0;
  const inflight = new Set<Promise<void>>();
  let reader: AsyncIterator<Buffer> | undefined;
  let reading = false;

  const progress = (n: number): void => {
    bytesDone += n;
    options.onProgress?.(bytesDone);
  };

  // Parts in memory: `concurrency` uploading, up to `readAhead` more hashing or waiting for a turn.
  let uploading = 0;
  const uploadTurns: Array<() => void> = [];
  const buffers = options.pooledBuffers ? new PartBufferPool(bufferSizeFor(partSize, options.bufferSize), concurrency + readAhead) : undefined;
  const hasher = hashPool();

  /** Hashes part `index`, skips it when the service holds it already (resume), else uploads and checks it. */
  const handlePart = async (id: string, index: number, data: Buffer, have: Part | undefined): Promise<void> => {
    let reusable = true;
    try {
      const wantMd5 = options.contentMd5 === true || (have !== undefined && have.crc64 === undefined && have.size === data.length && !!have.etag);
      const hashes = await hasher.hash(data, wantMd5);
      crcs[index] = hashes.crc64;
      if (have !== undefined && alreadyStored(have, data.length, hashes)) {
        parts[index] = have.crc64 === undefined ? { ...have, crc64: hashes.crc64.toString() } : have;
        skippedParts++;
        skippedBytes += data.length;
        progress(data.length);
        return;
      }
      if (failure !== undefined) return;
      const crc = hashes.crc64.toString();
      const checks = options.contentMd5 && hashes.md5 !== undefined ? { crc64: crc, contentMd5: hashes.md5 } : { crc64: crc };
      while (uploading >= concurrency) await new Promise<void>((resolve) => uploadTurns.push(resolve));
      let part: Part | undefined;
      uploading++;
      try {
        // A part the service stored with other bytes (a CRC-64 that differs, or a driver's
        // IntegrityMismatch without a status code: an MD5 ETag that contradicts the bytes), or whose
        // Content-MD5 it refused (BadDigest, with one), is sent once more: the same number replaces it.
        // Once an attempt left it stored wrong, any failure after that must not leave it in an upload
        // a resume could complete from (`corruptPartStored` aborts even a kept one).
        let failedOnce = false;
        let storedWrong = false;
        for (let attempt = 0; attempt < 2; attempt++) {
          if (failure !== undefined) {
            corruptPartStored ||= storedWrong;
            return;
          }
          reusable = false;
          try {
            part = await target.writePart(id, index, data, checks, controller.signal);
          } catch (e) {
            const mismatch = isStorageError(e, ErrorCode.IntegrityMismatch);
            if (mismatch && e.statusCode === undefined) storedWrong = true;
            if (!mismatch || attempt === 1) {
              corruptPartStored ||= storedWrong;
              throw e;
            }
            failedOnce = true;
            continue;
          }
          // A buffer an earlier attempt failed with may still be held by its request: never reused.
          reusable = !failedOnce;
          if (!verify || part.crc64 === undefined || crc64Equal(part.crc64, crc)) break;
          storedWrong = true;
          if (attempt === 1) {
            corruptPartStored = true;
            throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch on part ${index}, twice: sent ${crc}, service stored ${part.crc64}; the upload is aborted`);
          }
        }
      } finally {
        uploading--;
        uploadTurns.shift()?.();
      }
      if (part === undefined) return;
      parts[index] = part.crc64 === undefined ? { ...part, crc64: crc } : part;
      uploadedParts++;
      if (failure === undefined) progress(data.length);
    } finally {
      // A failed request may still hold the buffer (a socket or file write in progress): never reuse it.
      if (reusable) buffers?.release(data);
      else buffers?.discard(data);
    }
  };

  try {
    try {
      let existing = new Map<number, Part>();
      if (multipartId === undefined) {
        multipartId = await target.create();
        const created = multipartId;
        const onCreate = options.onCreate;
        if (onCreate !== undefined) {
          try {
            // Awaited (a caller saving the id, a checkpoint, has it durable before any part is stored),
            // but not past the caller's signal: a save that hangs does not hold an aborted write.
            await raceAbort((async () => onCreate(created))(), controller.signal);
          } catch (e) {
            // The caller did not take the id (it threw, or was still saving it when the write was
            // aborted), so it may neither resume nor abort the upload: it goes, holding no part (best
            // effort), here and only here (the failure path below finds no upload to abort).
            multipartId = undefined;
            const upload = target.key === undefined ? { multipartId: created } : { key: target.key, multipartId: created };
            throw await abortFailedUpload(e, upload, (signal) => target.abort(created, signal));
          }
        }
      } else {
        existing = await listExisting(target.listParts(multipartId), controller.signal);
      }
      for (; count < startPart; count++) {
        const have = takenAsStored(existing.get(count), count, partSize);
        parts[count] = have;
        crcs[count] = BigInt(have.crc64!);
        sizes[count] = have.size;
        size += have.size;
        skippedParts++;
        skippedBytes += have.size;
        progress(have.size);
      }
      resumeChecked = true;
      const id = multipartId;
      const cut = buffers === undefined ? chunkBody(source, partSize) : fillParts(source, partSize, buffers);
      // Resumed past part 0, an empty rest is no part at all.
      reader = (startPart > 0 ? cut : atLeastOnePart(cut))[Symbol.asyncIterator]();
      // Parts are read in batches of `readAhead` (at most MAX_PART_BATCH), once that many slots are
      // free, so their MD5s share SIMD lanes; uploads keep `concurrency` parts in flight meanwhile.
      const batch = Math.min(MAX_PART_BATCH, Math.max(1, readAhead));
      for (let done = false; !done && failure === undefined; ) {
        while (inflight.size > concurrency + readAhead - batch && failure === undefined) await Promise.race(inflight);
        if (failure !== undefined) break;
        const read = await readPartBatch(reader, batch, controller.signal, (pending) => (reading = pending));
        done = read.done;
        for (const data of read.parts) {
          const index = count++;
          if (maxParts !== undefined && count > maxParts) {
            for (const unused of read.parts.slice(read.parts.indexOf(data))) buffers?.release(unused);
            const remedy = `(at most ${maxParts * partSize} bytes fit at this part size): give the write the body's size (size), or a larger part size (partSize, part_size)`;
            throw storageError(ErrorCode.InvalidArgument, `body needs more than ${maxParts} parts of ${partSize} bytes ${remedy}, so its parts are planned to fit`);
          }
          sizes[index] = data.length;
          size += data.length;
          const task: Promise<void> = handlePart(id, index, data, existing.get(index))
            .catch(fail)
            .then(() => {
              inflight.delete(task);
            });
          inflight.add(task);
        }
      }
    } catch (e) {
      fail(e);
    }
    await Promise.all(inflight);

    if (failure === undefined && multipartId !== undefined) {
      try {
        options.beforeComplete?.(size);
        const ordered = inOrder(parts, count);
        let objectCrc = 0n;
        for (let i = 0; i < count; i++) objectCrc = crc64Combine(objectCrc, crcs[i]!, sizes[i]!);
        if (options.expectedCrc64 !== undefined && !crc64Equal(options.expectedCrc64, objectCrc)) {
          throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch before complete: the parts combine to ${objectCrc}, expected ${options.expectedCrc64}`);
        }
        const result = await target.complete(multipartId, ordered);
        completed = true;
        if (verify && result.crc64 !== undefined && !crc64Equal(result.crc64, objectCrc)) {
          await target.discard?.().catch(() => {});
          throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch on complete: parts combine to ${objectCrc}, service stored ${result.crc64}`);
        }
        // Parts taken as stored at startPart were not hashed here: only expectedCrc64 ties them to the source.
        const crc64Confirmed = verify && result.crc64 !== undefined && (startPart === 0 || options.expectedCrc64 !== undefined);
        return { multipartId, parts: ordered, size, crc64: objectCrc.toString(), etag: result.etag, uploadedParts, skippedParts, skippedBytes, crc64Confirmed };
      } catch (e) {
        fail(e);
      }
    }

    // Failure: release the source, drop the upload (within a bound), report the first error.
    await closeReader(reader, reading);
    const error = asStorageError(failure?.error);
    if (!completed && resumeChecked && (!options.keepOnFailure || corruptPartStored) && multipartId !== undefined) {
      const id = multipartId;
      const upload = target.key === undefined ? { multipartId: id } : { key: target.key, multipartId: id };
      throw await abortFailedUpload(error, upload, (signal) => target.abort(id, signal));
    }
    throw error;
  } finally {
    unlink();
    buffers?.close();
  }
}

/** Part buffers are at least this large when sized for a short body: one that grows past it then needs few moves. */
const BUFFER_SIZE_MINIMUM = 64 * 1024;

/** The size of part buffers: `partSize`, or less for a source expected to give less (`expected`, a hint). */
function bufferSizeFor(partSize: number, expected: number | undefined): number {
  if (expected === undefined || !Number.isFinite(expected) || expected >= partSize) return partSize;
  return Math.min(partSize, Math.max(BUFFER_SIZE_MINIMUM, Math.ceil(expected)));
}

/** Parts 0..count-1 sorted; anything missing or out of place is a bug we refuse to complete with. */
function inOrder(parts: Part[], count: number): Part[] {
  const ordered: Part[] = [];
  for (let i = 0; i < count; i++) {
    const part = parts[i];
    if (part === undefined || part.index !== i) {
      throw storageError(ErrorCode.Unexpected, `multipart parts are not contiguous 0..${count - 1} (part ${i})`);
    }
    ordered.push(part);
  }
  return ordered;
}

/** Yields the parts, or one empty part for an empty source. */
async function* atLeastOnePart(parts: AsyncIterable<Buffer>): AsyncGenerator<Buffer, void, undefined> {
  let any = false;
  for await (const part of parts) {
    any = true;
    yield part;
  }
  if (!any) yield Buffer.alloc(0);
}

/** Stops the source; when a read is still pending (abandoned on abort), without waiting for it. */
async function closeReader(reader: AsyncIterator<Buffer> | undefined, reading: boolean): Promise<void> {
  if (reader?.return === undefined) return;
  const closing = Promise.resolve()
    .then(() => reader.return?.())
    .catch(() => {});
  if (!reading) await closing;
}

function asStorageError(e: unknown): StorageError {
  if (isStorageError(e)) return e;
  return storageError(ErrorCode.Unexpected, `multipart upload failed: ${thrownText(e)}`, { cause: e });
}
