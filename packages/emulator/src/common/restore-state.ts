import type { EmulatorResponse } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import type { StoredObject } from "../store/types.js";
import { ProtocolError } from "./protocol-error.js";
import { emptyResponse } from "./responses.js";

/** One day in milliseconds: restore `Days` count from when the copy is ready (or, extended, from the request). */
const DAY_MS = 24 * 3600 * 1000;

/** The tiers, slowest first: a restore under way may be sped up (OSS), never slowed down. */
export const RESTORE_TIERS: readonly string[] = ["Bulk", "Standard", "Expedited"];

/** Where an object's restore stands at `now`: none asked (or its copy expired), under way, or readable. */
export type RestorePhase = "none" | "ongoing" | "done";

/** The phase of `o`'s restore at `now` (ms). */
export function restorePhase(o: StoredObject, now: number): RestorePhase {
  const r = o.restore;
  if (r === undefined || now >= r.expiresAt) return "none";
  return now < r.readyAt ? "ongoing" : "done";
}

/**
 * The value of `x-cos-restore` / `x-oss-restore` for `o` at `now` (both services document the same
 * form): `ongoing-request="true"` while restoring, `ongoing-request="false", expiry-date="<HTTP date>"`
 * once readable; undefined without a restore (or once its copy expired).
 */
export function restoreHeaderValue(o: StoredObject, now: number): string | undefined {
  const phase = restorePhase(o, now);
  if (phase === "none") return undefined;
  if (phase === "ongoing") return 'ongoing-request="true"';
  return `ongoing-request="false", expiry-date="${new Date(o.restore!.expiresAt).toUTCString()}"`;
}

/** How a provider answers a restore of an object whose restore is under way, or done. */
export interface RestoreRules {
  /** A faster tier than the one under way is accepted (202; OSS ColdArchive and DeepColdArchive) instead of refused. */
  speedUp: boolean;
  /** The error for a slower tier than the one under way (OSS: EC 0016-00000715); without it, as for the same tier. */
  slower?: () => Error;
  /**
   * How a restore of a readable copy sets its expiry. Absent: `days` from now (COS, as S3). A number:
   * `days` added to its expiry, at most that many days after the copy became readable (OSS: "the
   * durations add up; the total cannot exceed the class's maximum").
   */
  addedUpTo?: number;
}

/**
 * Applies a valid restore request of archived object `o` (the caller checked its class, `days` and
 * `tier`, and looked `o` up after the request's body was read, with no wait since: the judging and
 * the recording below are one step): none under way or readable → 202, the copy readable after the
 * emulator's restore delay (`config.restoreDelayMs`) for `days` from then; readable → 200, its
 * expiry set as `rules.addedUpTo` says; under way → 409 `RestoreAlreadyInProgress` (a slower tier:
 * `rules.slower`), unless `rules.speedUp` and a faster tier (202, the tier raised; the emulator keeps
 * the time it is ready).
 * @throws ProtocolError `RestoreAlreadyInProgress`, what `rules.slower` makes, `NoSuchKey` (deleted meanwhile)
 */
export async function applyRestore(ctx: HandlerContext, bucket: string, o: StoredObject, days: number, tier: string, rules: RestoreRules): Promise<EmulatorResponse> {
  const now = ctx.now;
  const phase = restorePhase(o, now);
  if (phase === "ongoing") {
    const current = o.restore!;
    const change = RESTORE_TIERS.indexOf(tier) - RESTORE_TIERS.indexOf(current.tier);
    if (change < 0 && rules.slower !== undefined) throw rules.slower();
    if (!rules.speedUp || change <= 0) throw new ProtocolError("RestoreAlreadyInProgress", "Object restore is already in progress.");
    await ctx.store.setRestore(bucket, o, { ...current, tier });
    return emptyResponse(202);
  }
  if (phase === "done") {
    const r = o.restore!;
    const expiresAt = rules.addedUpTo === undefined ? now + days * DAY_MS : Math.min(r.expiresAt + days * DAY_MS, r.readyAt + rules.addedUpTo * DAY_MS);
    await ctx.store.setRestore(bucket, o, { ...r, expiresAt });
    return emptyResponse(200);
  }
  const readyAt = now + ctx.config.restoreDelayMs;
  await ctx.store.setRestore(bucket, o, { requestedAt: now, readyAt, expiresAt: readyAt + days * DAY_MS, tier });
  return emptyResponse(202);
}

/**
 * The `Days` of a restore request: a whole number from 1 to `maximum`, or undefined when absent.
 * @throws what `invalid` makes of a value out of range or not a number
 */
export function restoreDays(text: string | undefined, maximum: number, invalid: (message: string) => Error): number | undefined {
  if (text === undefined) return undefined;
  const days = /^\s*\d{1,6}\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > maximum) throw invalid(`Days must be a whole number from 1 to ${maximum}.`);
  return days;
}
