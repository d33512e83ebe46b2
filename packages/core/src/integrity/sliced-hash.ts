import { setImmediate as nextTurn } from "node:timers/promises";
import { throwIfAborted } from "../io/abort.js";
import { crc64 } from "./crc64.js";
import type { PartHashes } from "./inline-hash.js";
import { Md5 } from "./md5.js";

/** Bytes hashed between two turns of the event loop (~10 ms of MD5 and CRC-64 on one core). */
export const HASH_SLICE_BYTES = 8 * 1024 * 1024;

/**
 * The CRC-64 (and, with `md5`, the base64 MD5) of `data` on the calling thread, a slice of
 * {@link HASH_SLICE_BYTES} at a time with a turn of the event loop between slices, so that a
 * large body (one not copied to the hashing workers) neither blocks the loop for long nor
 * delays an abort: `signal` is checked between slices. Same results as `inlineHashes`.
 *
 * @throws StorageError `Aborted` when `signal` aborts before the last slice.
 */
export async function hashInSlices(data: Uint8Array, md5: boolean, signal?: AbortSignal): Promise<PartHashes> {
  const digest = md5 ? new Md5() : undefined;
  let crc = 0n;
  for (let at = 0; at === 0 || at < data.length; at += HASH_SLICE_BYTES) {
    if (at > 0) {
      await nextTurn();
      throwIfAborted(signal);
    }
    const slice = data.subarray(at, Math.min(data.length, at + HASH_SLICE_BYTES));
    crc = crc64(slice, crc);
    digest?.update(slice);
  }
  return digest === undefined ? { crc64: crc } : { crc64: crc, md5: digest.digestBase64() };
}
