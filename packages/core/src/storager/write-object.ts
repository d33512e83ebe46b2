import type { DriverBody, DriverCallOptions } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { crc64Equal } from "../integrity/crc64.js";
import { hashPool } from "../integrity/hash-pool.js";
import { hashInSlices } from "../integrity/sliced-hash.js";
import { Md5 } from "../integrity/md5.js";
import { graceSignal, linkSignals, throwIfAborted } from "../io/abort.js";
import { bodySize, readUpTo, sizedBodyChunks } from "../io/body.js";
import { closingBodyOnFailure } from "../io/closing-body.js";
import { fileStreamLength, probeFileStream } from "../io/file-stream-length.js";
import { recycleSharedCopy, sharedConcat } from "../io/part-buffers.js";
import { paginate } from "../listing/page-lister.js";
import { cleanupWithin, removeStoredWrong, SENT_REQUEST_GRACE_MS } from "../multipart/upload-cleanup.js";
import { uploadMultipart } from "../multipart/upload-engine.js";
import type { MultipartTarget } from "../multipart/upload-types.js";
import { writtenParts } from "../multipart/written-parts.js";
import { readAheadFor } from "../multipart/part-plan.js";
import type { Body } from "../options.js";
import type { WriteResult } from "../storager.js";
import { withDefaulted } from "./defaulted-pairs.js";
import { refuseFileOverCapacity } from "./file-over-capacity.js";
import { refuseExisting } from "./if-not-exists.js";
import { ProgressReporter } from "./progress-reporter.js";
import type { OperationScope } from "./storager-context.js";
import { stripCoreOptions, withSignal, type WriteRequest } from "./write-options.js";
import { planWrite, type WritePlan } from "./write-plan.js";

/**
 * Single writes at least this large are copied once into shared memory and hashed
 * on worker threads; larger ones (drivers without multipart, a high `multipartThreshold`)
 * are hashed on the calling thread a slice at a time (sliced-hash.ts) rather than held twice.
 */
const SHARED_COPY_MAXIMUM = 64 * 1024 * 1024;

export { SENT_REQUEST_GRACE_MS } from "../multipart/upload-cleanup.js";
export { stripCoreOptions } from "./write-options.js";

/**
 * The driver methods a write in parts may call (it creates, writes, completes, aborts a failed
 * upload and lists a resumed one's parts): one that goes in parts, or resumes an upload, checks
 * them all before anything is sent, rather than fail mid-way with an upload left behind.
 */
const MULTIPART_WRITE_METHODS = ["createMultipart", "writePart", "completeMultipart", "abortMultipart", "listParts"] as const;

/**
 * Stores `body` at `path`: one request when it fits under the multipart
 * threshold, otherwise a concurrent multipart upload with bounded memory.
 * Verifies the service's CRC64 (and a caller's Content-MD5: sent with a single write, computed
 * over the whole body and checked before complete on a multipart one) before reporting success.
 *
 * A streaming body (Readable or async iterable) is always read to its end or closed: when the
 * write fails, at any point, a Readable is destroyed (a file stream closes its file) and an
 * iterator in use is returned (an async generator busy in a read finishes that read first). An
 * abort that comes once a multipart upload's Initiate or Complete has been sent gives it
 * {@link SENT_REQUEST_GRACE_MS} to answer: an answered Complete resolves the write (the object is
 * stored). A failed or aborted multipart write aborts its upload (unless `multipartId` or
 * `onMultipartCreate` keep it) within `UPLOAD_CLEANUP_TIMEOUT_MS` (10 s) and then settles; when
 * that abort timed out or failed, the error's message names the upload id and key left behind.
 * An `onProgress` listener that throws fails the write with `Unexpected` (its error as
 * `cause`) and cancels the request in flight; the last event, `{ bytes: size, total: size }`,
 * comes when the last byte was sent, so a single write whose listener throws there may still
 * have been stored by the service.
 * @throws InvalidArgument, IntegrityMismatch, CapabilityInsufficient, Aborted, Unexpected
 */
export function writeObject(scope: OperationScope, path: string, body: Body, rawOptions: object | undefined): Promise<WriteResult> {
  // `release` is aborted when the write fails: it stops a read of the body still pending (a slow source).
  return closingBodyOnFailure(body, (release) => writeBody(scope, path, body, rawOptions, release));
}

