import { Readable } from "node:stream";
import type { DriverReadResult, RawObject } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { Crc64, crc64Equal } from "../integrity/crc64.js";
import { withoutEtagConditions } from "../http/condition-headers.js";
import { abortError, linkSignals, onAbort, throwIfAborted } from "../io/abort.js";
import type { ProgressListener } from "../options.js";
import { tell } from "./progress-reporter.js";
import { announceObject, type ObjectListener } from "./read-answer.js";
import { identityChange, identityOf, isResumableFailure, ResumeBudget, waitBeforeResume, type ObjectIdentity } from "./read-resume.js";
import type { OperationScope } from "./storager-context.js";
import { closeBody } from "../io/body.js";

/** Range size of a concurrent read when the caller sets none. */
export const DEFAULT_READ_PART_SIZE = 8 * 1024 * 1024;

/** A read's options after validation, as far as a concurrent read uses them. */
interface ParallelReadRequest {
  offset?: number;
  size?: number;
  readConcurrency?: number;
  readPartSize?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  onObject?: ObjectListener;
  [pair: string]: unknown;
}

/**
 * A read of `path` in ranges of `readPartSize` bytes, `readConcurrency` of them in flight (the way
 * the vendors' download managers fetch large objects), delivered in order. One stat first gives
 * the size and the object's identity; each range is read whole into memory (the driver's chunks,
 * not copied; so at most `readConcurrency + 1` ranges are held, and a range may exceed the largest
 * Buffer), must describe the same object (ETag, size) and is read again from its start after a
 * retryable failure, within the read's resume budget. A whole-object read is checked against the
 * CRC-64 the stat reported. A read that fits in one range, an object stat cannot size (a link, a
 * directory) or gives no ETag (nothing would tell ranges of another version of the same size
 * apart), or a whole read without a CRC-64 to check goes through `single` instead; where that is
 * clear before the stat (a `size` of at most `readPartSize`, a whole read without CRC-64, a `dir/`
 * path, a storage without ranged reads) no stat is sent.
 * An `onProgress` listener that throws fails the read as on `single`: `Unexpected` with the
 * listener's error as `cause` (a StorageError it throws passes as is), ranges in flight cancelled.
 * @throws nothing itself; the stream errors with `ObjectNotExist`, `IntegrityMismatch` (the object
 *   changed during the read, a range or the whole came back wrong), `Aborted`, `Unexpected`, ...
 */
export function openParallelReadStream(scope: OperationScope, path: string, rawOptions: object | undefined, single: () => Readable): Readable {
  const user = (rawOptions as { signal?: unknown } | undefined)?.signal;
  const signal = user instanceof AbortSignal ? user : undefined;
  // Cancels the ranges in flight (and a one-stream fallback) the moment the stream is destroyed or
  // aborted: Readable.from would only close once the range it awaits has settled by itself.
  const stop = new AbortController();
  const inner: { stream?: Readable } = {};
  const bytes = ranges(scope, path, rawOptions, single, stop.signal, inner);
  const stream = Readable.from(inContext(scope, path, rawOptions, stop.signal, bytes), { objectMode: false, highWaterMark: 1 });
  const destroy = stream.destroy.bind(stream);
  // The caller's own error (`destroy(err)`, Node's AbortError of a `for await` left early) is kept as
  // it is, as on every Node stream; the read's own failures get their context in `inContext`.
  stream.destroy = (error?: Error): Readable => {
    stop.abort();
    inner.stream?.destroy();
    return destroy(error);
  };
  // Subscribed on the first read, as the one-stream reader does: a stream created and never read
  // (nor destroyed) is then not kept alive by a long-lived signal.
  let unsubscribe: (() => void) | undefined;
  const read = stream._read.bind(stream);
  stream._read = (size: number): void => {
    unsubscribe ??= onAbort(signal, () => stream.destroy(scope.error(abortError(signal), "read", path, signal)));
    if (!stream.destroyed) read(size);
  };
  stream.once("close", () => {
    unsubscribe?.();
    stop.abort();
  });
  return stream;
}

/** `bytes`, its failures as StorageErrors with the read's context, except once the stream was destroyed (`stopped`): the caller's error then passes as it is. */
async function* inContext(scope: OperationScope, path: string, rawOptions: object | undefined, stopped: AbortSignal, bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* bytes;
  } catch (e) {
    // Destroyed: the error is the caller's (Readable.from throws it in here), or what that cut short.
    if (stopped.aborted) throw e;
    const user = (rawOptions as { signal?: unknown } | undefined)?.signal;
    throw scope.error(e, "read", path, user instanceof AbortSignal ? user : undefined);
  }
}

