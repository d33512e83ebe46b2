import type { DriverCallOptions, StorageDriver } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";

/**
 * The early check of a multipart write, a copy or a move given `ifNotExists`: one stat of `key` with the options
 * the caller passes (a multipart write its own, an SSE-C key it carries for one; a copy or move the
 * pairs its stat shares with it, link-checks.ts `objectStatPairs`: the destination's SSE-C key), so
 * that an object already there fails the call before anything is sent (a part, a copy). Only an
 * answer that the object exists decides here: a stat that fails otherwise (no HeadObject
 * permission, an SSE-C object the key does not open, a plain one refusing the key) leaves it to the
 * service, which decides itself (at Complete, or on the copy) and also catches an object created meanwhile.
 * @throws StorageError `Conflict` (statusCode 409) when `key` exists; `Aborted`
 */
export async function refuseExisting(driver: StorageDriver, key: string, options: DriverCallOptions): Promise<void> {
  try {
    await driver.stat(key, options);
  } catch (e) {
    if (isStorageError(e, ErrorCode.Aborted)) throw e;
    return;
  }
  throw storageError(ErrorCode.Conflict, "an object exists at this path (if_not_exists): nothing was written", { statusCode: 409 });
}
