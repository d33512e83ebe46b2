import { ErrorCode, ownEntry, restoreArchivedObject, storageError, type DriverCallOptions, type RawObject, type RestoreResult, type RestoreTier } from "@stowage/core";
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
export async function restoreArchived(client: CosClient, stat: (key: string, options: DriverCallOptions) => Promise<RawObject>, key: string, options: DriverCallOptions & { days: number; tier?: RestoreTier }): Promise<RestoreResult> {
  return restoreArchivedObject(key, options.signal, {
    stat,
    check: (object) => checkRestorable(object, options.tier),
    send: (sendOptions) => client.sendBuffered(restoreObject(key, options.days, options.tier ?? "Standard"), sendOptions),
    errorDocument: (res) => parseErrorBody(res.body),
    errorFrom: (res, doc) => cosErrorFromResponse(res, doc).withContext({ service: COS_TYPE }),
    notArchived: (e) => e.statusCode === 405 || e.serviceCode === "InvalidObjectState" || e.serviceCode === "OperationNotSupported",
    restores: "COS restores ARCHIVE and DEEP_ARCHIVE objects only",
  });
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
  const tiers = ownEntry(COS_RESTORE_TIERS, storageClass);
  if (tier !== undefined && tiers !== undefined && !tiers.includes(tier)) {
    throw storageError(ErrorCode.InvalidArgument, `restore: COS restores ${storageClass} objects at tier ${tiers.join(" or ")}, not ${tier}; nothing sent`);
  }
}