async function* ranges(
  scope: OperationScope,
  path: string,
  rawOptions: object | undefined,
  single: () => Readable,
  stopped: AbortSignal,
  inner: { stream?: Readable },
): AsyncGenerator<Buffer> {
  scope.require("read");
  const options = scope.options("read", rawOptions) as ParallelReadRequest;
  const { key, path: shown } = scope.resolve(path);
  const oneStream = (): Readable => (inner.stream = single());
  const partSize = options.readPartSize ?? DEFAULT_READ_PART_SIZE;
  if (!mayRunInRanges(scope, key, options, partSize)) {
    yield* oneStream();
    return;
  }
  // Not AbortSignal.any: on Node 20 that leaves an entry on the caller's signal for good, one per
  // read (a long-lived signal would collect them); a link is let go of when the read is over.
  const link = linkSignals(options.signal, stopped);
  try {
    yield* inRanges(scope, { key, path: shown }, options, partSize, link.signal ?? stopped, stopped, oneStream);
  } finally {
    link.release();
  }
}

/**
 * The ranges of a read that may run in ranges: stats the object, then reads it in ranges (or through
 * `oneStream` when it turns out to fit one range or cannot be checked). `signal` ends every driver
 * call (the caller's abort or `stopped`); `stopped` alone means the stream was destroyed.
 */
async function* inRanges(
  scope: OperationScope,
  { key, path }: { key: string; path: string },
  options: ParallelReadRequest,
  partSize: number,
  signal: AbortSignal,
  stopped: AbortSignal,
  oneStream: () => Readable,
): AsyncGenerator<Buffer> {
  throwIfAborted(options.signal);
  const driverOptions = stripReadOptions(options);
  // The sizing stat takes the read's pairs (an SSE-C key) but not its conditions: those go with every
  // ranged GET, which decide (on a link, a stat would compare the link's own ETag, the GETs the target's).
  const info = await scope.driver.stat(key, { ...withoutEtagConditions(driverOptions), signal });
  // Destroyed while the stat was pending: open nothing more.
  if (stopped.aborted) return;
  const objectSize = info.mode === "file" || info.mode === "append" ? info.size : undefined;
  const start = Math.min(options.offset ?? 0, objectSize ?? 0);
  const end = objectSize === undefined ? 0 : Math.min(objectSize, options.size === undefined ? objectSize : start + options.size);
  const whole = start === 0 && end === objectSize;
  // A whole read is checked against the stat's CRC-64; without one it stays one stream, whose own
  // checks (a QingStor object's MD5) would not apply to ranges.
  const checkable = !whole || (scope.driver.features.crc64 && info.crc64 !== undefined);
  // Every range is checked against the stat's ETag: without one (a QingStor multipart object another
  // tool completed), ranges of two versions of the same size could be spliced unseen.
  if (objectSize === undefined || end - start <= partSize || !checkable || info.etag === undefined) {
    yield* oneStream();
    return;
  }
  // The one stream tells `onObject` itself; read in ranges, the stat's answer is what there is to tell.
  announceObject(options.onObject, scope.workDir, path, info);
  const hash = whole ? new Crc64() : undefined;
  const fetcher = new RangeFetcher(scope, key, info, driverOptions, signal);
  const inFlight: Array<Promise<Buffer[]>> = [];
  let next = start;
  const launch = (): void => {
    const length = Math.min(partSize, end - next);
    const range = fetcher.fetch(next, length);
    // A range may fail before its turn comes (an abort): it is awaited, and so reported, in order.
    range.catch(() => undefined);
    inFlight.push(range);
    next += length;
  };
  let bytes = 0;
  try {
    while (inFlight.length < Math.max(1, options.readConcurrency ?? 1) && next < end) launch();
    while (inFlight.length > 0) {
      const chunks = await inFlight.shift()!;
      throwIfAborted(options.signal);
      if (stopped.aborted) return;
      if (next < end) launch();
      for (const chunk of chunks) {
        bytes += chunk.length;
        hash?.update(chunk);
      }
      // The last range is held back until the whole object checked out: a consumer that stops at
      // the size it expects (a write) must see the mismatch before it has every byte, not after.
      if (hash !== undefined && inFlight.length === 0 && next >= end) checkWhole(hash.digest(), info.crc64);
      // A listener that throws fails the read here (`inContext` wraps it, as the one-stream path does).
      if (options.onProgress !== undefined) tell(options.onProgress, { bytes, total: end - start });
      yield* chunks;
    }
  } finally {
    // Ranges still in flight are not waited for, but cancelled.
    inFlight.length = 0;
    fetcher.close();
  }
}

/** @throws StorageError `IntegrityMismatch` when the ranges of a whole read do not hash to the object's CRC-64. */
function checkWhole(actual: string, expected: string | undefined): void {
  if (expected === undefined || !crc64Equal(actual, expected)) {
    throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: the object's is ${String(expected)}, the ranges read hash to ${actual}`);
  }
}

