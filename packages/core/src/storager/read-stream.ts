import { Readable } from "node:stream";
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

/**
 * Opens `path` for reading and returns the stream at once; failures arrive as
 * the stream's 'error' (a StorageError with op, service and path). Whole-object
 * reads are checked against the length and CRC64 the service announced: a
 * mismatch errors the stream with `IntegrityMismatch` instead of ending it.
 * Destroying the stream early closes the service's response.
 */
export function openReadStream(scope: OperationScope, path: string, rawOptions: object | undefined): Readable {
  const signal = (rawOptions as { signal?: unknown } | undefined)?.signal;
  const abortSignal = signal instanceof AbortSignal ? signal : undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      yield* readChunks(scope, path, rawOptions);
    } catch (e) {
      throw scope.error(e, "read", path, abortSignal);
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

async function* readChunks(scope: OperationScope, path: string, rawOptions: object | undefined): AsyncGenerator<Buffer> {
  scope.require("read");
  const options = scope.options("read", rawOptions) as ReadRequest;
  const { key } = resolvePath(scope.workDir, path);
  const { offset, size, signal, onProgress } = options;
  throwIfAborted(signal);
  if ((offset !== undefined && offset > 0) || size !== undefined) scope.require("read", "readRange");

  if (size === 0) {
    // Nothing to transfer, but a missing object is still an error.
    await scope.driver.stat(key, signal ? { signal } : {});
    onProgress?.({ bytes: 0, total: 0 });
    return;
  }

  const driverOptions = { ...options };
  delete driverOptions.onProgress;
  const opened = await scope.driver.read(key, { offset, size }, driverOptions);
  const objectSize = opened.object?.size;
  const start = offset ?? 0;
  const expected = objectSize === undefined ? undefined : Math.max(0, Math.min(size ?? Infinity, objectSize - start));
  const whole = start === 0 && objectSize !== undefined && (size === undefined || size >= objectSize);
  const announced = whole && scope.driver.features.crc64 ? opened.crc64 : undefined;
  const hash = announced === undefined ? undefined : new Crc64();
  const total = expected === undefined ? {} : { total: expected };

  const unsubscribe = onAbort(signal, () => opened.stream.destroy(abortError(signal)));
  let bytes = 0;
  try {
    for await (const chunk of opened.stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      hash?.update(chunk);
      onProgress?.({ bytes, ...total });
      yield chunk;
    }
  } finally {
    unsubscribe();
    opened.stream.destroy();
  }
  throwIfAborted(signal);
  if (expected !== undefined && bytes !== expected) {
    throw storageError(ErrorCode.IntegrityMismatch, `read ended after ${bytes} of ${expected} bytes`);
  }
  const actual = hash?.digest();
  if (actual !== undefined && actual !== announced) {
    throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: service sent ${announced}, received bytes hash to ${actual}`);
  }
  if (bytes === 0 || expected === undefined) onProgress?.({ bytes, total: bytes });
}
