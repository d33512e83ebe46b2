import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, type StorageError } from "../errors/storage-error.js";
import { crc64, crc64Equal } from "../integrity/crc64.js";
import { sameEtag } from "../object/etag.js";
import { isMissingBucket } from "./missing-bucket.js";
import type { DriverBody, DriverWriteResult, RawObject } from "./storage-driver.js";

// A conditional write (`ifNotExists`: a service's forbid-overwrite header) whose answer was lost
// (a network failure after sending, a 5xx) is retried, and the retry may meet the object its own
// first attempt stored: a 409. Drivers hand such a refusal here, with a way to look at the object,
// and it is judged by the object: exactly ours → the write succeeded; anything else, or an object
// that cannot be looked at or compared → the refusal stands. Another writer storing the very same
// bytes in between cannot be told apart from the first attempt. A refusal on a first attempt is
// never judged (the driver throws it as it is). A Complete (conditional or not) whose answer was lost
// is judged alike when its retry finds the upload gone (judgeLostComplete).

/** The object at the write's key as the service shows it (a HEAD, with the write's SSE-C key where it needs one). */
export type RefusedObjectLook = () => Promise<RawObject>;

/**
 * A retried conditional PUT of `body` refused because an object exists (`refused`): the write
 * succeeded when `head` shows exactly the body (its size and CRC-64: `body.crc64`, else computed
 * from the bytes), and then the object's ETag and CRC-64 are its result. A body that was a stream
 * (never re-sent, so never retried) or an object without a CRC-64 cannot be compared: `refused`.
 * @throws StorageError `refused`, `Aborted` (from `head`)
 */
export async function judgeRefusedPut(body: DriverBody, head: RefusedObjectLook, refused: StorageError): Promise<DriverWriteResult> {
  if (!Buffer.isBuffer(body.data)) throw refused;
  const object = await lookOrNothing(head);
  if (object === undefined) throw refused;
  return exactly(object, body.size, body.crc64 ?? crc64(body.data.subarray(0, body.size)).toString(), refused);
}

/**
 * A retried conditional copy (a single copy, or a multipart copy's Complete) refused because an
 * object exists (`refused`): it was this copy's own earlier attempt when `head` shows an object of
 * exactly `source`'s bytes (size and CRC-64). Then its ETag and CRC-64; else `refused` (another
 * writer's object, or a source without a CRC-64 or size, which cannot be compared; nothing is asked then).
 * @throws StorageError `refused`, `Aborted` (from `head`)
 */
export async function judgeRefusedCopy(source: RawObject, head: RefusedObjectLook, refused: StorageError): Promise<DriverWriteResult> {
  if (source.crc64 === undefined || source.size === undefined) throw refused;
  return exactly(await lookOrNothing(head), source.size, source.crc64, refused);
}

/** How a driver looks at an upload whose conditional Complete was refused, and at the object. */
export interface RefusedCompleteLook {
  /** One page of List Parts of the upload: resolves while the upload is there; `ObjectNotExist` once it is gone. */
  listParts(): Promise<unknown>;
  /** True for an `ObjectNotExist` that says the bucket is missing (not the upload); core {@link isMissingBucket} when absent. */
  isMissingBucket?(e: StorageError): boolean;
  /** The object at the upload's key. */
  head: RefusedObjectLook;
  /** Whether the object is of the kind a Complete makes (OSS: a Multipart object); every object when absent. */
  completedKind?(object: RawObject): boolean;
}

/**
 * A retried conditional Complete refused because an object exists (`refused`): it was this upload's
 * own Complete when List Parts shows the upload gone (an upload still there was not completed; a
 * failure other than `ObjectNotExist` of the upload tells nothing) and the object is exactly what
 * the parts combine to (`expected`: size and CRC-64; and of `look.completedKind`). Then its ETag and
 * CRC-64; else `refused`.
 * @throws StorageError `refused`, `Aborted` (from `look`)
 */
