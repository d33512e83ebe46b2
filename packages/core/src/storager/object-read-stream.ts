import { Readable } from "node:stream";
import type { DriverReadResult, RawObject } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { Crc64 } from "../integrity/crc64.js";
import { Md5 } from "../integrity/md5.js";
import { abortError, linkSignals, onAbort, throwIfAborted, type LinkedSignal } from "../io/abort.js";
import type { ProgressListener } from "../options.js";
import { readCheck, verifyRead, type ReadCheck } from "./read-check.js";
import { checkWhatWouldBeRead, refuseDirectoryPath } from "./read-preflight.js";
import { endedShort, identityChange, identityOf, isPausedTimeout, isResumableFailure, ResumeBudget, unpinnedBreak, versionPinned, waitBeforeResume, type ObjectIdentity } from "./read-resume.js";
import { tell } from "./progress-reporter.js";
import { announceObject, type ObjectListener } from "./read-answer.js";
import type { OperationScope } from "./storager-context.js";
import { closeBody } from "../io/body.js";

/** What a read asked for, after validation. */
interface ReadRequest {
  offset?: number;
  size?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  onObject?: ObjectListener;
  [pair: string]: unknown;
}

/**
 * What a read's answer tells `onObject` of the object: `object`, or undefined for a ranged read
 * (an `offset` above 0, or a `size`) that starts at or past the object's end. A service answers such
 * a GET with a 416 that describes nothing, while memory and fs (and a server that ignored `Range`)
 * still name the object: told here, every storage gives `onObject` the same (`ReadOptions.onObject`).
 */
function describedObject(object: RawObject | undefined, offset: number | undefined, size: number | undefined): RawObject | undefined {
  if (object?.size === undefined) return object;
  const start = offset ?? 0;
  const ranged = start > 0 || size !== undefined;
  return ranged && start >= object.size ? undefined : object;
}

/** Where a resumed piece is read from: the key, the first byte of the read and the driver's options. */
type ReadTarget = { key: string; start: number; driverOptions: Record<string, unknown> };

/**
 * The stream `openReadStream` (read-stream.ts) returns: opens the driver's
 * read on the first `_read`, forwards its chunks with backpressure while hashing and counting
 * them, resumes a broken body with a ranged read (only when an ETag or CRC-64 pins the object's
 * version), and ends only after the checks passed (see `openReadStream` for what is checked).
 * Destroying it before its end cancels whatever driver call is in flight, even a request still
 * waiting for the service's answer (which would otherwise hold its connection, and be retried).
 *
 * @throws nothing itself; the stream errors with the StorageErrors `openReadStream` lists
 * (`ObjectNotExist`, `ObjectModeInvalid`, `CapabilityInsufficient`, `IntegrityMismatch`,
 * `ServiceInternal`, `Aborted`, `Unexpected`, ...).
 */
export class ObjectReadStream extends Readable {
  private source: Readable | undefined;
  private opened = false;
  private bytes = 0;
  private hash: Crc64 | undefined;
  private md5: Md5 | undefined;
  private check: ReadCheck | undefined;
  private target: ReadTarget | undefined;
  /** Set when a broken body may be resumed (ranged reads, known size, a version pinned by ETag or CRC-64). */
  private resumable: { identity: ObjectIdentity; budget: ResumeBudget | undefined } | undefined;
  /** Set when it would be resumable but for the version: nothing pins it (read-resume.ts `versionPinned`). */
  private unpinned = false;
  private unsubscribe: (() => void) | undefined;
  private readonly abortSignal: AbortSignal | undefined;
  /**
   * Aborted when the stream is destroyed before its end: cancels the driver call in flight (the first
   * open, a preflight stat, a resume's re-open, even before the service answered) and a wait before a resume.
   */
  private readonly stopped = new AbortController();
  /** The caller's signal and {@link stopped}, linked once the stream opens: the signal every driver call gets. */
  private link: LinkedSignal | undefined;
  /** False while the reader does not want more (the last push hit the high-water mark), until `_read` asks again. */
  private wanted = true;
  /** A resume waiting for the reader to want data: the service's answer would sit idle until then. */
  private deferredResume: (() => void) | undefined;
  /** {@link bytes} when the last resume after a paused-body timeout was made (not counted against the budget). */
  private pausedResumeAt = -1;

  constructor(
    private readonly scope: OperationScope,
    private readonly path: string,
    private readonly rawOptions: object | undefined,
    /**
     * Whether destroying the stream early cancels the driver call in flight. Costs a signal of its
     * own per stream (~15 µs of CPU per small GET); `read()`, which consumes every stream it opens
     * to its end, goes without.
     */
    private readonly cancelOnDestroy = true,
  ) {
    super({ highWaterMark: 64 * 1024 });
    const signal = (rawOptions as { signal?: unknown } | undefined)?.signal;
    this.abortSignal = signal instanceof AbortSignal ? signal : undefined;
  }

