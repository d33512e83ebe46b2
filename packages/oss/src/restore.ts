import { ErrorCode, ownEntry, restoreArchivedObject, storageError, type DriverCallOptions, type RawObject, type RestoreResult, type RestoreTier } from "@stowage/core";
import type { OssClient } from "./client.js";
import { OSS_TYPE } from "./config.js";
import { ossErrorFromResponse } from "./errors.js";
import { restoreObject } from "./requests.js";
import { errorDocument } from "./responses.js";

/**
 * What each archive class takes (OSS RestoreObject and its error pages): Archive 1 to 7 days and no
 * tier (it restores in about a minute; OSS answers a `JobParameters` for it 400, as ossutil's restore
 * tests against the service expect); ColdArchive 1 to 365 days at Expedited, Standard or Bulk;
 * DeepColdArchive 1 to 365 days at Expedited or Standard.
 */
export const OSS_RESTORE_RULES: Readonly<Record<string, { daysMaximum: number; tiers: readonly RestoreTier[] }>> = Object.freeze({
  Archive: { daysMaximum: 7, tiers: [] },
  ColdArchive: { daysMaximum: 365, tiers: ["Expedited", "Standard", "Bulk"] },
  DeepColdArchive: { daysMaximum: 365, tiers: ["Expedited", "Standard"] },
});

/** Classes whose objects read as they are: RestoreObject "does not apply to Standard or IA objects". */
const WARM_CLASSES: ReadonlySet<string> = new Set(["Standard", "IA"]);

/**
 * RestoreObject of `key` for `days` (`JobParameters/Tier` only when a tier is given). A HEAD first
 * learns the object's class: one in no archive class, or a symlink, is refused (`ObjectModeInvalid`),
 * and so are days or a tier its class does not take (`InvalidArgument`), with no POST. A HEAD OSS
 * refuses with 400 or 403 (a credential allowed `oss:RestoreObject` but not `oss:GetObject`) leaves
 * the judging to OSS: the POST is sent unchecked. 202 is a
 * restore started, 200 one done already (OSS extends its copy). 409 `RestoreAlreadyInProgress` is
 * `Conflict`, except to a re-sent request whose earlier attempt may have started that very restore
 * (its answer lost): then it is this call's. 400 `OperationNotSupported` (what OSS answers for an
 * object in no archive class) is `ObjectModeInvalid`.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `InvalidArgument`, `Conflict`, `PermissionDenied`, `Aborted`, ...
 */
export async function restoreArchived(client: OssClient, stat: (key: string, options: DriverCallOptions) => Promise<RawObject>, key: string, options: DriverCallOptions & { days: number; tier?: RestoreTier }): Promise<RestoreResult> {
  return restoreArchivedObject(key, options.signal, {
    stat,
    check: (object) => checkRestorable(object, options.days, options.tier),
    send: (sendOptions) => client.sendBuffered(restoreObject(key, options.days, options.tier), sendOptions),
    errorDocument: (res) => errorDocument(res.body, res.headers),
    errorFrom: (res, doc) => ossErrorFromResponse(res, doc).withContext({ service: OSS_TYPE }),
    notArchived: (e) => e.serviceCode === "OperationNotSupported" || e.serviceCode === "InvalidObjectState",
    restores: "OSS restores Archive, ColdArchive and DeepColdArchive objects only",
  });
}

/**
 * Refuses what OSS would: a symlink, an object in a class that needs no restore, days or a tier its class does not take.
 * @throws StorageError `ObjectModeInvalid`, `InvalidArgument`
 */
function checkRestorable(object: RawObject, days: number, tier: RestoreTier | undefined): void {
  const storageClass = object.storageClass ?? "Standard";
  if (object.mode === "link") {
    throw storageError(ErrorCode.ObjectModeInvalid, `restore: the object is a symbolic link to ${object.linkTarget ?? "another object"}: restore its target; nothing sent`);
  }
  if (object.mode !== "file" || WARM_CLASSES.has(storageClass)) {
    const what = object.mode === "file" ? `is ${storageClass}, no archive class (Archive, ColdArchive, DeepColdArchive)` : `is an ${object.mode} object of class ${storageClass}`;
    throw storageError(ErrorCode.ObjectModeInvalid, `restore: the object ${what}: it reads as it is, there is nothing to restore; nothing sent`);
  }
  const rules = ownEntry(OSS_RESTORE_RULES, storageClass);
  if (rules === undefined) return;
  if (days > rules.daysMaximum) {
    throw storageError(ErrorCode.InvalidArgument, `restore for ${days} days: OSS keeps a restored ${storageClass} object readable for at most ${rules.daysMaximum} days; nothing sent`);
  }
  if (tier !== undefined && !rules.tiers.includes(tier)) {
    const takes = rules.tiers.length === 0 ? "with no tier (in about a minute): leave tier out" : `at tier ${rules.tiers.join(" or ")}, not ${tier}`;
    throw storageError(ErrorCode.InvalidArgument, `restore: OSS restores ${storageClass} objects ${takes}; nothing sent`);
  }
}
