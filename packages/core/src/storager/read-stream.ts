import { Readable } from "node:stream";
import type { DriverReadResult } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { Crc64, crc64Equal } from "../integrity/crc64.js";
import { Md5 } from "../integrity/md5.js";
import { abortError, onAbort, throwIfAborted } from "../io/abort.js";
import type { ProgressListener } from "../options.js";
import { resolvePath } from "../path/paths.js";
import { openParallelReadStream } from "./parallel-read.js";
import { checkWhatWouldBeRead, refuseDirectoryPath } from "./read-preflight.js";
import { identityChange, identityOf, isResumableFailure, ResumeBudget, waitBeforeResume, type ObjectIdentity } from "./read-resume.js";
import type { OperationScope } from "./storager-context.js";

/** What a read asked for, after validation. */
interface ReadRequest {
  offset?: number;
  size?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  [pair: string]: unknown;
}

/** How the bytes of one opened read are checked. */
interface ReadCheck {
  /** Bytes the read must deliver, when known. */
  expected: number | undefined;
  /** The CRC64 the service announced for a whole-object read (checked only then). */
  announced: string | undefined;
  /** The MD5 (hex) the driver vouched for on a whole-object read (services without CRC64). */
  announcedMd5: string | undefined;
  onProgress: ProgressListener | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Opens `path` for reading and returns the stream at once; failures arrive as
 * the stream's 'error' (a StorageError with op, service and path). Whole-object
 * reads (no range asked, or one covering the object) are checked against the
 * length and CRC64 (or the MD5 the driver vouches for) the service announced: a
 * mismatch errors the stream with `IntegrityMismatch` instead of ending it. An
 * answer without a length (a chunked body) is still hashed; only its length goes
 * unchecked. A path ending in `/` is a directory and never read (`ObjectModeInvalid`).
 * An `onProgress` listener that throws fails the read with that error, wrapped as
 * `Unexpected` (a StorageError it throws passes as is), and closes the response.
 * When the service's body breaks mid-way (a retryable failure, or a body that
 * ends short) and the storage can read ranges, the rest is re-requested from
 * where it stopped (see {@link ResumeBudget}) after checking that the new answer
 * describes the same object; the checks cover the bytes of every piece. The rest is
 * requested only once the reader wants more data, not while it is still paused.
 * Destroying the stream early closes the service's response.
 *
 * @throws nothing itself; the stream errors with `ObjectNotExist`, `ObjectModeInvalid` (a directory),
 * `CapabilityInsufficient`, `IntegrityMismatch` (bad length, CRC64 or MD5, or the object changed
 * during a resumed read), `ServiceInternal` (the body broke and could not be resumed), `Aborted`,
 * `Unexpected` (an `onProgress` listener threw), ...
 */
export function openReadStream(scope: OperationScope, path: string, rawOptions: object | undefined): Readable {
  const asked = (rawOptions as { readConcurrency?: unknown } | undefined)?.readConcurrency ?? scope.ctx.defaults["readConcurrency"];
  if (typeof asked === "number" && asked > 1) return openParallelReadStream(scope, path, rawOptions, () => new ObjectReadStream(scope, path, rawOptions));
  return new ObjectReadStream(scope, path, rawOptions);
}

/** Where a resumed piece is read from: the key, the first byte of the read and the driver's options. */
interface ReadTarget {
  key: string;
  start: number;
  driverOptions: Record<string, unknown>;
}

/**
 * The stream {@link openReadStream} returns: opens the driver's read on the
 * first `_read`, forwards its chunks with backpressure while hashing and
 * counting them, resumes a broken body with a ranged read, and ends only
 * after the checks passed.
 */
class ObjectReadStream extends Readable {
  private source: Readable | undefined;
  private opened = false;
  private bytes = 0;
  private hash: Crc64 | undefined;
  private md5: Md5 | undefined;
  private check: ReadCheck | undefined;
  private target: ReadTarget | undefined;
  /** Set when a broken body may be resumed (ranged reads, known size). */
  private resumable: { identity: ObjectIdentity; budget: ResumeBudget | undefined } | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly abortSignal: AbortSignal | undefined;
  /** Aborted when the stream is destroyed: ends a wait before a resume (made on the first resume: most reads never need one). */
  private stopped: AbortController | undefined;
  /** False while the reader does not want more (the last push hit the high-water mark), until `_read` asks again. */
  private wanted = true;
  /** A resume waiting for the reader to want data: the service's answer would sit idle until then. */
  private deferredResume: (() => void) | undefined;

  constructor(
    private readonly scope: OperationScope,
    private readonly path: string,
    private readonly rawOptions: object | undefined,
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
    this.stopped?.abort();
    this.unsubscribe?.();
    this.source?.destroy();
    done(error);
  }

