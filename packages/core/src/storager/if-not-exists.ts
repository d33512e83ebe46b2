import type { StorageDriver } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";

/**
 * The early check of a multipart write given `ifNotExists`: one stat of `key`, so that an object
 * already there fails the write before any part is sent (the service still decides at Complete,
 * which also catches an object created meanwhile).
 * @throws StorageError `Conflict` (statusCode 409) when `key` exists; what the stat throws other
 *   than `ObjectNotExist`
 */
export async function refuseExisting(driver: StorageDriver, key: string, signal: AbortSignal | undefined): Promise<void> {
  try {
    await driver.stat(key, signal ? { signal } : {});
  } catch (e) {
    if (isStorageError(e, ErrorCode.ObjectNotExist)) return;
    throw e;
  }
  throw storageError(ErrorCode.Conflict, "an object exists at this path (if_not_exists): nothing was written", { statusCode: 409 });
}
