import type { RestoreState } from "../object/object-info.js";

/**
 * The {@link RestoreState} a restore header states (COS `x-cos-restore`, OSS `x-oss-restore`, S3's
 * `x-amz-restore`): `ongoing-request="true"` while the service restores the object,
 * `ongoing-request="false", expiry-date="Fri, 23 Dec 2012 00:00:00 GMT"` once it is readable.
 * Undefined without a header, or one that names no `ongoing-request` (nothing is then claimed); an
 * expiry date that does not parse is left out.
 * @throws nothing.
 */
export function parseRestoreHeader(value: string | undefined): RestoreState | undefined {
  if (value === undefined) return undefined;
  const ongoing = /ongoing-request\s*=\s*"?(true|false)"?/i.exec(value)?.[1]?.toLowerCase();
  if (ongoing === undefined) return undefined;
  const state: RestoreState = { ongoing: ongoing === "true" };
  const expiry = /expiry-date\s*=\s*"([^"]*)"/i.exec(value)?.[1];
  const at = expiry === undefined ? Number.NaN : Date.parse(expiry);
  if (!state.ongoing && !Number.isNaN(at)) state.expiresAt = new Date(at);
  return state;
}
