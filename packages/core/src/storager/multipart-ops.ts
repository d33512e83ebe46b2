import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { crc64Decimal, crc64Equal } from "../integrity/crc64.js";
import { crc64Combine } from "../integrity/crc64-combine.js";
import { md5Base64 } from "../integrity/md5.js";
import { collectBody, sizedBodyChunks } from "../io/body.js";
import { closingBodyOnFailure } from "../io/closing-body.js";
import { paginate } from "../listing/page-lister.js";
import type { MultipartInfo, ObjectInfo, Part } from "../object/object-info.js";
import type { Body, ProgressListener } from "../options.js";
import type { StorageLimits } from "../features.js";
import type { WriteResult } from "../storager.js";
import { checkedObject } from "./checked-object.js";
import { ProgressReporter } from "./progress-reporter.js";
import type { OperationScope } from "./storager-context.js";
import { stripCoreOptions } from "./write-object.js";
import { withSignal } from "./write-options.js";
import { checkStoredParts } from "../multipart/stored-parts.js";
import { abortError, graceSignal, throwIfAborted } from "../io/abort.js";
import { abortFailedUpload, removeStoredWrong, SENT_REQUEST_GRACE_MS, withUploadLeft } from "../multipart/upload-cleanup.js";
import { writtenParts } from "../multipart/written-parts.js";
import { withDefaulted } from "./defaulted-pairs.js";

/**
 * Starts a multipart upload at `path`. An abort while the Initiate is under way gives it
 * {@link SENT_REQUEST_GRACE_MS} to answer, as a multipart `write` does (the service may have made
 * the upload whatever happens to the request): the upload it answers with is aborted (within
 * `UPLOAD_CLEANUP_TIMEOUT_MS`) and the call rejects `Aborted`, whose message names the upload id
 * and key when that abort timed out or failed (see {@link abortFailedUpload}).
 * @throws CapabilityInsufficient, InvalidArgument, PairUnsupported, Aborted
 */
export async function createMultipart(scope: OperationScope, path: string, rawOptions: object | undefined): Promise<MultipartInfo> {
  scope.require("createMultipart", "multipart", "createMultipart");
  const options = scope.options("createMultipart", rawOptions) as { signal?: AbortSignal };
  const resolved = scope.resolve(path, { file: true });
  const signal = options.signal;
  throwIfAborted(signal);
  const grace = graceSignal(signal, SENT_REQUEST_GRACE_MS);
  let multipartId: string;
  try {
    ({ multipartId } = await scope.driver.createMultipart!(resolved.key, withSignal(withDefaulted(options, rawOptions), grace.signal)));
  } finally {
    grace.release();
  }
  if (signal?.aborted) {
    // The caller gave up while the Initiate was in flight: nobody will use the upload it made.
    const key = resolved.key;
    const failure = abortError(signal);
    const abort = scope.driver.abortMultipart?.bind(scope.driver);
    if (abort === undefined) throw withUploadLeft(failure, { key, multipartId }, `the ${scope.service} driver has no AbortMultipartUpload`);
    throw await abortFailedUpload(failure, { key, multipartId }, (cleanup) => abort(key, multipartId, { signal: cleanup }));
  }
  return { path: resolved.path, mode: "part", multipartId };
}

/**
 * Uploads part `index` (0-based) of `obj`'s upload, verifying the service's CRC64 of it. A
 * streaming body (Readable or async iterable) is always read to its end or closed, as `write`'s:
 * a call that fails, even before reading it (an aborted signal, a bad index or option), destroys a
 * Readable (a file stream closes its file) and returns an iterator (see closingBodyOnFailure).
 * @throws ObjectModeInvalid, InvalidArgument (index or size out of limits), IntegrityMismatch, ObjectNotExist,
 *   CapabilityInsufficient, PairRequired, Unexpected (the onProgress listener threw), Aborted
 */
export function writeMultipart(scope: OperationScope, obj: ObjectInfo, body: Body, rawOptions: object | undefined): Promise<Part> {
  return closingBodyOnFailure(body, async () => writePart(scope, checkedObject(obj), body, rawOptions));
}

