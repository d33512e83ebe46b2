import { PassThrough, Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { Crc64 } from "../integrity/crc64.js";
import { throwIfAborted } from "../io/abort.js";
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

/**
 * Opens `path` for reading and returns the stream at once; failures arrive as
 * the stream's 'error'. Whole-object reads are checked against the length and
 * CRC64 the service announced: a mismatch errors the stream with
 * `IntegrityMismatch` instead of ending it.
 */
export function openReadStream(scope: OperationScope, path: string, options: object | undefined): Readable {
  const out = new PassThrough();
  const signal = (options as { signal?: AbortSignal } | undefined)?.signal;
  scope
    .run("read", path, signal, () => pump(scope, path, options, out))
    .catch((e: unknown) => out.destroy(e as Error));
  return out;
}

async function pump(scope: OperationScope, path: string, rawOptions: object | undefined, out: PassThrough): Promise<void> {
  scope.require("read");
  const options = scope.options("read", rawOptions) as ReadRequest;
  const { key } = resolvePath(scope.workDir, path);
  const { offset, size, signal, onProgress } = options;
  throwIfAborted(signal);
  if ((offset !== undefined && offset > 0) || size !== undefined) scope.require("read", "readRange");

  if (size === 0) {
    // Nothing to transfer, but a missing object is still an error.
    await scope.driver.stat(key, { signal });
    onProgress?.({ bytes: 0, total: 0 });
    out.end();
    return;
  }

  const driverOptions = { ...options };
  delete driverOptions.onProgress;
  const opened = await scope.driver.read(key, { offset, size }, driverOptions);
  const objectSize = opened.object?.size;
  const start = offset ?? 0;
  const expected = objectSize === undefined ? undefined : Math.max(0, Math.min(size ?? Infinity, objectSize - start));
  const whole = start === 0 && objectSize !== undefined && (size === undefined || size >= objectSize);
  const crc = whole && scope.driver.features.crc64 && opened.crc64 !== undefined ? opened.crc64 : undefined;

  const check = new ReadCheck(expected, crc, onProgress);
  await pipeline(opened.stream, check, out, signal ? { signal } : {});
}

/** Counts bytes (for progress and truncation) and, for whole-object reads, hashes them. */
class ReadCheck extends Transform {
  private bytes = 0;
  private readonly hash: Crc64 | undefined;

  constructor(
    private readonly expected: number | undefined,
    private readonly crc64: string | undefined,
    private readonly onProgress: ProgressListener | undefined,
  ) {
    super();
    this.hash = crc64 === undefined ? undefined : new Crc64();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    this.onProgress?.({ bytes: this.bytes, ...(this.expected === undefined ? {} : { total: this.expected }) });
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.expected !== undefined && this.bytes !== this.expected) {
      done(storageError(ErrorCode.IntegrityMismatch, `read ended after ${this.bytes} of ${this.expected} bytes`));
      return;
    }
    const actual = this.hash?.digest();
    if (actual !== undefined && actual !== this.crc64) {
      done(storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: service sent ${this.crc64}, received bytes hash to ${actual}`));
      return;
    }
    if (this.expected === undefined) this.onProgress?.({ bytes: this.bytes, total: this.bytes });
    done();
  }
}
