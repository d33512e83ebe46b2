import { ErrorCode, storageError, type DriverCallOptions } from "@stowage/core";
import type { MemoryStore } from "./store.js";

/** True when a call's options ask for a conditional write (`ifNotExists`, feature `writeIfNotExists`). @throws nothing. */
export function wantsNew(options: DriverCallOptions): boolean {
  return options.ifNotExists === true;
}

/**
 * Refuses a conditional write (`ifNotExists`) where something exists at `key`: a file, an append
 * object, a link (wherever it leads, or nowhere), or a directory `key/` (a real one, or implied by
 * deeper keys), as a stat of `key` finds it. A key that is empty or ends with `/` is left to
 * `checkFileSlot` (`InvalidArgument`); a file at one of `key`'s parents (nothing at `key` itself) too
 * (`ObjectModeInvalid`). Callers run this in the same synchronous stretch as the `set` that stores
 * the object (no `await` between), so no other call of this process changes the store in between:
 * of writes racing for one key, exactly one stores its object.
 * @throws StorageError `Conflict` (statusCode 409, not retryable), nothing changed
 */
export function refuseOccupied(store: MemoryStore, key: string): void {
  if (key === "" || key.endsWith("/")) return;
  const entry = store.get(key);
  if (entry === undefined && !store.dirExists(key + "/")) return;
  const what = entry === undefined ? "a directory" : entry.kind === "link" ? "a link" : "an object";
  throw storageError(ErrorCode.Conflict, `${what} exists at this path (if_not_exists): nothing was written`, { statusCode: 409 });
}
