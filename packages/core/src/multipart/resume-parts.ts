import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { crc64Equal } from "../integrity/crc64.js";
import type { PartHashes } from "../integrity/hash-pool.js";
import { raceAbort } from "../io/abort.js";
import { bareEtag } from "../object/etag.js";
import type { Part } from "../object/object-info.js";

// How a resumed multipart upload (see uploadMultipart) decides which of the parts the service
// holds it can keep.

/**
 * The parts the service already holds (`listing`), by index.
 * @throws whatever the listing throws; StorageError `Aborted` when `signal` aborts.
 */
export async function listExisting(listing: AsyncIterable<Part>, signal: AbortSignal): Promise<Map<number, Part>> {
  const existing = new Map<number, Part>();
  const it = listing[Symbol.asyncIterator]();
  for (;;) {
    const step = await raceAbort(it.next(), signal);
    if (step.done) return existing;
    existing.set(step.value.index, step.value);
  }
}

/**
 * Part `index` of a resumed upload that the source no longer provides: it must be stored whole,
 * with a CRC64 to combine. @throws StorageError `InvalidArgument` otherwise (resume from an earlier part).
 */
export function takenAsStored(have: Part | undefined, index: number, partSize: number): Part {
  if (have === undefined || have.size !== partSize || have.crc64 === undefined) {
    const why =
      have === undefined
        ? "is not stored"
        : have.size !== partSize
          ? `holds ${have.size} bytes, not ${partSize}`
          : "has no CRC64 to check it by (the service lists its parts without one, as COS and QingStor do: resume with the whole body, without resumeOffset, and the stored parts are checked by their MD5)";
    throw storageError(ErrorCode.InvalidArgument, `cannot resume at part ${index} and above: part ${index} ${why}`);
  }
  return have;
}

/** A stored part may be kept when its size matches and its CRC64 (or, lacking one, its MD5 ETag) does. */
export function alreadyStored(have: Part, size: number, hashes: PartHashes): boolean {
  if (have.size !== size) return false;
  if (have.crc64 !== undefined) return crc64Equal(have.crc64, hashes.crc64);
  if (have.etag && hashes.md5 !== undefined) return bareEtag(have.etag) === Buffer.from(hashes.md5, "base64").toString("hex");
  return false;
}

