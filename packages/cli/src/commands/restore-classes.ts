import type { RestoreState, RestoreTier } from "@stowage/core";

/**
 * The tiers each archive class takes, by service (as the drivers judge them: @stowage/cos
 * `COS_RESTORE_TIERS`, @stowage/oss `OSS_RESTORE_RULES`; a test keeps them equal). `restore -r`
 * leaves a tier out for a class that does not take it, rather than failing the object.
 */
export const RESTORE_TIERS_BY_CLASS: Readonly<Record<string, Readonly<Record<string, readonly RestoreTier[]>>>> = Object.freeze({
  cos: Object.freeze<Record<string, readonly RestoreTier[]>>({ ARCHIVE: ["Expedited", "Standard", "Bulk"], DEEP_ARCHIVE: ["Standard", "Bulk"] }),
  oss: Object.freeze<Record<string, readonly RestoreTier[]>>({ Archive: [], ColdArchive: ["Expedited", "Standard", "Bulk"], DeepColdArchive: ["Expedited", "Standard"] }),
});

/** A class whose objects `restore -r` restores: its name holds ARCHIVE (COS ARCHIVE, DEEP_ARCHIVE; OSS Archive, ColdArchive, DeepColdArchive). */
const ARCHIVE_CLASS = /archive/i;

/**
 * COS intelligent-tiering classes: an object of one may sit in the class's archive or deep archive
 * tier (listings do not say which), so `restore -r` asks COS, which refuses the restore of one that
 * is not archived.
 */
const MAYBE_ARCHIVED = /^(MAZ_)?INTELLIGENT_TIERING$/;

/** What `restore -r` does with an object listed in `storageClass`: restore it, ask the service (it may be archived), or skip it. */
export function treeRestoreKind(storageClass: string | undefined): "archived" | "maybe" | "skip" {
  if (storageClass === undefined) return "skip";
  if (MAYBE_ARCHIVED.test(storageClass)) return "maybe";
  return ARCHIVE_CLASS.test(storageClass) ? "archived" : "skip";
}

/**
 * What an object's listed restore (OSS listings' `<RestoreInfo>`; the stat of an operand that names
 * an object) says to `restore -r` at `now` (ms), asked to keep copies readable `days` days:
 * `"ongoing"` (a restore is under way) or `"readable"` (restored, its copy's stated expiry at least
 * `days` days after `now`), for which `restore -r` sends nothing; undefined when it sends the
 * restore as before: no state (none asked for, its copy expired, or a listing that carries none, as
 * COS's), or a readable copy that expires sooner than asked or whose expiry is not stated (the
 * service then extends it: a scheduled `restore -r --days 7` keeps a tree readable).
 * @throws nothing
 */
export function listedRestore(restore: RestoreState | undefined, now: number, days = 1): "ongoing" | "readable" | undefined {
  if (restore === undefined) return undefined;
  if (restore.ongoing) return "ongoing";
  return restore.expiresAt !== undefined && restore.expiresAt.getTime() >= now + days * 86_400_000 ? "readable" : undefined;
}

/**
 * Whether an object of `storageClass` on `service` does not take `tier`, and if so the note that
 * says what `restore -r` does instead (the tier left out: the class's one speed, or the service's
 * default, Standard). Undefined when the class takes it, or its rules are not known here (the
 * service then judges).
 */
export function tierNotTaken(service: string, storageClass: string, tier: RestoreTier): string | undefined {
  const tiers = RESTORE_TIERS_BY_CLASS[service]?.[storageClass];
  if (tiers === undefined || tiers.includes(tier)) return undefined;
  const name = service.toUpperCase();
  if (tiers.length === 0) return `${name} ${storageClass} objects take no tier (they restore in about a minute): restored without --tier ${tier}`;
  return `${name} ${storageClass} objects take tier ${tiers.join(" or ")}, not ${tier}: restored at the service's default, Standard`;
}
