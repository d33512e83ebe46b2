import { sameEtag, type DriverCallOptions, type RawObject } from "@stowage/core";

/** What {@link reportStored} knows of the object a call stored. */
export interface StoredObject {
  /** Its size, when the call knows it (a copy or move whose source HEAD gave it). */
  size?: number | undefined;
  /** The ETag the service answered the call with, to check a HEAD finds that object. */
  etag?: string | undefined;
}

/**
 * Reports a copy, move or fetch that succeeded to `options.onProgress` (core's relay):
 * `{ bytes: size, total: size }`. Without a listener nothing is sent. When the size is not known
 * (a fetch: QingStor's answer carries no length; a move whose source HEAD was refused), one HEAD
 * of `key` (with `statOptions`) tells it; a HEAD that fails (an abort too: the call's work is done),
 * or that finds another ETag than the call's answer gave (the object was overwritten since), leaves
 * the event out: the call succeeded, and is not failed for want of its size.
 * @throws StorageError `Unexpected` (the caller's listener threw; core's relay).
 */
export async function reportStored(
  stat: (key: string, options: DriverCallOptions) => Promise<RawObject>,
  key: string,
  options: DriverCallOptions,
  stored: StoredObject,
  statOptions: DriverCallOptions = { signal: options.signal },
): Promise<void> {
  const listener = options.onProgress;
  if (listener === undefined) return;
  let size = stored.size;
  if (size === undefined) {
    const object = await stat(key, statOptions).catch(() => undefined);
    if (object === undefined || object.size === undefined) return;
    if (stored.etag !== undefined && object.etag !== undefined && !sameEtag(stored.etag, object.etag)) return;
    size = object.size;
  }
  listener({ bytes: size, total: size });
}
