import type { RestoreState } from "../object/object-info.js";

/**
 * `ongoing-request` as a whole name (at the start, or after a space, `,` or `;`), then `true` or
 * `false`, quoted or not, and nothing more of that value (`"trueish"` is no answer).
 */
const ONGOING = /(?:^|[\s,;])ongoing-request\s*=\s*("?)(true|false)\1(?=\s*(?:[,;]|$))/i;

/**
 * `expiry-date` as a whole name, then a quoted value, or an unquoted one: an HTTP date (its weekday
 * and comma, then up to the next `,` or `;`) or anything up to the next `,` or `;`.
 */
const EXPIRY = /(?:^|[\s,;])expiry-date\s*=\s*(?:"([^"]*)"|((?:[a-z]{3},)?[^,;]*))/i;

/**
 * The {@link RestoreState} a restore header states (COS `x-cos-restore`, OSS `x-oss-restore`, S3's
 * `x-amz-restore`; OSS listings' `<RestoreInfo>` has the same text): `ongoing-request="true"` while the service restores the object,
 * `ongoing-request="false", expiry-date="Fri, 23 Dec 2012 00:00:00 GMT"` once it is readable (the
 * values quoted or not, the names in any case and order). Undefined without a header, or one that
 * names no `ongoing-request` of `true` or `false` (nothing is then claimed; a longer name such as
 * `x-ongoing-request` is not it); an expiry date that does not parse is left out.
 * @throws nothing.
 */
export function parseRestoreHeader(value: string | undefined): RestoreState | undefined {
  if (value === undefined) return undefined;
  const ongoing = ONGOING.exec(value)?.[2]?.toLowerCase();
  if (ongoing === undefined) return undefined;
  const state: RestoreState = { ongoing: ongoing === "true" };
  const found = EXPIRY.exec(value);
  const expiry = (found?.[1] ?? found?.[2])?.trim();
  const at = expiry === undefined || expiry === "" ? Number.NaN : Date.parse(expiry);
  if (!state.ongoing && !Number.isNaN(at)) state.expiresAt = new Date(at);
  return state;
}
