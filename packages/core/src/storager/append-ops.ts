import { constants as bufferConstants } from "node:buffer";
import { appendMismatchError } from "../driver/append-crc.js";
import type { DriverBody, StorageDriver } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";
import type { StorageLimits } from "../features.js";
import { crc64, crc64Equal, parseCrc64 } from "../integrity/crc64.js";
import { crc64Combine } from "../integrity/crc64-combine.js";
import { md5Base64 } from "../integrity/md5.js";
import { throwIfAborted } from "../io/abort.js";
import { bodySize, collectBody, sizedBodyChunks } from "../io/body.js";
import { closingBodyOnFailure } from "../io/closing-body.js";
import type { ObjectInfo } from "../object/object-info.js";
import type { Body, ProgressListener } from "../options.js";
import type { AppendResult } from "../storager.js";
import { checkedObject } from "./checked-object.js";
import { withDefaulted } from "./defaulted-pairs.js";
import { ProgressReporter } from "./progress-reporter.js";
import type { OperationScope } from "./storager-context.js";
import { stripCoreOptions } from "./write-object.js";

/**
 * Creates (or resets) an appendable object at `path`.
 * @throws CapabilityInsufficient (naming why appends are off where the driver says: `StorageDriver.appendsOff`), InvalidArgument, PairUnsupported
 */
export async function createAppend(scope: OperationScope, path: string, rawOptions: object | undefined): Promise<ObjectInfo> {
  requireAppend(scope, "createAppend", "createAppend");
  const options = scope.options("createAppend", rawOptions);
  const resolved = scope.resolve(path, { file: true });
  const raw = await scope.driver.createAppend!(resolved.key, withDefaulted(options, rawOptions));
  const { key: _key, ...rest } = raw;
  return { ...rest, path: resolved.path, mode: "append", appendOffset: raw.appendOffset ?? 0, size: raw.size ?? 0, crc64: raw.crc64 ?? "0" };
}

/**
 * `scope.require` for an append call, its `CapabilityInsufficient` naming the driver's reason (`StorageDriver.appendsOff`).
 * @throws CapabilityInsufficient
 */
function requireAppend(scope: OperationScope, op: "createAppend" | "writeAppend" | "commitAppend", ...methods: (keyof StorageDriver)[]): void {
  try {
    scope.require(op, "append", ...methods);
  } catch (e) {
    const why = scope.driver.appendsOff;
    if (!isStorageError(e, ErrorCode.CapabilityInsufficient) || scope.driver.features.append || typeof why !== "string") throw e;
    throw storageError(ErrorCode.CapabilityInsufficient, `${e.detail}: ${why}`, { op: e.op, service: e.service });
  }
}

/**
 * The largest chunk one append takes: the storage's `appendSizeMaximum`, at most what one Buffer
 * can hold (`buffer.constants.MAX_LENGTH`, 4 GiB on Node 20), since an append holds its whole chunk in memory.
 * @throws nothing.
 */
export function appendChunkMaximum(limits: StorageLimits): number {
  const buffer = bufferConstants.MAX_LENGTH;
  return limits.appendSizeMaximum === undefined ? buffer : Math.min(limits.appendSizeMaximum, buffer);
}