export async function judgeRefusedComplete(expected: { crc64: string; size: number }, look: RefusedCompleteLook, refused: StorageError): Promise<DriverWriteResult> {
  let gone = false;
  try {
    await look.listParts();
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    gone = isStorageError(e, ErrorCode.ObjectNotExist) && !(look.isMissingBucket ?? isMissingBucket)(e);
  }
  if (!gone) throw refused;
  const object = await lookOrNothing(look.head);
  if (object !== undefined && look.completedKind !== undefined && !look.completedKind(object)) throw refused;
  return exactly(object, expected.size, expected.crc64, refused);
}

/**
 * What a Complete must have made, to be recognised by: its size and CRC-64 (COS, OSS: what the
 * parts combine to, core `combinePartCrcs`), or its size and the ETag the Complete sent (QingStor,
 * whose Complete stores the ETag it is given).
 */
export type CompletedObject = { size: number; crc64: string } | { size: number; etag: string };

/** How a driver looks at the object after a Complete answered "no such upload". */
export interface LostCompleteLook {
  /** The service's code word for an upload that does not exist (`NoSuchUpload`, `upload_not_exists`): only an answer with it is judged. */
  uploadGoneCode: string;
  /** The object at the upload's key (a HEAD, without `If-Match` / `If-None-Match`, with the SSE-C key the object needs). */
  head: RefusedObjectLook;
  /** Whether the object is of the kind a Complete makes (OSS: a Multipart object; QingStor: a file); every object when absent. */
  completedKind?(object: RawObject): boolean;
}

/**
 * A Complete answered 404 (`notFound`). Complete is not idempotent: when an earlier attempt
 * completed the upload but its answer was lost, the retry finds no upload. So the 404 is judged:
 * when this was a retry (`retried`: the answer's `earlierAttemptMayHaveApplied`), the 404 says the
 * upload is gone (`notFound.serviceCode` is `look.uploadGoneCode`: not the bucket, not the key),
 * `expected` is known and `look.head` shows exactly that object (size, and CRC-64 or ETag; and of
 * `look.completedKind`), the Complete succeeded: the object's ETag and CRC-64 (those it has) are
 * its result. Anything else (a first attempt, another 404, an object that differs or cannot be
 * looked at) keeps `notFound`.
 * @throws StorageError `notFound` (`ObjectNotExist`), `Aborted` (from `look.head`)
 */
export async function judgeLostComplete(notFound: StorageError, retried: boolean, expected: CompletedObject | undefined, look: LostCompleteLook): Promise<DriverWriteResult> {
  if (!retried || expected === undefined || notFound.serviceCode !== look.uploadGoneCode) throw notFound;
  const object = await lookOrNothing(look.head);
  if (object === undefined || (look.completedKind !== undefined && !look.completedKind(object))) throw notFound;
  if ("crc64" in expected) return exactly(object, expected.size, expected.crc64, notFound);
  if (object.size !== expected.size || !sameEtag(object.etag, expected.etag)) throw notFound;
  return { ...(object.etag !== undefined ? { etag: object.etag } : {}), ...(object.crc64 !== undefined ? { crc64: object.crc64 } : {}) };
}

/** `object`'s ETag and CRC-64 when it has exactly `size` bytes and CRC-64 `crc`. @throws StorageError `refused` otherwise (no object too). */
function exactly(object: RawObject | undefined, size: number, crc: string, refused: StorageError): DriverWriteResult {
  if (object === undefined || object.size !== size || object.crc64 === undefined || !crc64Equal(object.crc64, crc)) throw refused;
  return { ...(object.etag !== undefined ? { etag: object.etag } : {}), crc64: object.crc64 };
}

/** What `head` shows, or undefined when it fails for any reason but an abort. @throws StorageError `Aborted` */
async function lookOrNothing(head: RefusedObjectLook): Promise<RawObject | undefined> {
  try {
    return await head();
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    return undefined;
  }
}
