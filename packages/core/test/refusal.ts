import { expect } from "@jest/globals";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";

/**
 * The StorageError `fn` throws at once, after checking its code is `code`. Fails the test when
 * `fn` throws nothing; rethrows what is no StorageError.
 */
export function fails(code: string, fn: () => unknown): StorageError {
  try {
    fn();
  } catch (e) {
    if (!isStorageError(e)) throw e;
    expect(e.code).toBe(code);
    return e;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}