async function writeBody(scope: OperationScope, path: string, body: Body, rawOptions: object | undefined, release: AbortController | undefined): Promise<WriteResult> {
  scope.require("write");
  const options = scope.options("write", rawOptions) as WriteRequest;
  const { key } = scope.resolve(path, { file: true });
  const signal = options.signal;
  throwIfAborted(signal);

  const inMemory = bodySize(body);
  const size = options.size ?? (inMemory === undefined ? undefined : (options.resumeOffset ?? 0) + inMemory);
  // A file stream's length (a stat, once the write goes multipart) sizes its parts: a hint, not `size`.
  const file = size === undefined && scope.driver.features.multipart ? probeFileStream(body) : undefined;
  /** The bytes the body is expected to give, where known: its part buffers need be no larger. */
  let expectedRest: number | undefined;
  const expected = async (): Promise<number | undefined> => {
    const rest = await fileStreamLength(file!);
    if (rest === undefined) return undefined;
    expectedRest = rest;
    refuseFileOverCapacity(scope.driver.features.limits, scope.service, rest, options.resumeOffset ?? 0);
    return (options.resumeOffset ?? 0) + rest;
  };
  let plan = planWrite(scope.driver.features, options, size, file !== undefined && options.multipartId !== undefined ? await expected() : undefined);
  // A write naming an upload needs multipart, checked before its resume_offset (whose parts it sizes).
  if (options.multipartId !== undefined) scope.require("write", "multipart", ...MULTIPART_WRITE_METHODS);
  const offset = resumeOffsetOf(options, plan.partSize, size);
  if (offset > 0 && options.contentMd5 !== undefined) {
    throw storageError(ErrorCode.InvalidArgument, "content_md5 cannot be checked on a write that resumes at resume_offset (the body is not all there): give crc64 instead");
  }
  if (options.size !== undefined && inMemory !== undefined && inMemory < options.size - offset) {
    throw storageError(ErrorCode.InvalidArgument, `body has ${inMemory} bytes, fewer than size ${options.size}${offset > 0 ? ` from resume_offset ${offset}` : ""}`);
  }
  if (size !== undefined) expectedRest = Math.max(0, size - offset);
  const progress = new ProgressReporter(options.onProgress, size);
  const driverOptions = withDefaulted(stripCoreOptions(options), rawOptions);

  if (inMemory !== undefined && size !== undefined && size <= plan.threshold && options.multipartId === undefined) {
    return writeSingle(scope, key, toBuffer(body).subarray(0, size), options, driverOptions, progress);
  }
  const stop = linkSignals(signal, release?.signal);
  try {
    const source = sizedBodyChunks(body, options.size === undefined ? undefined : options.size - offset, stop.signal);
    if (options.multipartId !== undefined || (size !== undefined && size > plan.threshold)) {
      return await writeMultipart(scope, key, source, plan, options, driverOptions, progress, expectedRest);
    }
    const peek = await readUpTo(source, plan.threshold + 1);
    if (peek.done) return await writeSingle(scope, key, joinHead(peek.head, peek.headSize), options, driverOptions, progress);
    if (file !== undefined) plan = planWrite(scope.driver.features, options, undefined, await expected());
    try {
      return await writeMultipart(scope, key, peek.body, plan, options, driverOptions, progress, expectedRest);
    } catch (e) {
      // The body is open mid-way (its head was read): close the iterator in use, not a new one
      // (a web ReadableStream stays locked to it; some iterables make a new iterator per call).
      void peek.close().catch(() => {});
      throw e;
    }
  } catch (e) {
    // While still linked: a read of the body still pending (a slow source) is stopped.
    release?.abort();
    throw e;
  } finally {
    stop.release();
  }
}

/**
 * The checked `resumeOffset` (0 without one): it needs `multipartId`, lies within `size` and is a
 * whole number of parts. @throws StorageError `InvalidArgument`
 */