  override _read(): void {
    this.wanted = true;
    if (this.opened) {
      const resume = this.deferredResume;
      this.deferredResume = undefined;
      if (resume !== undefined) resume();
      else this.source?.resume();
      return;
    }
    this.opened = true;
    this.open().catch((e: unknown) => this.fail(e));
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // After a clean end nothing is in flight; before it, whatever is must not outlive the stream
    // (a GET still waiting for its answer would otherwise hold its socket, and even be retried).
    if (!this.readableEnded) this.stopped.abort();
    this.unsubscribe?.();
    this.link?.release();
    this.source?.destroy();
    done(error);
  }

  private async open(): Promise<void> {
    const scope = this.scope;
    scope.require("read");
    const options = scope.options("read", this.rawOptions) as ReadRequest;
    const { key, path } = scope.resolve(this.path);
    const { offset, size, signal, onProgress, onObject } = options;
    throwIfAborted(signal);
    if ((offset !== undefined && offset > 0) || size !== undefined) scope.require("read", "readRange");
    // Every driver call of this stream takes this signal: the caller's abort and the stream's destroy both end it.
    let callSignal = signal;
    if (this.cancelOnDestroy) {
      this.link = linkSignals(signal, this.stopped.signal);
      callSignal = this.link.signal ?? this.stopped.signal;
    }
    const callOptions: ReadRequest = { ...options, signal: callSignal };
    delete callOptions.onObject;
    if (key.endsWith("/")) await refuseDirectoryPath(scope, key, callOptions);

    if (size === 0) {
      // Nothing to transfer, but a missing object (or a condition that does not hold on what a read
      // would read: a link's target) is still an error.
      await checkWhatWouldBeRead(scope, key, callOptions, callSignal);
      announceObject(onObject, scope.workDir, path, undefined);
      if (onProgress !== undefined) tell(onProgress, { bytes: 0, total: 0 });
      this.push(null);
      return;
    }

    const driverOptions = { ...callOptions };
    delete driverOptions.onProgress;
    delete driverOptions["readConcurrency"];
    delete driverOptions["readPartSize"];
    const opened = await scope.driver.read(key, { offset, size }, driverOptions);
    if (this.destroyed) {
      closeBody(opened.stream);
      return;
    }
    try {
      announceObject(onObject, scope.workDir, path, describedObject(opened.object, offset, size));
    } catch (e) {
      closeBody(opened.stream);
      throw e;
    }
    const features = scope.driver.features;
    this.check = readCheck(opened, offset ?? 0, size, features.crc64, onProgress, signal);
    this.hash = this.check.announced === undefined ? undefined : new Crc64();
    this.md5 = this.check.announcedMd5 === undefined ? undefined : new Md5();
    this.target = { key, start: offset ?? 0, driverOptions };
    if (features.readRange && this.check.expected !== undefined) {
      const identity = identityOf(opened);
      if (versionPinned(identity)) this.resumable = { identity, budget: undefined };
      else this.unpinned = true;
    }
    this.attach(opened.stream);
    this.unsubscribe = onAbort(signal, () => this.fail(abortError(signal)));
  }

  /** Forwards `source`'s chunks until it ends or fails, then hands over to {@link pieceEnded}. */
  private attach(source: Readable): void {
    this.source = source;
    const total = this.check?.expected;
    const onProgress = this.check?.onProgress;
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      this.pieceEnded(source, error);
    };
    source.on("data", (chunk: Buffer) => {
      if (this.destroyed || settled) return;
      this.bytes += chunk.length;
      this.hash?.update(chunk);
      this.md5?.update(chunk);
      if (onProgress !== undefined) {
        // A listener that throws fails the read (as on the concurrent path), never the process:
        // this runs inside the source's 'data' emit, where nothing else would catch it.
        try {
          tell(onProgress, total === undefined ? { bytes: this.bytes } : { bytes: this.bytes, total });
        } catch (e) {
          settled = true;
          this.fail(e);
          return;
        }
      }
      if (!this.push(chunk)) {
        this.wanted = false;
        source.pause();
      }
    });
    source.once("end", () => settle());
    source.once("error", (e) => settle(e));
    source.once("close", () => {
      if (!settled) settle(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    });
  }

