import { ErrorCode, isStorageError, storageError, type DriverCallOptions, type RawObject, type RestoreResult, type RestoreTier, type StorageError } from "@stowage/core";
import type { CosClient } from "./client.js";
import { COS_TYPE } from "./config.js";
import { cosErrorFromResponse } from "./errors.js";
import { restoreObject } from "./requests.js";
import { parseErrorBody } from "./responses.js";

/**
 * The tiers each archive class takes (COS "POST Object restore": ARCHIVE Expedited, Standard and
 * Bulk; DEEP_ARCHIVE Standard and Bulk).
 */
export const COS_RESTORE_TIERS: Readonly<Record<string, readonly RestoreTier[]>> = Object.freeze({
  ARCHIVE: ["Expedited", "Standard", "Bulk"],
  DEEP_ARCHIVE: ["Standard", "Bulk"],
});

/** Classes whose objects read as they are: nothing to restore (the other, intelligent-tiering ones, COS judges). */
const WARM_CLASSES: ReadonlySet<string> = new Set(["STANDARD", "STANDARD_IA", "MAZ_STANDARD", "MAZ_STANDARD_IA"]);

/**
 * POST Object restore of `key` for `days` at `tier` (default Standard, sent always: COS's page lists
 * the tier as required). A HEAD first learns the object's class: one in no archive class is refused
 * (`ObjectModeInvalid`), and so is a tier its class does not take (`InvalidArgument`), with no POST.
 * A HEAD COS refuses otherwise (an SSE-C object asks for its key) leaves the judging to COS. 202 is
 * a restore started, 200 one done already (COS extends its copy). 409 `RestoreAlreadyInProgress` is
 * `Conflict`, except to a re-sent request whose earlier attempt may have started that very restore
 * (its answer lost): then it is this call's. COS answers 405 to the restore of an object in no
 * archive class (its older restore page): `ObjectModeInvalid`, as a 403 `InvalidObjectState` or a
 * 400 `OperationNotSupported` (S3's and OSS's words for it) is.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `InvalidArgument`, `Conflict`, `PermissionDenied`, `Aborted`, ...
 */
export async function restoreArchived(
  client: CosClient,
  stat: (key: string, options: DriverCallOptions) => Promise<RawObject>,
  key: string,
  options: DriverCallOptions & { days: number; tier?: RestoreTier },
): Promise<RestoreResult> {
  const object = await statOrUnknown(stat, key, options.signal);
  if (object !== undefined) checkRestorable(object, options.tier);
  const call = restoreObject(key, options.days, options.tier ?? "Standard");
  let res;
  try {
    res = await client.sendBuffered(call, { signal: options.signal, accept: (s) => (s >= 200 && s < 300) || s === 409 });
  } catch (e) {
    throw notArchivedError(e);
  }
  if (res.status === 409) {
    const doc = await parseErrorBody(res.body);
    if (doc?.code === "RestoreAlreadyInProgress" && res.earlierAttemptMayHaveApplied) return { alreadyRestored: false };
    throw cosErrorFromResponse(res, doc).withContext({ service: COS_TYPE });
  }
  return { alreadyRestored: res.status === 200 };
}

/**
 * The object as a HEAD describes it, or undefined when COS refused the HEAD for a reason the restore
 * request may not share (400 or 403: an SSE-C object's HEAD wants its key, which a restore does not).
 * @throws StorageError `ObjectNotExist`, `Aborted`, and any other failure of the HEAD
 */
async function statOrUnknown(stat: (key: string, options: DriverCallOptions) => Promise<RawObject>, key: string, signal: AbortSignal | undefined): Promise<RawObject | undefined> {
  try {
    return await stat(key, signal === undefined ? {} : { signal });
  } catch (e) {
    if (isStorageError(e, ErrorCode.InvalidArgument) || isStorageError(e, ErrorCode.PermissionDenied)) return undefined;
    throw e;
  }
}

/**
 * Refuses what COS would: an object in a class that needs no restore, a tier its class does not take.
 * @throws StorageError `ObjectModeInvalid`, `InvalidArgument`
 */
function checkRestorable(object: RawObject, tier: RestoreTier | undefined): void {
  const storageClass = object.storageClass ?? "STANDARD";
  if (object.mode !== "file" || WARM_CLASSES.has(storageClass)) {
    const what = object.mode === "file" ? `is ${storageClass}, no archive class (ARCHIVE, DEEP_ARCHIVE)` : `is an ${object.mode} object of class ${storageClass}`;
    throw storageError(ErrorCode.ObjectModeInvalid, `restore: the object ${what}: it reads as it is, there is nothing to restore; nothing sent`);
  }
  const tiers = COS_RESTORE_TIERS[storageClass];
  if (tier !== undefined && tiers !== undefined && !tiers.includes(tier)) {
    throw storageError(ErrorCode.InvalidArgument, `restore: COS restores ${storageClass} objects at tier ${tiers.join(" or ")}, not ${tier}; nothing sent`);
  }
}

/** COS's answers that say the object is in no archive class, as `ObjectModeInvalid`; any other error as it is. */
function notArchivedError(e: unknown): unknown {
  if (!isStorageError(e)) return e;
  const refused = e.statusCode === 405 || e.serviceCode === "InvalidObjectState" || e.serviceCode === "OperationNotSupported";
  if (!refused) return e;
  return storageError(ErrorCode.ObjectModeInvalid, `${e.detail}; COS restores ARCHIVE and DEEP_ARCHIVE objects only: this one reads as it is`, restoreContext(e));
}

function restoreContext(e: StorageError): { statusCode?: number; requestId?: string; cause: StorageError } {
  return { ...(e.statusCode === undefined ? {} : { statusCode: e.statusCode }), ...(e.requestId === undefined ? {} : { requestId: e.requestId }), cause: e };
}
