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

/**
 * Uploads remembered at most (each holds its key, up to a few KiB: some 16 MiB for 10,000 uploads of
 * 1,000-byte keys). Past that, the least recently written to is forgotten, so uploads nobody
 * completes or aborts here (abandoned, or completed by a presigned request or another process)
 * cannot grow the record with their keys.
 */
export const WRITTEN_UPLOADS_MAX = 10_000;

/** What `writeMultipart` uploaded, by part index: size, ETag and the CRC-64 core computed of the bytes sent. */
type Written = Map<number, { size: number; etag: string | undefined; crc64: string }>;

/** The parts to complete an upload with, as {@link WrittenParts.vouched} sorts their CRC-64s. */
export interface VouchedParts {
  /**
   * The parts, each CRC-64 kept only where it is known: the service listed it (and it was checked
   * against the caller's, `checkStoredParts`), or this process hashed the bytes it uploaded as that part.
   */
  readonly parts: Part[];
  /**
   * The caller's CRC-64s that nothing here can check (the part was uploaded elsewhere, or by a
   * process that is gone, and the service lists no part CRC-64), by part index: left out of `parts`.
   */
  readonly unchecked: ReadonlyMap<number, string>;
}

/**
 * The parts core's `writeMultipart` uploaded in this process, on every storage: a part's CRC-64
 * is known where its bytes went through core or where the service lists one (COS and QingStor list
 * none), so a caller's part list at `completeMultipart` is believed only as far as it matches one
 * of those. A wrong caller value must never be taken for a fact about the object: on QingStor the
 * combined CRC-64 becomes the object's CRC ETag (which later reads are checked against: a wrong
 * one would make a correct object unreadable), and where the service computes the object's CRC-64
 * (COS) a combined value that disagrees with it would have the correct object deleted.
 *
 * Uploads are told apart by key and id (an abort of the right id under another key forgets nothing).
 * An upload is forgotten when it is completed or aborted (`delete` with its `multipartId`), and,
 * past {@link WRITTEN_PARTS_MAX} parts or {@link WRITTEN_UPLOADS_MAX} uploads in all, when it is the one written to least recently. A
 * forgotten upload's parts are simply not vouched for: completing it treats their CRC-64s as
 * parts uploaded by another process. Nothing wrong is ever believed; only that end-to-end check is lost.
 */
export class WrittenParts {
  /** By {@link uploadKey}, in order of the last write to each upload, least recent first. */
  private readonly uploads = new Map<string, Written>();
  private parts = 0;

  constructor(
    private readonly maxParts = WRITTEN_PARTS_MAX,
    private readonly maxUploads = WRITTEN_UPLOADS_MAX,
  ) {}

  /** Parts recorded now, over all uploads. */
  get size(): number {
    return this.parts;
  }

  /** Notes that part `part.index` of upload `multipartId` at `key` was uploaded as `part`. @throws nothing. */
  record(key: string, multipartId: string, part: Part & { crc64: string }): void {
    const upload = uploadKey(key, multipartId);
    let written = this.uploads.get(upload);
    if (written === undefined) written = new Map();
    else this.uploads.delete(upload); // moved to the most recent end
    this.uploads.set(upload, written);
    if (!written.has(part.index)) this.parts += 1;
    written.set(part.index, { size: part.size, etag: part.etag, crc64: part.crc64 });
    // The upload just written to is never the one evicted (one upload alone is bounded by the service's part limit).
    for (const [id, parts] of this.uploads) {
      if ((this.parts <= this.maxParts && this.uploads.size <= this.maxUploads) || id === upload) break;
      this.uploads.delete(id);
      this.parts -= parts.size;
    }
  }

  /**
   * Sorts the CRC-64s of `parts` (of upload `multipartId` at `key`) by where they come from. One the
   * service listed (`listed`: the indexes whose CRC-64 `checkStoredParts` got from the listing) is
   * kept; one of a part recorded here (same size and ETag) is kept when it is the recorded one;
   * any other is left out of the parts and returned in `unchecked`. A part given without a CRC-64
   * (as `listMultipart` returns them on COS and QingStor) gets the recorded one when it is the part
   * recorded here (same size, same ETag), so that the object's CRC-64 is still checked end to end.
   * @throws StorageError `Conflict` when a part's CRC-64 contradicts the recorded one: it is not the
   *   CRC-64 of the bytes uploaded (nothing is completed, the upload is kept).
   */
  vouched(key: string, multipartId: string, parts: readonly Part[], listed: ReadonlySet<number> = new Set()): VouchedParts {
    const written = this.uploads.get(uploadKey(key, multipartId));
    const unchecked = new Map<number, string>();
    const vouched = parts.map((part) => {
      const known = written?.get(part.index);
      if (part.crc64 === undefined) {
        // Given without one (listMultipart's parts): the CRC-64 hashed here, when the part is the one uploaded here.
        const recorded = known !== undefined && known.size === part.size && known.etag !== undefined && part.etag !== undefined && sameEtag(known.etag, part.etag);
        return recorded ? { ...part, crc64: known.crc64 } : part;
      }
      if (listed.has(part.index)) return part;
      const same = known !== undefined && known.size === part.size && (known.etag === undefined || part.etag === undefined || sameEtag(known.etag, part.etag));
      if (same && !crc64Equal(known.crc64, part.crc64)) {
        throw storageError(ErrorCode.Conflict, `part ${part.index}'s crc64 ${part.crc64} is not the one of the bytes uploaded (${known.crc64})`);
      }
      if (same) return part;
      unchecked.set(part.index, part.crc64);
      const { crc64: _unvouched, ...rest } = part;
      return rest;
    });
    return { parts: vouched, unchecked };
  }

  /**
   * Runs `abort`, the AbortMultipartUpload of `multipartId` at `key`, and forgets that upload once
   * it is gone: aborted, or found missing (`ObjectNotExist`). After another failure it may still be
   * there, to abort again or complete, and stays recorded. The record of the same id under another
   * key is kept (services answer the abort of a wrong key as done; the upload is still there).
   * @throws whatever `abort` throws
   */
  async aborting(key: string, multipartId: string, abort: () => Promise<void>): Promise<void> {
    try {
      await abort();
    } catch (e) {
      if (isStorageError(e, ErrorCode.ObjectNotExist)) this.forget(key, multipartId);
      throw e;
    }
    this.forget(key, multipartId);
  }

  /** Forgets upload `multipartId` at `key` (completed or aborted). @throws nothing. */
  forget(key: string, multipartId: string): void {
    const upload = uploadKey(key, multipartId);
    const written = this.uploads.get(upload);
    if (written === undefined) return;
    this.uploads.delete(upload);
    this.parts -= written.size;
  }
}

/** One map key for an upload: its id under its key (unambiguous whatever either holds). */
function uploadKey(key: string, multipartId: string): string {
  return JSON.stringify([key, multipartId]);
}

/** The record of this process (shared by every storager). */
export const writtenParts = new WrittenParts();