  /** One piece of the body ended (`error` undefined) or failed: resume the rest, finish, or fail. */
  private pieceEnded(source: Readable, error: unknown): void {
    if (this.destroyed) return;
    if (this.source === source) this.source = undefined;
    source.destroy();
    const expected = this.check?.expected;
    const short = expected !== undefined && this.bytes < expected;
    const resume = this.resumable;
    if (resume !== undefined && short) resume.budget ??= new ResumeBudget(this.scope.ctx.config);
    // A body the HTTP client closed because the reader left it paused for the paused-body bound is
    // not a service failure: its resume takes nothing from the budget (a reader held back by
    // backpressure for long stretches must not fail a healthy read) and needs none left (max_retries
    // 0 still turns resuming off). It cannot spin: such a timeout follows a body paused for that
    // bound (10 min by default) because the reader wanted no more, so its resume waits for the
    // reader to read again (deferredResume); and a free one needs bytes delivered since the last
    // free one (else it counts as any other), so there are at most as many as bytes in the object.
    const free = resume?.budget?.enabled === true && isPausedTimeout(error) && this.bytes > this.pausedResumeAt && !this.abortSignal?.aborted;
    if (short && resume?.budget !== undefined && (free || (resume.budget.left && (error === undefined || isResumableFailure(error, this.abortSignal))))) {
      const { identity, budget } = resume;
      if (free) this.pausedResumeAt = this.bytes;
      const start = (): void => void this.resumeRest(identity, budget, free).catch((e: unknown) => this.fail(e));
      // The rest is asked for only once the reader wants it, so its answer is read at once.
      if (this.wanted) start();
      else this.deferredResume = start;
    } else if (short && this.unpinned && (error === undefined || isResumableFailure(error, this.abortSignal))) {
      this.fail(unpinnedBreak(this.bytes, expected, error));
    } else if (error !== undefined) {
      this.fail(error);
    } else if (short) {
      // A body that ended short, with no resume left (or none possible), is a failed transfer, not
      // corrupt bytes: retryable, as a reset at the same point would be.
      this.fail(endedShort(this.bytes, expected, resume?.budget, this.scope.ctx.pairs));
    } else {
      this.finish();
    }
  }

  /**
   * Waits, then re-reads the bytes not delivered yet and attaches them. A failed
   * re-open is tried again while the budget lasts and the failure is retryable. A `free` resume
   * (after a paused-body timeout) re-reads at once and takes nothing from the budget; only its
   * re-open's failures do.
   * @throws StorageError `IntegrityMismatch` when the answer describes another object; the re-open's own errors.
   */
  private async resumeRest(identity: ObjectIdentity, budget: ResumeBudget, free: boolean): Promise<void> {
    const { key, start, driverOptions } = this.target!;
    const expected = this.check!.expected!;
    const stopped = this.stopped.signal;
    for (let first = true; ; first = false) {
      const delay = free && first ? 0 : budget.take();
      if (!(await waitBeforeResume(delay, stopped)) || this.destroyed) return;
      throwIfAborted(this.abortSignal);
      const from = this.bytes;
      let opened: DriverReadResult;
      try {
        const range = { offset: start + from, size: expected - from };
        opened = await this.scope.driver.read(key, range, { ...driverOptions, ...range });
      } catch (e) {
        if (!this.destroyed && budget.left && isResumableFailure(e, this.abortSignal)) continue;
        throw e;
      }
      if (this.destroyed) {
        closeBody(opened.stream);
        return;
      }
      const change = identityChange(identity, identityOf(opened));
      if (change !== undefined) {
        closeBody(opened.stream);
        throw storageError(
          ErrorCode.IntegrityMismatch,
          `the object changed during the read (${change}); stopped after ${from} of ${expected} bytes instead of splicing two objects`,
        );
      }
      this.attach(opened.stream);
      return;
    }
  }

  /** The body ended: check length, CRC64 and MD5, then end (or fail). */
  private finish(): void {
    if (this.destroyed) return;
    this.unsubscribe?.();
    const { expected, onProgress, signal } = this.check!;
    const bytes = this.bytes;
    try {
      throwIfAborted(signal);
      verifyRead(this.check!, bytes, this.hash, this.md5);
      if ((bytes === 0 || expected === undefined) && onProgress !== undefined) tell(onProgress, { bytes, total: bytes });
    } catch (e) {
      this.fail(e);
      return;
    }
    this.push(null);
  }

  /** Ends the stream with `e` as a StorageError. Never throws: it runs in promise handlers and 'data' listeners, where a throw would be uncaught. */
  private fail(e: unknown): void {
    if (this.destroyed) return;
    let error: Error;
    try {
      error = this.scope.error(e, "read", this.path, this.abortSignal);
    } catch {
      // Only a thrown value nothing can describe (an object String() refuses) gets here.
      error = storageError(ErrorCode.Unexpected, "the read failed with a value that is no error", { op: "read", service: this.scope.service, path: this.path });
    }
    this.destroy(error);
  }
}