/**
 * Appends `body` at `obj.appendOffset`, then advances `obj.appendOffset` and `obj.size`. Only the
 * position is checked by every storage (`Conflict`). `obj.crc64` becomes the whole object's CRC-64
 * as the storage reported it after this append (the result's `crc64`), or is removed where it
 * reports none (QingStor; COS's documented APPEND answer): core never presents a CRC-64 it
 * worked out itself as the object's. Where the storage reports one and `obj` knew the CRC-64
 * before, the two must agree (`IntegrityMismatch` otherwise, the bytes then being appended
 * onto an object that is not the one `obj` describes) and `crc64Confirmed` is true. memory and
 * fs refuse, before writing, to append onto an object whose bytes are not the ones `obj`
 * describes (`ObjectModeInvalid`: re-created or replaced since). Where neither holds (QingStor,
 * COS without a CRC-64 in its answer), an object re-created by another writer with exactly
 * `obj.appendOffset` bytes is appended to without notice. An `onProgress` listener that throws
 * does not stop the append: `obj` advances, then the call fails with `Unexpected`. An append
 * aborted while its request was under way may still have been applied (cloud drivers say so in
 * the `Aborted` message): `obj` is not advanced; stat the object, a size of
 * `obj.appendOffset` + the chunk's size means it was.
 * An `IntegrityMismatch` after the request (the service's answer contradicts the chunk) leaves
 * the chunk stored and `obj` not advanced; its message says to stat the object.
 * The chunk is read whole into memory before it is sent (an append is one request), so it is at
 * most {@link appendChunkMaximum} bytes: the storage's `appendSizeMaximum`, capped at what one Buffer holds.
 * `obj.appendOffset` (a whole number), `obj.crc64` (decimal), `obj.path` (not ending in `/`), the
 * chunk's size (when known from `size` or a Buffer's or string's length: before the body is read)
 * and the object's size after the append (`features.limits.appendTotalSizeMaximum`) are checked
 * before anything is sent. Once the append is applied, `obj` keeps no `etag`, `contentMd5` or
 * `lastModified` of the object before it (they no longer describe it: stat for the new ones).
 * A streaming body (Readable or async iterable) is always read to its end or closed, as `write`'s:
 * a call that fails, even before reading it (an aborted signal, a bad `obj` or option, a chunk
 * over the limits), destroys a Readable (a file stream closes its file) and returns an iterator.
 * @throws ObjectModeInvalid (not an append object, or not the object `obj` describes), Conflict
 *   (position moved), IntegrityMismatch, InvalidArgument (a malformed `obj.appendOffset` or
 *   `obj.crc64`; a path ending in `/`; past the size limits; nothing appended), Aborted, Unexpected (the onProgress
 *   listener threw; the bytes are appended), CapabilityInsufficient
 */
export function writeAppend(scope: OperationScope, obj: ObjectInfo, body: Body, rawOptions: object | undefined): Promise<AppendResult> {
  return closingBodyOnFailure(body, async () => appendBody(scope, checkedObject(obj), body, rawOptions));
}