async function writePart(scope: OperationScope, obj: ObjectInfo, body: Body, rawOptions: object | undefined): Promise<Part> {
  scope.require("writeMultipart", "multipart", "writePart");
  const { key, multipartId } = uploadOf(scope, obj);
  const options = scope.options("writeMultipart", rawOptions) as {
    index: number;
    size?: number;
    contentMd5?: string;
    onProgress?: ProgressListener;
    signal?: AbortSignal;
  };
  const limits = scope.driver.features.limits;
  if (limits.multipartNumberMaximum !== undefined && options.index >= limits.multipartNumberMaximum) {
    throw storageError(ErrorCode.InvalidArgument, `part index ${options.index} is beyond the ${limits.multipartNumberMaximum}-part limit`);
  }
  const source = sizedBodyChunks(body, options.size, options.signal);
  const data = await collectBody(source, limits.multipartSizeMaximum);
  const md5 = md5Base64(data);
  if (options.contentMd5 !== undefined && options.contentMd5 !== md5) {
    throw storageError(ErrorCode.IntegrityMismatch, `content_md5 ${options.contentMd5} does not match the part (${md5})`);
  }
  const crc64 = crc64Decimal(data);
  const progress = new ProgressReporter(options.onProgress, data.length);
  const driverOptions = stripCoreOptions(options);
  delete driverOptions["index"];
  const part = await scope.driver.writePart!(key, multipartId, options.index, { data, size: data.length, contentMd5: md5, crc64, onProgress: progress.report }, driverOptions);
  if (scope.driver.features.crc64 && part.crc64 !== undefined && !crc64Equal(part.crc64, crc64)) {
    throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch on part ${options.index}: sent ${crc64}, service stored ${part.crc64}`);
  }
  progress.finish(data.length);
  const written = { ...part, index: options.index, size: data.length, crc64 };
  // A service that lists no part CRC-64 (COS, QingStor) cannot vouch for one at complete: this process can.
  writtenParts.record(key, multipartId, written);
  return written;
}

/**
 * Completes `obj`'s upload from `parts` (any order; they must be numbered
 * 0..n-1, each once). Every part is checked before anything is sent (see
 * {@link checkParts}): a malformed one is `InvalidArgument` and the upload is
 * left as it was. Then against the parts the service holds (checkStoredParts:
 * one listing): a part not uploaded, or whose size, ETag or CRC-64 differs, is
 * `Conflict`, and the upload is kept (a part missing has the upload listed once
 * more: one aborted or completed meanwhile is `ObjectNotExist`).
 *
 * A part's CRC-64 is known when the service lists it (memory, fs, OSS) or when
 * this process uploaded the part with `writeMultipart` and hashed its bytes
 * (written-parts.ts; any storage). A caller's `crc64` that contradicts the known
 * one is `Conflict` before anything is sent, the upload kept. A caller's `crc64`
 * for a part nothing here knows (uploaded elsewhere, on a service that lists no
 * part CRC-64: COS, QingStor) is not believed: it never becomes the object's
 * CRC-64 (QingStor: no CRC ETag) and can never get the object deleted.
 *
 * After the service completed the upload: when every part's CRC-64 is known and
 * they combine to another CRC-64 than the one the service returns for the object,
 * the object just stored is deleted (so is any earlier version of it, which the
 * upload replaced; the upload itself is consumed) and the call fails with
 * `IntegrityMismatch`, so corrupt data is never left under the name. When the
 * combination that disagrees includes a caller's unchecked `crc64`, the object is
 * kept (the caller's value may be the wrong one) and the call fails with
 * `IntegrityMismatch` saying so: read the object to check it. When the known CRC-64s combine to
 * the one the service returns for the object, the result's `crc64Confirmed` is true, as a
 * multipart `write`'s; it is absent where nothing was compared (no CRC-64 from the service, as
 * `features.crc64` is false: fs, QingStor, `integrity=false`; a part whose CRC-64 nothing here knows).
 * More parts than the service's upload holds (`limits.completePartsMaximum`, else
 * `limits.multipartNumberMaximum`: 10,000; QingStor 10,001) is `InvalidArgument` naming the limit,
 * before anything is sent.
 * @throws ObjectModeInvalid, InvalidArgument (no parts, a malformed part, a gap or a duplicate index,
 *   more parts than the service's limit), Conflict (a part unlike the uploaded one), IntegrityMismatch (the object was deleted, or kept
 *   when a caller's unchecked crc64 is in the combination that disagrees), ObjectNotExist
 */
export async function completeMultipart(scope: OperationScope, obj: ObjectInfo, parts: readonly Part[], rawOptions: object | undefined): Promise<WriteResult> {
  // Complete checks the stored parts first (listParts).
  scope.require("completeMultipart", "multipart", "completeMultipart", "listParts");
  const { key, multipartId } = uploadOf(scope, obj);
  const options = scope.options("completeMultipart", rawOptions);
  checkPartCount(checkParts(parts).length, scope.driver.features.limits);
  const given = sortParts(parts);
  const stored = await checkStoredParts(scope.driver, key, multipartId, given, (options as { signal?: AbortSignal }).signal);
  // Only CRC-64s the service listed or this process hashed are believed; the rest are `unchecked`.
  const { parts: known, unchecked } = writtenParts.vouched(key, multipartId, stored.parts, stored.listedCrc64);
  // A driver that stores the parts' combined CRC-64 as a claim (QingStor's CRC ETag) gets the known ones
  // only; one that uses them just to recognise a Complete whose answer was lost (COS, OSS) gets them all.
  const sent = scope.driver.features.crc64 ? stored.parts : known;
  const result = await scope.driver.completeMultipart!(key, multipartId, sent, options);
  writtenParts.forget(key, multipartId);
  const size = known.reduce((sum, p) => sum + p.size, 0);
  const serviceCrc = scope.driver.features.crc64 ? result.crc64 : undefined;
  const combined = combinedCrc64(known);
  if (combined !== undefined && serviceCrc !== undefined && !crc64Equal(serviceCrc, combined)) {
    const removed = await removeStoredWrong((signal) => scope.driver.delete(key, { signal }));
    throw storageError(ErrorCode.IntegrityMismatch, `crc64 mismatch on complete: parts combine to ${combined}, service stored ${serviceCrc}; ${removed}`);
  }
  const claimed = combined === undefined && unchecked.size > 0 ? combinedCrc64(stored.parts) : undefined;
  if (claimed !== undefined && serviceCrc !== undefined && !crc64Equal(serviceCrc, claimed)) {
    const which = [...unchecked.keys()].join(", ");
    throw storageError(
      ErrorCode.IntegrityMismatch,
      `crc64 mismatch on complete: the parts combine to ${claimed} with the crc64 given for part(s) ${which}, which nothing here could check (uploaded elsewhere, and the service lists no part CRC-64), but the service stored ${serviceCrc}; the object was kept, as a given crc64 may be the wrong one: read it to check it`,
    );
  }
  const crc64 = combined ?? result.crc64;
  // As a multipart write's: the service's CRC-64 of the object was compared with the parts' known one, and held.
  const confirmed = combined !== undefined && serviceCrc !== undefined;
  return {
    size,
    parts: known.length,
    ...(crc64 === undefined ? {} : { crc64 }),
    ...(result.etag === undefined ? {} : { etag: result.etag }),
    ...(confirmed ? { crc64Confirmed: true } : {}),
  };
}

/** The CRC-64 of the object `parts` (sorted) make, when every part has one; else undefined. */
function combinedCrc64(parts: readonly Part[]): string | undefined {
  if (!parts.every((p) => p.crc64 !== undefined)) return undefined;
  return parts.reduce((acc, p) => crc64Combine(acc, BigInt(p.crc64!), p.size), 0n).toString();
}

/**
 * The parts uploaded so far to `obj`'s upload.
 * @throws ObjectModeInvalid, ObjectNotExist
 */
export function listMultipart(scope: OperationScope, obj: ObjectInfo, rawOptions: object | undefined): AsyncIterable<Part> {
  scope.require("listMultipart", "multipart", "listParts");
  const { key, multipartId } = uploadOf(scope, obj);
  const options = scope.options("listMultipart", rawOptions) as { signal?: AbortSignal };
  return paginate((token) => scope.driver.listParts!(key, multipartId, token, options), options.signal ? { signal: options.signal } : {});
}

function uploadOf(scope: OperationScope, obj: ObjectInfo): { key: string; multipartId: string } {
  if (obj.mode !== "part" || !obj.multipartId) {
    throw storageError(ErrorCode.ObjectModeInvalid, `expected a part object with a multipartId, got mode ${obj.mode}`);
  }
  return { key: scope.resolve(obj.path).key, multipartId: obj.multipartId };
}

const MAX_CRC64 = (1n << 64n) - 1n;

/**
 * Checks the shape of the parts a caller passes to `completeMultipart`: an array
 * of objects, each with a whole `index` ≥ 0, a whole `size` ≥ 0, a non-empty
 * string `etag` and, when present, a `crc64` written as a decimal string below
 * 2^64 (as `writeMultipart` and `listMultipart` return it). Values are not echoed.
 * @throws InvalidArgument naming the first bad part (by position) and field
 */
export function checkParts(parts: unknown): Part[] {
  if (!Array.isArray(parts)) throw storageError(ErrorCode.InvalidArgument, "completeMultipart: parts must be an array of parts");
  (parts as unknown[]).forEach((part, at) => {
    const bad = (why: string): never => {
      throw storageError(ErrorCode.InvalidArgument, `completeMultipart: part #${at} (in the order given) ${why}`);
    };
    if (part === null || typeof part !== "object") return bad("is not an object");
    const p = part as Record<string, unknown>;
    if (!Number.isSafeInteger(p["index"]) || (p["index"] as number) < 0) bad("needs a whole index of 0 or more");
    if (!Number.isSafeInteger(p["size"]) || (p["size"] as number) < 0) bad("needs a whole size of 0 or more");
    if (typeof p["etag"] !== "string" || p["etag"] === "") bad("needs a non-empty etag string");
    const crc = p["crc64"];
    if (crc !== undefined && (typeof crc !== "string" || !/^[0-9]{1,20}$/.test(crc) || BigInt(crc) > MAX_CRC64)) {
      bad("has a crc64 that is not a decimal string below 2^64");
    }
  });
  return parts as Part[];
}

