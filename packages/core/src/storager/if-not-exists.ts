import type { DriverCallOptions, StorageDriver } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";

/**
 * The early check of a multipart write given `ifNotExists`: one stat of `key` with the write's own
 * options (an SSE-C key it carries, for one), so that an object already there fails the write
 * before any part is sent. Only an answer that the object exists decides here: a stat that fails
 * otherwise (no HeadObject permission, an SSE-C object the key does not open) leaves it to the
 * service, which decides at Complete and also catches an object created meanwhile.
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
