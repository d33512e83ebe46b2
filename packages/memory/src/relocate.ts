import { throwIfAborted, type DriverCallOptions, type ProgressListener } from "@stowage/core";
import { attributesOf, copiedAttributes } from "./call-attributes.js";
import { fileAt } from "./entry-lookup.js";
import { refuseOccupied, wantsNew } from "./if-not-exists.js";
import { assignAttributes, type EntryAttributes, type MemoryEntry, type MemoryStore } from "./store.js";

/**
 * Where the store is found: looked up at each use, as the driver's `store` is (a named store may be
 * deleted, or made again, while a progress listener runs).
 */
export interface StoreRef {
  readonly store: MemoryStore;
}

/**
 * Copies the file (or appendable object, following links) at `srcKey` to `dstKey` as a file, in `at`'s store,
 * with the attributes {@link copiedAttributes} gives (the call's replace the source's). A copy
 * onto its own key (the object itself, not a link to it) without attributes changes nothing;
 * with attributes, it replaces the object's attributes in place: same bytes and ETag, same kind
 * (an append object stays appendable), a new `lastModified`. A link copied onto itself with
 * attributes becomes a file holding what it leads to, as a copy onto any link does.
 * With `ifNotExists`, nothing is stored where anything is at `dstKey` (if-not-exists.ts): checked
 * before the progress event and again with the `set`, no `await` between.
 * `onProgress` gets the size once (`{ bytes: size, total: size }`), before the copy is stored: a
 * listener that throws, or aborts the call's signal, leaves the destination as it was.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `InvalidArgument`, `Conflict` (`ifNotExists`:
 *   something is at `dstKey`), `Aborted`, what `onProgress` throws.
 */
export function copyEntry(at: StoreRef, srcKey: string, dstKey: string, options: DriverCallOptions): void {
  throwIfAborted(options.signal);
  const exclusive = wantsNew(options);
  const first = fileAt(at.store, srcKey);
  if (exclusive) refuseOccupied(at.store, dstKey);
  at.store.checkFileSlot(dstKey);
  reportSize(options.onProgress, first.data.length);
  // An abort during that event still stops the copy: nothing is stored yet.
  throwIfAborted(options.signal);
  // The listener may have changed the store: everything is looked at again, with the `set`.
  const store = at.store;
  const entry = fileAt(store, srcKey);
  if (exclusive) refuseOccupied(store, dstKey);
  store.checkFileSlot(dstKey);
  // Onto its own key without attributes: nothing to do (a link there stays a link).
  if (srcKey === dstKey && Object.keys(attributesOf(options)).length === 0) return;
  const inPlace = srcKey === dstKey && store.get(dstKey) === entry;
  store.set(dstKey, withAttributes(entry, inPlace ? entry.kind : "file", copiedAttributes(entry, options)));
}

/**
 * Moves the entry at `srcKey` itself to `dstKey`, in `at`'s store (a link stays a link). With
 * `ifNotExists`, nothing moves where anything is at `dstKey` (the source kept): checked before the
 * progress event and again with the move, no `await` between. `onProgress` gets a file's
 * size once, before it moves (a listener that throws, or aborts the call's signal, leaves both keys
 * as they were); a link, which has no size: nothing.
 * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `InvalidArgument`, `Conflict` (`ifNotExists`:
 *   something is at `dstKey`), `Aborted`, what `onProgress` throws.
 */
export function moveEntry(at: StoreRef, srcKey: string, dstKey: string, options: DriverCallOptions): void {
  throwIfAborted(options.signal);
  const exclusive = wantsNew(options);
  const own = at.store.get(srcKey);
  const entry = own?.kind === "link" ? own : fileAt(at.store, srcKey);
  if (exclusive) refuseOccupied(at.store, dstKey);
  at.store.checkFileSlot(dstKey);
  if (entry.kind !== "link") reportSize(options.onProgress, entry.data.length);
  // An abort during that event still stops the move: nothing has moved yet.
  throwIfAborted(options.signal);
  if (srcKey === dstKey) return;
  const store = at.store;
  if (exclusive) refuseOccupied(store, dstKey);
  store.checkFileSlot(dstKey);
  store.remove(srcKey);
  store.set(dstKey, { ...entry, lastModified: new Date() });
}

/** A new entry of `kind` over `entry`'s bytes (shared: stored bytes are never changed in place) with exactly `attributes`. */
function withAttributes(entry: MemoryEntry, kind: MemoryEntry["kind"], attributes: EntryAttributes): MemoryEntry {
  const out: MemoryEntry = { kind, data: entry.data, etag: entry.etag, contentMd5: entry.contentMd5, crc64: entry.crc64, lastModified: new Date() };
  assignAttributes(out, attributes);
  return out;
}

/** Reports `size` as the whole of a copy or move (memory copies at once), when there is a listener. */
function reportSize(onProgress: ProgressListener | undefined, size: number): void {
  onProgress?.({ bytes: size, total: size });
}
