import { throwIfAborted, type DriverCallOptions, type ProgressListener } from "@stowage/core";
import { fileAt } from "./entry-lookup.js";
import type { MemoryEntry, MemoryStore } from "./store.js";

/**
 * Where the store is found: looked up at each use, as the driver's `store` is (a named store may be
 * deleted, or made again, while a progress listener runs).
 */
export interface StoreRef {
  readonly store: MemoryStore;
}

/**
 * Copies the file (or appendable object, following links) at `srcKey` to `dstKey` as a file, in `at`'s store.
 * `onProgress` gets the size once (`{ bytes: size, total: size }`), before the copy is stored: a
 * listener that throws, or aborts the call's signal, leaves the destination as it was.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `InvalidArgument`, `Aborted`, what `onProgress` throws.
 */
export function copyEntry(at: StoreRef, srcKey: string, dstKey: string, options: DriverCallOptions): void {
  throwIfAborted(options.signal);
  const entry = fileAt(at.store, srcKey);
  at.store.checkFileSlot(dstKey);
  reportSize(options.onProgress, entry.data.length);
  // An abort during that event still stops the copy: nothing is stored yet.
  throwIfAborted(options.signal);
  if (srcKey === dstKey) return;
  const copy: MemoryEntry = { ...entry, kind: "file", lastModified: new Date() };
  if (entry.metadata !== undefined) copy.metadata = { ...entry.metadata };
  at.store.set(dstKey, copy);
}

/**
 * Moves the entry at `srcKey` itself to `dstKey`, in `at`'s store (a link stays a link). `onProgress` gets a file's
 * size once, before it moves (a listener that throws, or aborts the call's signal, leaves both keys
 * as they were); a link, which has no size: nothing.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `InvalidArgument`, `Aborted`, what `onProgress` throws.
 */
export function moveEntry(at: StoreRef, srcKey: string, dstKey: string, options: DriverCallOptions): void {
  throwIfAborted(options.signal);
  const own = at.store.get(srcKey);
  const entry = own?.kind === "link" ? own : fileAt(at.store, srcKey);
  at.store.checkFileSlot(dstKey);
  if (entry.kind !== "link") reportSize(options.onProgress, entry.data.length);
  // An abort during that event still stops the move: nothing has moved yet.
  throwIfAborted(options.signal);
  if (srcKey === dstKey) return;
  at.store.remove(srcKey);
  at.store.set(dstKey, { ...entry, lastModified: new Date() });
}

/** Reports `size` as the whole of a copy or move (memory copies at once), when there is a listener. */
function reportSize(onProgress: ProgressListener | undefined, size: number): void {
  onProgress?.({ bytes: size, total: size });
}
