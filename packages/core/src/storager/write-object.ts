import type { DriverCallOptions } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { crc64Decimal } from "../integrity/crc64.js";
import { md5Base64 } from "../integrity/md5.js";
import { throwIfAborted } from "../io/abort.js";
import { bodyChunks, bodySize, limitBody, readUpTo } from "../io/body.js";
import { paginate } from "../listing/page-lister.js";
import { uploadMultipart, type MultipartTarget } from "../multipart/upload-engine.js";
import type { Body, ProgressListener } from "../options.js";
import { resolvePath } from "../path/paths.js";
import type { WriteResult } from "../storager.js";
import { ProgressReporter } from "./progress-reporter.js";
import type { OperationScope } from "./storager-context.js";
import { planWrite, type WritePlan } from "./write-plan.js";

/** Write options after validation. */
interface WriteRequest {
  size?: number;
  contentMd5?: string;
  multipartId?: string;
  onMultipartCreate?: (multipartId: string) => void;
  onProgress?: ProgressListener;
  multipartThreshold?: number;
  partSize?: number;
  concurrency?: number;
  signal?: AbortSignal;
  [pair: string]: unknown;
}

/** Options core consumes itself; the rest go to the driver. */
const CORE_ONLY = ["size", "contentMd5", "multipartId", "onMultipartCreate", "onProgress", "multipartThreshold", "partSize", "concurrency"];

/**
 * Stores `body` at `path`: one request when it fits under the multipart
 * threshold, otherwise a concurrent multipart upload with bounded memory.
 * Verifies the service's CRC64 (and a caller's Content-MD5) before reporting success.
 * @throws InvalidArgument, IntegrityMismatch, CapabilityInsufficient, Aborted
 */
export async function writeObject(scope: OperationScope, path: string, body: Body, rawOptions: object | undefined): Promise<WriteResult> {
  scope.require("write");
  const options = scope.options("write", rawOptions) as WriteRequest;
  const { key } = resolvePath(scope.workDir, path);
  throwIfAborted(options.signal);

  const inMemory = bodySize(body);
  const size = options.size ?? inMemory;
  if (options.size !== undefined && inMemory !== undefined && inMemory < options.size) {
    throw storageError(ErrorCode.InvalidArgument, `body has ${inMemory} bytes, fewer than size ${options.size}`);
  }
  const plan = planWrite(scope.driver.features, options, size);
  const progress = new ProgressReporter(options.onProgress, size);
  const driverOptions = stripCoreOptions(options);

  if (inMemory !== undefined && size !== undefined && size <= plan.threshold && options.multipartId === undefined) {
    return writeSingle(scope, key, toBuffer(body).subarray(0, size), options, driverOptions, progress);
  }
  let source = bodyChunks(body, options.signal);
  if (options.size !== undefined) source = limitBody(source, options.size);
  if (options.multipartId !== undefined || (size !== undefined && size > plan.threshold)) {
    return writeMultipart(scope, key, source, plan, options, driverOptions, progress);
  }
  const peek = await readUpTo(source, plan.threshold + 1);
  if (peek.done) return writeSingle(scope, key, Buffer.concat(peek.head, peek.headSize), options, driverOptions, progress);
  return writeMultipart(scope, key, peek.body, plan, options, driverOptions, progress);
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
  const crc64 = crc64Decimal(data);
  let contentMd5 = options.contentMd5;
  if (contentMd5 !== undefined || features.contentMd5) {
    const actual = md5Base64(data);
    if (contentMd5 !== undefined && contentMd5 !== actual) {
      throw storageError(ErrorCode.IntegrityMismatch, `content_md5 ${contentMd5} does not match the body (${actual})`);
    }
    contentMd5 = actual;
  }
  const result = await scope.driver.write(
    key,
    { data, size: data.length, ...(contentMd5 === undefined ? {} : { contentMd5 }), onProgress: progress.report },
    driverOptions,
  );
  if (features.crc64 && result.crc64 !== undefined && result.crc64 !== crc64) {
    await scope.driver.delete(key, {}).catch(() => undefined);
    throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch: sent ${crc64}, service stored ${result.crc64}`);
  }
  progress.finish(data.length);
  return { size: data.length, crc64, ...(result.etag === undefined ? {} : { etag: result.etag }) };
}

async function writeMultipart(
  scope: OperationScope,
  key: string,
  source: AsyncIterable<Buffer>,
  plan: WritePlan,
  options: WriteRequest,
  driverOptions: DriverCallOptions,
  progress: ProgressReporter,
): Promise<WriteResult> {
  scope.require("write", "multipart", "createMultipart");
  const driver = scope.driver;
  const target: MultipartTarget = {
    create: async () => (await driver.createMultipart!(key, driverOptions)).multipartId,
    writePart: (id, index, data, checks, signal) =>
      driver.writePart!(key, id, index, { data, size: data.length, ...(checks.contentMd5 ? { contentMd5: checks.contentMd5 } : {}) }, { ...driverOptions, signal }),
    complete: (id, parts) => driver.completeMultipart!(key, id, parts, driverOptions),
    abort: (id) => driver.abortMultipart!(key, id, {}),
    listParts: (id) => paginate((token) => driver.listParts!(key, id, token, driverOptions)),
    discard: () => driver.delete(key, {}),
  };
  const result = await uploadMultipart(target, source, {
    partSize: plan.partSize,
    concurrency: plan.concurrency,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: progress.report,
    ...(options.multipartId !== undefined ? { multipartId: options.multipartId } : {}),
    ...(options.onMultipartCreate ? { onCreate: options.onMultipartCreate } : {}),
    contentMd5: driver.features.contentMd5,
    verifyCrc64: driver.features.crc64,
    // A caller who resumes or checkpoints wants a failed upload kept for the next try.
    keepOnFailure: options.multipartId !== undefined || options.onMultipartCreate !== undefined,
    ...(plan.maxParts !== undefined ? { maxParts: plan.maxParts } : {}),
  });
  progress.finish(result.size);
  return {
    size: result.size,
    crc64: result.crc64,
    parts: result.parts.length,
    ...(result.etag === undefined ? {} : { etag: result.etag }),
    ...(options.multipartId === undefined ? {} : { resumedParts: result.skippedParts, resumedBytes: result.skippedBytes }),
  };
}

/** The validated options minus the ones core consumes. */
export function stripCoreOptions(options: Record<string, unknown>): DriverCallOptions {
  const rest: DriverCallOptions = {};
  for (const [k, v] of Object.entries(options)) if (!CORE_ONLY.includes(k)) rest[k] = v;
  return rest;
}

function toBuffer(body: Body): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  const bytes = body as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