/**
 * Refuses a `completeMultipart` of more parts than one upload of the service holds:
 * `limits.completePartsMaximum`, else `limits.multipartNumberMaximum` (none: no limit).
 * @throws InvalidArgument naming the limit
 */
export function checkPartCount(count: number, limits: Readonly<StorageLimits>): void {
  const maximum = limits.completePartsMaximum ?? limits.multipartNumberMaximum;
  if (maximum !== undefined && count > maximum) {
    throw storageError(ErrorCode.InvalidArgument, `completeMultipart: ${count} parts is more than the ${maximum}-part limit of one upload (limits.${limits.completePartsMaximum === undefined ? "multipartNumberMaximum" : "completePartsMaximum"}); nothing was sent`);
  }
}

/**
 * `parts` sorted by index, checked to be numbered 0..n-1, each once.
 * @throws InvalidArgument (no parts, an index missing or given twice)
 */
export function sortParts(parts: readonly Part[]): Part[] {
  if (parts.length === 0) throw storageError(ErrorCode.InvalidArgument, "completeMultipart needs at least one part");
  const sorted = [...parts].sort((a, b) => a.index - b.index);
  // Every service numbers parts its own way; one rule everywhere: indexes 0..n-1, each once.
  sorted.forEach((part, i) => {
    if (part.index !== i) {
      const problem = part.index < i ? "given twice" : `missing (parts must be numbered 0..${sorted.length - 1})`;
      throw storageError(ErrorCode.InvalidArgument, `part index ${part.index < i ? part.index : i} ${problem}`);
    }
  });
  return sorted;
}
