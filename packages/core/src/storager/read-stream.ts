import { Readable } from "node:stream";
import type { DriverReadResult } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { Crc64 } from "../integrity/crc64.js";
import { abortError, onAbort, throwIfAborted } from "../io/abort.js";
import type { ProgressListener } from "../options.js";
import { resolvePath } from "../path/paths.js";
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
  onProgress: ProgressListener | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Opens `path` for reading and returns the stream at once; failures arrive as
 * the stream's 'error' (a StorageError with op, service and path). Whole-object
 * reads are checked against the length and CRC64 the service announced: a
 * mismatch errors the stream with `IntegrityMismatch` instead of ending it.
 * Destroying the stream early closes the service's response.
 */
export function openReadStream(scope: OperationScope, path: string, rawOptions: object | undefined): Readable {
  return new ObjectReadStream(scope, path, rawOptions);
}

/**
 * The stream {@link openReadStream} returns: opens the driver's read on the
 * first `_read`, forwards its chunks with backpressure while hashing and
 * counting them, and ends only after the checks passed.
 */
class ObjectReadStream extends Readable {
  private source: Readable | undefined;
  private opened = false;
  private ended = false;
  private bytes = 0;
  private hash: Crc64 | undefined;
  private check: ReadCheck | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly abortSignal: AbortSignal | undefined;

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
    if (this.opened) {
      this.source?.resume();
      return;
    }
    this.opened = true;
    this.open().catch((e: unknown) => this.fail(e));
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
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

    if (size === 0) {
      // Nothing to transfer, but a missing object is still an error.
      await scope.driver.stat(key, signal ? { signal } : {});
      onProgress?.({ bytes: 0, total: 0 });
      this.push(null);
      return;
    }

    const driverOptions = { ...options };
    delete driverOptions.onProgress;
    const opened = await scope.driver.read(key, { offset, size }, driverOptions);
    if (this.destroyed) {
      opened.stream.destroy();
      return;
    }
    this.check = readCheck(opened, offset ?? 0, size, scope.driver.features.crc64, onProgress, signal);
    this.hash = this.check.announced === undefined ? undefined : new Crc64();
    this.attach(opened.stream);
    this.unsubscribe = onAbort(signal, () => this.fail(abortError(signal)));
  }

  private attach(source: Readable): void {
    this.source = source;
    const total = this.check?.expected;
    const onProgress = this.check?.onProgress;
    source.on("data", (chunk: Buffer) => {
      if (this.destroyed) return;
      this.bytes += chunk.length;
      this.hash?.update(chunk);
      if (onProgress !== undefined) onProgress(total === undefined ? { bytes: this.bytes } : { bytes: this.bytes, total });
      if (!this.push(chunk)) source.pause();
    });
    source.once("end", () => {
      this.ended = true;
      this.finish();
    });
    source.once("error", (e) => this.fail(e));
    source.once("close", () => {
      if (!this.ended && !this.destroyed) this.fail(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    });
  }

  /** The source ended: check length and CRC64, then end (or fail). */
  private finish(): void {
    if (this.destroyed) return;
    this.unsubscribe?.();
    this.source?.destroy();
    const { expected, announced, onProgress, signal } = this.check!;
    const bytes = this.bytes;
    try {
      throwIfAborted(signal);
      if (expected !== undefined && bytes !== expected) {
        throw storageError(ErrorCode.IntegrityMismatch, `read ended after ${bytes} of ${expected} bytes`);
      }
      const actual = this.hash?.digest();
      if (actual !== undefined && actual !== announced) {
        throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: service sent ${announced}, received bytes hash to ${actual}`);
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
  const whole = start === 0 && objectSize !== undefined && (size === undefined || size >= objectSize);
  return { expected, announced: whole && crc64 ? opened.crc64 : undefined, onProgress, signal };
}
