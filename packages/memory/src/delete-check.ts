import { ErrorCode, storageError, type BatchFailure, type StorageError } from "@stowage/core";
import type { MemoryStore } from "./store.js";

/**
 * Refuses to delete `key` as an object: the empty key (the store's root, which core never sends)
 * or a directory, made or implied by the objects below it (`d` or `d/` when `d/f` exists).
 * @throws StorageError `InvalidArgument` (the empty key), `ObjectModeInvalid` (a directory)
 */
export function refuseNonObject(store: MemoryStore, key: string): void {
  if (key === "") throw storageError(ErrorCode.InvalidArgument, "the empty key is the store's root, which delete never removes");
  const entry = store.get(key);
  if (entry?.kind === "dir" || (entry === undefined && store.dirExists(key.endsWith("/") ? key : key + "/"))) {
    throw storageError(ErrorCode.ObjectModeInvalid, "this path is a directory; delete it with mode dir");
  }
}

/**
 * {@link refuseNonObject} for every key, before any is deleted. The refusal is the first refused
 * key's, naming its position; its `batch` says what became of each key: the refused ones failed,
 * each with its own code, and the others not attempted (nothing of the batch was deleted).
 * @throws StorageError as refuseNonObject, naming the key (its position in the caller's list is core's to say), with `batch`
 */
export function refuseNonObjects(store: MemoryStore, keys: readonly string[]): void {
  const failed: BatchFailure[] = [];
  let first: StorageError | undefined;
  keys.forEach((key) => {
    try {
      refuseNonObject(store, key);
    } catch (e) {
      const { code, detail } = e as StorageError;
      failed.push({ path: key, code });
      first ??= storageError(code, `${JSON.stringify(key)}: ${detail}`);
    }
  });
  if (first === undefined) return;
  const refused = new Set(failed.map((f) => f.path));
  const notAttempted = [...new Set(keys.filter((k) => !refused.has(k)))];
  throw storageError(first.code, first.detail, { batch: { failed, deleted: [], notAttempted } });
}