async function appendBody(scope: OperationScope, obj: ObjectInfo, body: Body, rawOptions: object | undefined): Promise<AppendResult> {
  requireAppend(scope, "writeAppend", "writeAppend");
  if (obj.mode !== "append") throw storageError(ErrorCode.ObjectModeInvalid, `writeAppend needs an append object, got mode ${obj.mode}`);
  const options = scope.options("writeAppend", rawOptions) as { size?: number; contentMd5?: string; onProgress?: ProgressListener; signal?: AbortSignal };
  // An append makes an object where none is (COS, OSS, QingStor): a path ending in `/` is refused as for every write.
  const { key } = scope.resolve(obj.path, { file: true });
  const offset = obj.appendOffset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw storageError(ErrorCode.InvalidArgument, `writeAppend: obj.appendOffset must be a whole number of bytes, got ${String(offset).slice(0, 40)}`);
  const baseCrc = obj.crc64 === undefined ? undefined : parseCrc64(obj.crc64);
  if (obj.crc64 !== undefined && baseCrc === undefined) throw storageError(ErrorCode.InvalidArgument, `writeAppend: obj.crc64 must be a decimal CRC-64, got ${JSON.stringify(String(obj.crc64).slice(0, 40))}`);
  const limits = scope.driver.features.limits;
  const limit = appendChunkMaximum(limits);
  const known = options.size ?? bodySize(body);
  if (known !== undefined) refuseOverLimits(limits, offset, known);
  const source = sizedBodyChunks(body, options.size, options.signal);
  const data = await collectBody(source, limit);
  refuseOverLimits(limits, offset, data.length);
  const md5 = md5Base64(data);
  if (options.contentMd5 !== undefined && options.contentMd5 !== md5) {
    throw storageError(ErrorCode.IntegrityMismatch, `content_md5 ${options.contentMd5} does not match the body (${md5})`);
  }
  const progress = new ProgressReporter(options.onProgress, data.length);
  const local = crc64(data);
  // An append is not torn down by a listener that throws (it is not idempotent: a torn-down append
  // may still be applied): it goes through, `obj` moves on, then the call fails with the listener's error.
  let listenerError: unknown;
  const report = (bytes: number): void => {
    try {
      progress.report(bytes);
    } catch (e) {
      listenerError ??= e;
    }
  };
  const driverBody: DriverBody = { data, size: data.length, contentMd5: md5, crc64: local.toString(), onProgress: report };
  if (baseCrc !== undefined) driverBody.appendBaseCrc64 = baseCrc.toString();
  const result = await scope.driver.writeAppend!(key, offset, driverBody, stripCoreOptions(options));
  const expected = baseCrc === undefined ? undefined : crc64Combine(baseCrc, local, data.length).toString();
  const crc = result.crc64;
  const confirmed = expected !== undefined && crc !== undefined && crc64Equal(crc, expected);
  if (scope.driver.features.crc64 && expected !== undefined && crc !== undefined && !confirmed) {
    throw appendMismatchError(`crc64 mismatch after append: expected ${expected}, service has ${crc}`, offset, data.length);
  }
  obj.appendOffset = result.appendOffset;
  obj.size = result.appendOffset;
  // What described the object before this append (createAppend's, a stat's) does not any more: an
  // `ifMatch: obj.etag` would fail on an object that is just as `obj` says.
  delete obj.etag;
  delete obj.contentMd5;
  delete obj.lastModified;
  // Only a CRC-64 the storage reported describes the object: `expected` is what it would be had
  // nobody else changed the object since `obj` last saw it, which nothing here checked.
  if (crc === undefined) delete obj.crc64;
  else obj.crc64 = crc;
  // Last: a listener that threw fails a call whose bytes are stored, and `obj` must say so.
  if (listenerError !== undefined) throw listenerError;
  progress.finish(data.length);
  const appended: AppendResult = { size: data.length, appendOffset: result.appendOffset };
  if (crc !== undefined) appended.crc64 = crc;
  if (confirmed) appended.crc64Confirmed = true;
  return appended;
}

/**
 * Refuses a chunk of `size` bytes at `offset` past the storage's limits ({@link appendChunkMaximum}
 * for the chunk, `appendTotalSizeMaximum` for the object after it).
 * @throws InvalidArgument
 */
function refuseOverLimits(limits: StorageLimits, offset: number, size: number): void {
  const limit = appendChunkMaximum(limits);
  if (size > limit) {
    const why = limits.appendSizeMaximum === undefined || limits.appendSizeMaximum > limit ? ", what one Buffer holds (an append holds its chunk in memory)" : "";
    throw storageError(ErrorCode.InvalidArgument, `writeAppend: a chunk of ${size} bytes is over the ${limit}-byte limit of one append${why}; nothing sent`);
  }
  const total = limits.appendTotalSizeMaximum;
  if (total !== undefined && offset + size > total) {
    throw storageError(ErrorCode.InvalidArgument, `writeAppend: ${offset} + ${size} bytes would pass the ${total}-byte limit of an append object`);
  }
}

/**
 * Finishes an append object (a no-op where the service has no such step).
 * @throws ObjectModeInvalid (`obj.mode` is not "append"), InvalidArgument (a path ending in `/`),
 *   CapabilityInsufficient, Aborted, and what the driver's commit throws
 */
export async function commitAppend(scope: OperationScope, obj: ObjectInfo, rawOptions: object | undefined): Promise<void> {
  requireAppend(scope, "commitAppend");
  if (obj.mode !== "append") throw storageError(ErrorCode.ObjectModeInvalid, `commitAppend needs an append object, got mode ${obj.mode}`);
  const options = scope.options("commitAppend", rawOptions);
  // No append object ends in `/` (writeAppend refuses such a path): refused here on every storage.
  const { key } = scope.resolve(obj.path, { file: true });
  // Most services have nothing to commit: an aborted call still says so, as on every storage.
  throwIfAborted((options as { signal?: AbortSignal }).signal);
  await scope.driver.commitAppend?.(key, options);
}

