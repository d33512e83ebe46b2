import { ErrorCode, storageError, type StorageError } from "@stowage/core";
import { MEMORY_LINK_HOPS } from "./features.js";
import type { MemoryEntry, MemoryStore } from "./store.js";

/**
 * The `ObjectNotExist` error for a missing object.
 * @throws nothing (returns the error).
 */
export function notExist(): StorageError {
  return storageError(ErrorCode.ObjectNotExist, "no such object");
}

/**
 * The file or append entry at `key`, following links (at most {@link MEMORY_LINK_HOPS} in a row).
 * @throws StorageError `ObjectNotExist` (nothing there, or a link's target missing), `ObjectModeInvalid`
 *   (a directory, made or implied), `InvalidArgument` (too many links in a row).
 */
export function fileAt(store: MemoryStore, key: string): MemoryEntry {
  return resolvedFile(store, key).entry;
}

/**
 * The file or append entry at `key` and the key it is stored under: `key` itself, or, through links
 * (at most {@link MEMORY_LINK_HOPS} in a row), the last link's target.
 * @throws StorageError as {@link fileAt}.
 */
export function resolvedFile(store: MemoryStore, key: string): { key: string; entry: MemoryEntry } {
  let at = key;
  for (let hops = 0; hops <= MEMORY_LINK_HOPS; hops++) {
    const entry = store.get(at);
    if (entry?.kind === "link") {
      at = entry.linkTarget!;
      continue;
    }
    if (entry !== undefined && entry.kind !== "dir") return { key: at, entry };
    // `at` may be a `dir/` key already: an implied directory has no entry of its own.
    if (entry !== undefined || store.dirExists(at.endsWith("/") ? at : at + "/")) throw storageError(ErrorCode.ObjectModeInvalid, "this path is a directory");
    throw at === key ? notExist() : storageError(ErrorCode.ObjectNotExist, "the link's target does not exist");
  }
  throw storageError(ErrorCode.InvalidArgument, `more than ${MEMORY_LINK_HOPS} links in a row (a loop?)`);
}

/**
 * The append entry at `key` (following links, as {@link fileAt}).
 * @throws StorageError `ObjectModeInvalid` (not an appendable object, or a directory), `ObjectNotExist`, `InvalidArgument`.
 */
export function appendAt(store: MemoryStore, key: string): MemoryEntry {
  return resolvedAppend(store, key).entry;
}

/**
 * The append entry at `key` and the key it is stored under (through links, the last link's
 * target: an append through a link goes onto that key, the links kept, as fs appends through a symlink).
 * @throws StorageError as {@link appendAt}.
 */
export function resolvedAppend(store: MemoryStore, key: string): { key: string; entry: MemoryEntry } {
  const found = resolvedFile(store, key);
  if (found.entry.kind !== "append") throw storageError(ErrorCode.ObjectModeInvalid, "not an appendable object (create it with createAppend)");
  return found;
}
