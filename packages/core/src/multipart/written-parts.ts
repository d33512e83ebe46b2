import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { crc64Equal } from "../integrity/crc64.js";
import { sameEtag } from "../object/etag.js";
import type { Part } from "../object/object-info.js";

/** Uploads remembered at most; past that the oldest is forgotten (its parts' CRC-64s are then not vouched for). */
export const WRITTEN_PARTS_UPLOADS = 1000;

/** What `writeMultipart` uploaded, by part index: size, ETag and the CRC-64 core computed of the bytes sent. */
type Written = Map<number, { size: number; etag: string | undefined; crc64: string }>;

/**
 * The parts core's `writeMultipart` uploaded in this process, for services that keep no CRC-64
 * of a part (QingStor): a part's CRC-64 is only known where its bytes went through core, so a
 * caller's part list at `completeMultipart` is believed only as far as it matches what was
 * recorded here. A driver may store the combined CRC-64 as a claim about the object (QingStor's
 * CRC ETag, which later reads are checked against): a wrong value there would make a correct
 * object unreadable.
 */
export class WrittenParts {
  private readonly uploads = new Map<string, Written>();

  /** Notes that part `part.index` of `multipartId` was uploaded as `part`. @throws nothing. */
  record(multipartId: string, part: Part & { crc64: string }): void {
    let written = this.uploads.get(multipartId);
    if (written === undefined) {
      written = new Map();
      this.uploads.set(multipartId, written);
      if (this.uploads.size > WRITTEN_PARTS_UPLOADS) this.uploads.delete(this.uploads.keys().next().value!);
    }
    written.set(part.index, { size: part.size, etag: part.etag, crc64: part.crc64 });
  }

  /**
   * `parts` (of `multipartId`) with each CRC-64 kept only where it is the one recorded for that
   * part (same size and ETag); a part not recorded here loses its CRC-64 (nothing vouches for it).
   * @throws StorageError `Conflict` when a part's CRC-64 contradicts the recorded one: it is not the
   *   CRC-64 of the bytes uploaded (nothing is completed, the upload is kept).
   */
  vouched(multipartId: string, parts: readonly Part[]): Part[] {
    const written = this.uploads.get(multipartId);
    return parts.map((part) => {
      if (part.crc64 === undefined) return part;
      const known = written?.get(part.index);
      const same = known !== undefined && known.size === part.size && (known.etag === undefined || part.etag === undefined || sameEtag(known.etag, part.etag));
      if (same && !crc64Equal(known.crc64, part.crc64)) {
        throw storageError(ErrorCode.Conflict, `part ${part.index}'s crc64 ${part.crc64} is not the one of the bytes uploaded (${known.crc64})`);
      }
      if (same) return part;
      const { crc64: _unvouched, ...rest } = part;
      return rest;
    });
  }

  /** Forgets `multipartId` (completed or aborted). @throws nothing. */
  forget(multipartId: string): void {
    this.uploads.delete(multipartId);
  }
}

/** The record of this process (shared by every storager). */
export const writtenParts = new WrittenParts();
