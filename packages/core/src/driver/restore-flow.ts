import { answerOf } from "../errors/answer-of.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import type { BufferedSendOptions } from "../http/http-client-options.js";
import type { BufferedResponse } from "../http/http-response.js";
import type { RestoreResult } from "../storager-results.js";
import type { DriverCallOptions, RawObject } from "./driver-types.js";

/** What a service's error document says, as far as the restore flow reads it. */
export interface RestoreErrorDocument {
  readonly code?: string | undefined;
}

/** The per-service parts of {@link restoreArchivedObject}. */
export interface RestoreFlow<D extends RestoreErrorDocument> {
  /** The driver's HEAD of a key. */
  stat(key: string, options: DriverCallOptions): Promise<RawObject>;
  /** Refuses (throws) what the service would for this object: its class, days or tier. Runs before anything is sent. */
  check(object: RawObject): void;
  /** Sends the restore request with these options (they let 2xx and 409 through). */
  send(options: BufferedSendOptions): Promise<BufferedResponse>;
  /** The error document of a 409 answer, when it has one. */
  errorDocument(res: BufferedResponse): Promise<D | undefined>;
  /** The StorageError a refused answer stands for (with the service named in its context). */
  errorFrom(res: BufferedResponse, doc: D | undefined): StorageError;
  /** Whether a failed send says the object is in no archive class. */
  notArchived(e: StorageError): boolean;
  /** What the service restores, said after such a failure, e.g. "COS restores ARCHIVE and DEEP_ARCHIVE objects only". */
  restores: string;
}

/**
 * The restore of an archived object, as COS and OSS run it: a HEAD first learns the object's class
 * and `flow.check` refuses what the service would, with nothing sent. A HEAD refused as
 * `InvalidArgument` or `PermissionDenied` (an SSE-C object's HEAD wants its key; a credential may
 * allow the restore but not the read) leaves the judging to the service: the request is sent
 * unchecked. 202 is a restore started, 200 one done already. 409 `RestoreAlreadyInProgress` is the
 * service's error (`Conflict`), except to a re-sent request whose earlier attempt may have started
 * that very restore (its answer lost): then it is this call's, `{ alreadyRestored: false }`. A
 * failure `flow.notArchived` recognises is `ObjectModeInvalid` (its cause the service's error).
 * @throws StorageError `ObjectNotExist` (HEAD), `ObjectModeInvalid`, `InvalidArgument` (from `flow.check`), `Conflict`, `PermissionDenied`, `Aborted`, and any other failure of the HEAD or the request
 */
export async function restoreArchivedObject<D extends RestoreErrorDocument>(key: string, signal: AbortSignal | undefined, flow: RestoreFlow<D>): Promise<RestoreResult> {
  const object = await statOrUnknown(flow, key, signal);
  if (object !== undefined) flow.check(object);
  let res: BufferedResponse;
  try {
    res = await flow.send({ signal, accept: (s) => (s >= 200 && s < 300) || s === 409 });
  } catch (e) {
    throw notArchivedError(e, flow);
  }
  if (res.status === 409) {
    const doc = await flow.errorDocument(res);
    if (doc?.code === "RestoreAlreadyInProgress" && res.earlierAttemptMayHaveApplied) return { alreadyRestored: false };
    throw flow.errorFrom(res, doc);
  }
  return { alreadyRestored: res.status === 200 };
}

/**
 * The object as a HEAD describes it, or undefined when the service refused the HEAD for a reason the
 * restore request may not share (`InvalidArgument`, `PermissionDenied`).
 * @throws StorageError `ObjectNotExist`, `Aborted`, and any other failure of the HEAD
 */
async function statOrUnknown(flow: RestoreFlow<RestoreErrorDocument>, key: string, signal: AbortSignal | undefined): Promise<RawObject | undefined> {
  try {
    return await flow.stat(key, signal === undefined ? {} : { signal });
  } catch (e) {
    if (isStorageError(e, ErrorCode.InvalidArgument) || isStorageError(e, ErrorCode.PermissionDenied)) return undefined;
    throw e;
  }
}

/** A failure that says the object is in no archive class, as `ObjectModeInvalid`; any other error as it is. */
function notArchivedError(e: unknown, flow: RestoreFlow<RestoreErrorDocument>): unknown {
  if (!isStorageError(e) || !flow.notArchived(e)) return e;
  return storageError(ErrorCode.ObjectModeInvalid, `${e.detail}; ${flow.restores}: this one reads as it is`, restoreContext(e));
}

function restoreContext(e: StorageError): ReturnType<typeof answerOf> & { cause: StorageError } {
  return { ...answerOf(e), cause: e };
}