function resumeOffsetOf(options: WriteRequest, partSize: number, size: number | undefined): number {
  const offset = options.resumeOffset;
  if (offset === undefined || offset === 0) return 0;
  if (options.multipartId === undefined) throw storageError(ErrorCode.InvalidArgument, "resume_offset resumes an upload: it needs multipart_id");
  if (size !== undefined && offset > size) throw storageError(ErrorCode.InvalidArgument, `resume_offset ${offset} is past the object's size ${size}`);
  if (partSize <= 0 || offset % partSize !== 0) throw storageError(ErrorCode.InvalidArgument, `resume_offset ${offset} is not a whole number of ${partSize}-byte parts`);
  return offset;
}

async function writeSingle(
  scope: OperationScope,
  key: string,
  data: Buffer,
  options: WriteRequest,
  driverOptions: DriverCallOptions,
  progress: ProgressReporter,
): Promise<WriteResult> {
  const features = scope.driver.features;
  let contentMd5 = options.contentMd5;
  const pool = hashPool();
  // A large body is hashed on worker threads, from a shared-memory copy that is then what gets sent;
  // one too large to copy, on this thread a slice at a time (the loop keeps turning, an abort lands).
  const md5 = contentMd5 !== undefined || features.contentMd5;
  if (data.length <= SHARED_COPY_MAXIMUM && pool.offloadsSize(data.length) && !pool.offloads(data)) data = sharedConcat([data], data.length);
  const hashes = data.length > SHARED_COPY_MAXIMUM && !pool.offloads(data) ? await hashInSlices(data, md5, options.signal) : await pool.hash(data, md5);
  const crc64 = hashes.crc64.toString();
  if (options.crc64 !== undefined && !crc64Equal(options.crc64, crc64)) {
    throw storageError(ErrorCode.IntegrityMismatch, `the body hashes to crc64 ${crc64}, not the expected ${options.crc64}; nothing was written`);
  }
  if (hashes.md5 !== undefined) {
    if (contentMd5 !== undefined && contentMd5 !== hashes.md5) {
      throw storageError(ErrorCode.IntegrityMismatch, `content_md5 ${contentMd5} does not match the body (${hashes.md5})`);
    }
    contentMd5 = hashes.md5;
  }
  // A body of unknown size is whole here: its events carry the total, the last one before the answer.
  progress.learnTotal(data.length);
  // Plain assignments rather than conditional spreads, which cost ~0.5 µs each on this per-request path.
  const body: DriverBody = { data, size: data.length, onProgress: progress.report };
  if (contentMd5 !== undefined) body.contentMd5 = contentMd5;
  const result = await scope.driver.write(key, body, driverOptions);
  // The driver is done with the bytes (it copies what it keeps): a shared copy of ours can serve the
  // next write. After a failure a socket may still hold it, so it is then left to the collector.
  recycleSharedCopy(data);
  if (features.crc64 && result.crc64 !== undefined && !crc64Equal(result.crc64, crc64)) {
    const removed = await removeStoredWrong((signal) => scope.driver.delete(key, { signal }));
    throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: sent ${crc64}, service stored ${result.crc64}; ${removed}`);
  }
  progress.finish(data.length);
  const written: WriteResult = { size: data.length, crc64 };
  if (result.etag !== undefined) written.etag = result.etag;
  if (features.crc64 && result.crc64 !== undefined) written.crc64Confirmed = true;
  return written;
}

async function writeMultipart(
  scope: OperationScope,
  key: string,
  source: AsyncIterable<Buffer>,
  plan: WritePlan,
  options: WriteRequest,
  driverOptions: DriverCallOptions,
  progress: ProgressReporter,
  expectedBytes: number | undefined,
): Promise<WriteResult> {
  scope.require("write", "multipart", ...MULTIPART_WRITE_METHODS);
  const driver = scope.driver;
  if (options.ifNotExists === true) await refuseExisting(driver, key, withSignal(driverOptions, options.signal));
  // Initiate and Complete, once sent, may be applied whatever happens to the request: an abort
  // gives them SENT_REQUEST_GRACE_MS to answer (an upload the engine then aborts; a stored object).
  const grace = graceSignal(options.signal, SENT_REQUEST_GRACE_MS);
  const sent = withSignal(driverOptions, grace.signal);
  const target: MultipartTarget = {
    key,
    create: async () => (await driver.createMultipart!(key, sent)).multipartId,
    writePart: (id, index, data, checks, signal) =>
      driver.writePart!(key, id, index, { data, size: data.length, crc64: checks.crc64, ...(checks.contentMd5 ? { contentMd5: checks.contentMd5 } : {}) }, { ...driverOptions, signal }),
    // A caller's upload resumed here may hold parts `writeMultipart` recorded (written-parts.ts): they go with it.
    complete: async (id, parts) => {
      const result = await driver.completeMultipart!(key, id, parts, sent);
      writtenParts.forget(key, id);
      return result;
    },
    abort: (id, signal) => writtenParts.aborting(key, id, () => driver.abortMultipart!(key, id, { signal })),
    listParts: (id) => paginate((token) => driver.listParts!(key, id, token, driverOptions)),
    discard: async () => {
      await cleanupWithin("DeleteObject", (signal) => driver.delete(key, { signal }));
    },
  };
  // A caller's MD5 of the whole body: hashed in order as the engine reads it, checked before complete.
  const md5 = options.contentMd5 === undefined ? undefined : new Md5();
  const expectedMd5 = options.contentMd5;
  const result = await uploadMultipart(target, md5 === undefined ? source : hashedInOrder(source, md5), {
    partSize: plan.partSize,
    concurrency: plan.concurrency,
    readAhead: readAheadFor(plan.concurrency),
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: progress.report,
    ...(options.multipartId !== undefined ? { multipartId: options.multipartId } : {}),
    ...(options.onMultipartCreate ? { onCreate: options.onMultipartCreate } : {}),
    ...(options.resumeOffset ? { startPart: options.resumeOffset / plan.partSize } : {}),
    ...(options.crc64 !== undefined ? { expectedCrc64: options.crc64 } : {}),
    // The last event, with the size now known, comes before Complete: a listener that throws there
    // (a size cap) leaves the object as it was, as it does for a body of known size.
    beforeComplete: (size) => {
      if (md5 !== undefined) checkWholeMd5(md5.digestBase64(), expectedMd5!);
      progress.finish(size);
    },
    // part_content_md5=false drops the per-part MD5 only where each part's CRC-64 is verified instead.
    contentMd5: driver.features.contentMd5 && (options.partContentMd5 !== false || !driver.features.crc64),
    verifyCrc64: driver.features.crc64,
    // Drivers send or copy a part before writePart resolves, so its buffer can carry the next part.
    pooledBuffers: true,
    // A body expected to be shorter than a part (a 20 MB file at part_size=2GiB) gets buffers of its
    // length, not of the part size; one that outgrows them (a file that grew) moves to larger ones.
    ...(expectedBytes !== undefined ? { bufferSize: expectedBytes } : {}),
    // A caller who resumes or checkpoints wants a failed upload kept for the next try.
    keepOnFailure: options.multipartId !== undefined || options.onMultipartCreate !== undefined,
    ...(plan.maxParts !== undefined ? { maxParts: plan.maxParts } : {}),
  }).finally(grace.release);
  progress.finish(result.size);
  return {
    size: result.size,
    crc64: result.crc64,
    parts: result.parts.length,
    ...(result.etag === undefined ? {} : { etag: result.etag }),
    ...(result.crc64Confirmed ? { crc64Confirmed: true } : {}),
    ...(options.multipartId === undefined ? {} : { resumedParts: result.skippedParts, resumedBytes: result.skippedBytes }),
  };
}

/** Feeds every chunk of `source` to `md5`, in order, as it passes. */
async function* hashedInOrder(source: AsyncIterable<Buffer>, md5: Md5): AsyncGenerator<Buffer, void, undefined> {
  for await (const chunk of source) {
    md5.update(chunk);
    yield chunk;
  }
}

/** @throws StorageError `IntegrityMismatch` when the body's MD5 is not the caller's `content_md5`. */
function checkWholeMd5(actual: string, expected: string): void {
  if (actual !== expected) throw storageError(ErrorCode.IntegrityMismatch, `content_md5 ${expected} does not match the body (${actual}); the upload is not completed`);
}

/** The head chunks of a small body as one Buffer: in shared memory when it is large enough to be hashed on workers. */
function joinHead(head: Buffer[], size: number): Buffer {
  if (size <= SHARED_COPY_MAXIMUM && hashPool().offloadsSize(size)) return sharedConcat(head, size);
  return head.length === 1 ? head[0]! : Buffer.concat(head, size);
}

function toBuffer(body: Body): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  const bytes = body as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