  private async open(): Promise<void> {
    const scope = this.scope;
    scope.require("read");
    const options = scope.options("read", this.rawOptions) as ReadRequest;
    const { key } = resolvePath(scope.workDir, this.path);
    const { offset, size, signal, onProgress } = options;
    throwIfAborted(signal);
    if ((offset !== undefined && offset > 0) || size !== undefined) scope.require("read", "readRange");
    if (key.endsWith("/")) await refuseDirectoryPath(scope, key, options);

    if (size === 0) {
      // Nothing to transfer, but a missing object (or a condition that does not hold on what a read
      // would read: a link's target) is still an error.
      await checkWhatWouldBeRead(scope, key, options, signal);
      onProgress?.({ bytes: 0, total: 0 });
      this.push(null);
      return;
    }

    const driverOptions = { ...options };
    delete driverOptions.onProgress;
    delete driverOptions["readConcurrency"];
    delete driverOptions["readPartSize"];
    const opened = await scope.driver.read(key, { offset, size }, driverOptions);
    if (this.destroyed) {
      opened.stream.destroy();
      return;
    }
    const features = scope.driver.features;
    this.check = readCheck(opened, offset ?? 0, size, features.crc64, onProgress, signal);
    this.hash = this.check.announced === undefined ? undefined : new Crc64();
    this.md5 = this.check.announcedMd5 === undefined ? undefined : new Md5();
    this.target = { key, start: offset ?? 0, driverOptions };
    if (features.readRange && this.check.expected !== undefined) {
      this.resumable = { identity: identityOf(opened), budget: undefined };
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
          onProgress(total === undefined ? { bytes: this.bytes } : { bytes: this.bytes, total });
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
    if (short && resume?.budget?.left === true && (error === undefined || isResumableFailure(error, this.abortSignal))) {
      const { identity, budget } = resume;
      const start = (): void => void this.resumeRest(identity, budget).catch((e: unknown) => this.fail(e));
      // The rest is asked for only once the reader wants it, so its answer is read at once.
      if (this.wanted) start();
      else this.deferredResume = start;
    } else if (error !== undefined) {
      this.fail(error);
    } else {
      this.finish();
    }
  }

  /**
   * Waits, then re-reads the bytes not delivered yet and attaches them. A failed
   * re-open is tried again while the budget lasts and the failure is retryable.
   * @throws StorageError `IntegrityMismatch` when the answer describes another object; the re-open's own errors.
   */
  private async resumeRest(identity: ObjectIdentity, budget: ResumeBudget): Promise<void> {
    const { key, start, driverOptions } = this.target!;
    const expected = this.check!.expected!;
    const stopped = (this.stopped ??= new AbortController()).signal;
    for (;;) {
      if (!(await waitBeforeResume(budget.take(), stopped)) || this.destroyed) return;
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
        opened.stream.destroy();
        return;
      }
      const change = identityChange(identity, identityOf(opened));
      if (change !== undefined) {
        opened.stream.destroy();
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
    const { expected, announced, announcedMd5, onProgress, signal } = this.check!;
    const bytes = this.bytes;
    try {
      throwIfAborted(signal);
      if (expected !== undefined && bytes !== expected) {
        throw storageError(ErrorCode.IntegrityMismatch, `read ended after ${bytes} of ${expected} bytes`);
      }
      const actual = this.hash?.digest();
      if (actual !== undefined && !crc64Equal(actual, announced!)) {
        throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: service sent ${announced}, received bytes hash to ${actual}`);
      }
      const md5 = this.md5?.digestHex();
      if (md5 !== undefined && md5 !== announcedMd5) {
        throw storageError(ErrorCode.IntegrityMismatch, `md5 mismatch: the service vouches for ${announcedMd5}, received bytes hash to ${md5}`);
      }
      if (bytes === 0 || expected === undefined) onProgress?.({ bytes, total: bytes });
    } catch (e) {
      this.fail(e);
      return;
    }
    this.push(null);
  }

  private fail(e: unknown): void {
    if (this.destroyed) return;
    this.destroy(this.scope.error(e, "read", this.path, this.abortSignal));
  }
}

/** What to check on a read that starts at `start` and asked for `size` bytes. */
function readCheck(
  opened: DriverReadResult,
  start: number,
  size: number | undefined,
  crc64: boolean,
  onProgress: ProgressListener | undefined,
  signal: AbortSignal | undefined,
): ReadCheck {
  const objectSize = opened.object?.size;
  const expected = objectSize === undefined ? undefined : Math.max(0, Math.min(size ?? Infinity, objectSize - start));
  // A read that asked for no range is whole even when the answer does not say the size (a chunked
  // body without Content-Length): its CRC-64 or MD5 is checked, only the length check is left out.
  const whole = start === 0 && (size === undefined || (objectSize !== undefined && size >= objectSize));
  const announced = whole && crc64 ? opened.crc64 : undefined;
  const announcedMd5 = whole && announced === undefined ? opened.md5 : undefined;
  return { expected, announced, announcedMd5, onProgress, signal };
}
