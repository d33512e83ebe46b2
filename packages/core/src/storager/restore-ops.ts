import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import type { RestoreTier } from "../options.js";
import type { RestoreResult } from "../storager.js";
import type { OperationScope } from "./storager-context.js";

/** Days a restore keeps the object readable when the call gives none. */
export const DEFAULT_RESTORE_DAYS = 1;

/**
 * Restores archived object `path` (feature `restore`): the options checked (`days` a whole number
 * of at least 1, `tier` one of the three: the pairs' checks), `days` (default
 * {@link DEFAULT_RESTORE_DAYS}) against `limits.restoreDaysMaximum`, all before anything is sent;
 * then the driver, which judges what depends on the object's class.
 * @throws CapabilityInsufficient, InvalidArgument (a path ending in `/`, `days` or `tier`), and what the driver throws
 *   (ObjectNotExist, ObjectModeInvalid, Conflict...)
 */
export async function restoreObject(scope: OperationScope, path: string, rawOptions: object | undefined): Promise<RestoreResult> {
  scope.require("restore", "restore", "restore");
  const options = scope.options("restore", rawOptions) as { days?: number; tier?: RestoreTier } & Record<string, unknown>;
  const days = options.days ?? DEFAULT_RESTORE_DAYS;
  const maximum = scope.driver.features.limits.restoreDaysMaximum;
  if (maximum !== undefined && days > maximum) {
    throw storageError(ErrorCode.InvalidArgument, `restore for ${days} days: ${scope.service} keeps a restored object readable for at most ${maximum} days; nothing sent`);
  }
  const { key } = scope.resolve(path, { file: true });
  return scope.driver.restore!(key, { ...options, days });
}
