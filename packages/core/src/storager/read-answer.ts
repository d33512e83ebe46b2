import type { RawObject } from "../driver/storage-driver.js";
import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";
import type { ObjectInfo } from "../object/object-info.js";
import { toObjectInfo } from "./list-objects.js";
import { thrownText } from "../errors/thrown-text.js";

/** A read's `onObject` listener (see `ReadOptions.onObject`). */
export type ObjectListener = (object: ObjectInfo | undefined) => void;

/**
 * Tells a read's `onObject` listener (when there is one) what the service's answer says of the
 * object: `raw` as an ObjectInfo (as `stat` returns it; `path` is the caller's form), or undefined
 * when the answer described none.
 * @throws StorageError what the listener threw when that is a StorageError, else `Unexpected`
 *   (with the listener's error as `cause`).
 */
export function announceObject(listener: ObjectListener | undefined, workDir: string, path: string, raw: RawObject | undefined): void {
  if (listener === undefined) return;
  const info = raw === undefined ? undefined : { ...toObjectInfo(workDir, raw), path };
  try {
    listener(info);
  } catch (e) {
    if (isStorageError(e)) throw e;
    const message = thrownText(e);
    throw storageError(ErrorCode.Unexpected, `the onObject listener threw: ${message}`, { cause: e, retryable: false });
  }
}
