import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";
import { crc64Equal } from "../integrity/crc64.js";
import { sameEtag } from "../object/etag.js";
import type { Part } from "../object/object-info.js";

/**
 * Parts remembered at most, over all uploads (about 36 MB at ~360 bytes a part: ten uploads of
 * 10,000 parts). Past that, whole uploads are forgotten, the least recently written to first.
 */
export const WRITTEN_PARTS_MAX = 100_000;

/** What `writeMultipart` uploaded, by part index: size, ETag and the CRC-64 core computed of the bytes sent. */
type Written = Map<number, { size: number; etag: string | undefined; crc64: string }>;

/**
 * The parts core's `writeMultipart` uploaded in this process, for services that keep no CRC-64
 * of a part (QingStor): a part's CRC-64 is only known where its bytes went through core, so a
 * caller's part list at `completeMultipart` is believed only as far as it matches what was
 * recorded here. A driver may store the combined CRC-64 as a claim about the object (QingStor's
 * CRC ETag, which later reads are checked against): a wrong value there would make a correct
 * object unreadable.
 *
 * An upload is forgotten when it is completed or aborted (`delete` with its `multipartId`), and,
 * past {@link WRITTEN_PARTS_MAX} parts in all, when it is the one written to least recently. A
 * forgotten upload's parts are simply not vouched for: completing it drops their CRC-64s (as for
 * parts uploaded by another process), so the object gets no CRC-64 claim. Nothing wrong is ever
 * believed; only that end-to-end check is lost.
 */
export class WrittenParts {
  /** In order of the last write to each upload, least recent first. */
  private readonly uploads = new Map<string, Written>();
  private parts = 0;

  constructor(private readonly maxParts = WRITTEN_PARTS_MAX) {}

  /** Parts recorded now, over all uploads. */
  get size(): number {
    return this.parts;
  }

  /** Notes that part `part.index` of `multipartId` was uploaded as `part`. @throws nothing. */
  record(multipartId: string, part: Part & { crc64: string }): void {
    let written = this.uploads.get(multipartId);
    if (written === undefined) written = new Map();
    else this.uploads.delete(multipartId); // moved to the most recent end
    this.uploads.set(multipartId, written);
    if (!written.has(part.index)) this.parts += 1;
    written.set(part.index, { size: part.size, etag: part.etag, crc64: part.crc64 });
    // The upload just written to is never the one evicted (one upload alone is bounded by the service's part limit).
    for (const [id, parts] of this.uploads) {
      if (this.parts <= this.maxParts || id === multipartId) break;
      this.uploads.delete(id);
      this.parts -= parts.size;
    }
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

  /**
   * Runs `abort`, the AbortMultipartUpload of `multipartId`, and forgets the upload once it is gone:
   * aborted, or found missing (`ObjectNotExist`). After another failure it may still be there, to
   * abort again or complete, and stays recorded.
   * @throws whatever `abort` throws
   */
  async aborting(multipartId: string, abort: () => Promise<void>): Promise<void> {
    try {
      await abort();
    } catch (e) {
      if (isStorageError(e, ErrorCode.ObjectNotExist)) this.forget(multipartId);
      throw e;
    }
    this.forget(multipartId);
  }

  /** Forgets `multipartId` (completed or aborted). @throws nothing. */
  forget(multipartId: string): void {
    const written = this.uploads.get(multipartId);
    if (written === undefined) return;
    this.uploads.delete(multipartId);
    this.parts -= written.size;
  }
}

/** The record of this process (shared by every storager). */
export const writtenParts = new WrittenParts();
