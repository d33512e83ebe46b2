import { isStorageError, type StorageError } from "../src/errors/storage-error.js";

/** The StorageError `p` rejects with; throws when it resolves, or rejects with something else. */
export async function rejection(p: Promise<unknown>): Promise<StorageError> {
  try {
    await p;
  } catch (e) {
    if (isStorageError(e)) return e;
    throw e;
  }
  throw new Error("expected a failure");
}