/**
 * False when the read can only go through one stream whatever the object's size, so stat would
 * change nothing: the storage reads no ranges; the path is a directory (`dir/`, refused by the
 * one stream); the caller's `size` fits in one range; or a whole read (no offset, no size) where
 * the service has no CRC-64 to check ranges against.
 */
function mayRunInRanges(scope: OperationScope, key: string, options: ParallelReadRequest, partSize: number): boolean {
  const features = scope.driver.features;
  if (!features.readRange || key.endsWith("/")) return false;
  if (options.size !== undefined && options.size <= partSize) return false;
  const whole = (options.offset ?? 0) === 0 && options.size === undefined;
  return !whole || features.crc64;
}

/** The read options a driver takes for each range (core's own removed). */
function stripReadOptions(options: ParallelReadRequest): Record<string, unknown> {
  const { offset: _o, size: _s, readConcurrency: _c, readPartSize: _p, onProgress: _g, onObject: _b, signal: _x, ...rest } = options;
  return rest;
}

/**
 * Reads one range whole, checking it belongs to the object stat described; retries within one budget
 * for the read. Each range gets its own signal, aborted with the read's: the read's signal carries one
 * listener of the fetcher's (not a few per range in flight, which would pass Node's leak warning
 * threshold of 10 at a `readConcurrency` above about 10), the ranges' listeners sit on their own.
 */
class RangeFetcher {
  private readonly identity: ObjectIdentity;
  private budget: ResumeBudget | undefined;
  /** The signals of the ranges being fetched. */
  private readonly ranges = new Set<AbortController>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly scope: OperationScope,
    private readonly key: string,
    info: RawObject,
    private readonly driverOptions: Record<string, unknown>,
    private readonly signal: AbortSignal,
  ) {
    this.identity = { size: info.size, etag: info.etag, lastModified: info.lastModified?.getTime(), crc64: undefined, md5: undefined };
    this.unsubscribe = onAbort(signal, () => {
      for (const range of this.ranges) range.abort(signal.reason);
    });
  }

  /** The read is over (done, failed or stopped): stops the ranges still in flight, nobody will take them, and leaves the read's signal. */
  close(): void {
    this.unsubscribe();
    for (const range of this.ranges) range.abort();
  }

  /** The range's bytes, as the driver's chunks. */
  async fetch(offset: number, length: number): Promise<Buffer[]> {
    const own = new AbortController();
    if (this.signal.aborted) own.abort(this.signal.reason);
    this.ranges.add(own);
    try {
      for (;;) {
        try {
          return await this.once(offset, length, own.signal);
        } catch (e) {
          this.budget ??= new ResumeBudget(this.scope.ctx.config);
          if (!this.budget.left || !isResumableFailure(e, own.signal)) throw e;
          if (!(await waitBeforeResume(this.budget.take(), own.signal))) throw e;
        }
      }
    } finally {
      this.ranges.delete(own);
    }
  }

  private async once(offset: number, length: number, signal: AbortSignal): Promise<Buffer[]> {
    const range = { offset, size: length };
    const opened: DriverReadResult = await this.scope.driver.read(this.key, range, { ...this.driverOptions, ...range, signal });
    // A body already streaming is closed by core on abort, not left to the driver.
    const off = onAbort(signal, () => opened.stream.destroy(abortError(signal)));
    try {
      return await this.collect(opened, offset, length);
    } finally {
      off();
    }
  }

  private async collect(opened: DriverReadResult, offset: number, length: number): Promise<Buffer[]> {
    const seen = identityOf(opened);
    const change = identityChange(this.identity, { ...seen, crc64: undefined, md5: undefined });
    if (change !== undefined) {
      closeBody(opened.stream);
      throw storageError(ErrorCode.IntegrityMismatch, `the object changed during the read (${change}); stopped instead of splicing two objects`);
    }
    // The chunks are kept as they came, not copied into one Buffer: no copy, and a range may be
    // longer than the largest Buffer (4 GiB on Node 20; the CLI's readPartSize is a part size, up to 5 GiB).
    const chunks: Buffer[] = [];
    let at = 0;
    for await (const chunk of opened.stream as AsyncIterable<Buffer>) {
      if (at + chunk.length > length) throw storageError(ErrorCode.IntegrityMismatch, `a range of ${length} bytes at ${offset} came back longer`);
      chunks.push(chunk);
      at += chunk.length;
    }
    if (at !== length) throw storageError(ErrorCode.ServiceInternal, `a range of ${length} bytes at ${offset} ended after ${at}`, { retryable: true });
    return chunks;
  }
}
