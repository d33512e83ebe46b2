import { ErrorCode } from "../errors/error-code.js";
import { contextOf, isStorageError, StorageError } from "../errors/storage-error.js";

/** What {@link statSseCSource} found: the source, and whether it answered to the object's SSE-C key. */
export interface SseCSource<T> {
  source: T;
  /** True when the stat needed the call's SSE-C key: the copy must send it as the copy-source key. */
  withObjectKey: boolean;
}

/**
 * Stats the source of a server-side copy on a service with customer keys (SSE-C), for a call
 * that gave no copy-source key but has an SSE-C key of its own (a storager opened with one wrote
 * its objects with it). `stat(true)` stats with that key, `stat(false)` without: the key is tried
 * first, then no key (a plain source refuses SSE-C headers). When neither answers, the keyed
 * stat's error is thrown with a hint that the source may need another key. Without an object key
 * (`hasObjectKey` false) it is one stat without key.
 * @throws StorageError from `stat`: `ObjectNotExist` and `Aborted` as they come; any other refusal
 *   with the hint added (the code kept).
 */
export async function statSseCSource<T>(stat: (withObjectKey: boolean) => Promise<T>, hasObjectKey: boolean): Promise<SseCSource<T>> {
  if (!hasObjectKey) return { source: await stat(false), withObjectKey: false };
  try {
    return { source: await stat(true), withObjectKey: true };
  } catch (keyed) {
    if (!isStorageError(keyed) || keyed.code === ErrorCode.ObjectNotExist || keyed.code === ErrorCode.Aborted) throw keyed;
    try {
      return { source: await stat(false), withObjectKey: false };
    } catch {
      throw new StorageError({
        code: keyed.code,
        message: `${keyed.detail}: the copy source answers neither to this call's SSE-C key nor to none (it may be encrypted with another key: give the copy-source key)`,
        ...contextOf(keyed, true),
        retryable: keyed.retryable,
      });
    }
  }
}

/**
 * Whether a copy of an object onto itself would store it with the same customer key it has:
 * `sourceKey` is the key the source answered to (none for a plain object), `destinationKey` the
 * one the copy would store it with. Only then is such a copy a no-op; a different key (or a key
 * for a plain object, or none for an encrypted one) re-encrypts it in place.
 * @throws nothing.
 */
export function sameCustomerKey(sourceKey: unknown, destinationKey: unknown): boolean {
  if (sourceKey === undefined || destinationKey === undefined) return sourceKey === destinationKey;
  return sourceKey instanceof Uint8Array && destinationKey instanceof Uint8Array && Buffer.compare(sourceKey, destinationKey) === 0;
}

/**
 * Whether a copy of an object onto itself would keep its server-side encryption: every field of
 * `fields` the copy sets in `options` (a mode, a KMS key id...) equals what the source reports in
 * `system` (a field the source does not report, such as a KMS context, counts as a change).
 * @throws nothing.
 */
export function sameServerSideEncryption(options: Readonly<Record<string, unknown>>, system: Readonly<Record<string, unknown>> | undefined, fields: readonly string[]): boolean {
  return fields.every((f) => options[f] === undefined || options[f] === system?.[f]);
}

