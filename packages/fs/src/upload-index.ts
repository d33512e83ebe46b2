import { lstat } from "node:fs/promises";
import { compareUploads, ErrorCode, isStorageError } from "@stowage/core";
import { fsError } from "./errors.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";
import { UPLOAD_RECORD } from "./upload-dir.js";
import { isNoEntry, loadUpload, type Upload } from "./upload-record.js";

// What a driver knows of the uploads in its staging directory (multipart.ts listUploads), so a
// paged listing reads each upload's record once, not once a page. An upload's record is written
// once, whole (a temp file renamed into place by create) and never rewritten, and its id is
// random, never used again: what was read from it holds while the id is in the staging directory.
// The record file's identity is kept with it: an upload on a page is checked to still have that
// very record (one lstat), so a record removed (an abort or complete under way, a directory left
// behind with someone else's files in it) or replaced since it was read is not listed.

/**
 * What was read of an upload id: the upload, or (`upload` undefined) that its record is there but
 * is none (not a regular file, too large, not JSON, not a record: someone else's), with the
 * identity of the record file it was read from.
 */
interface Known {
  readonly upload: Upload | undefined;
  readonly stamp: string;
}

/** An upload as read from its record, with the identity of the record file then. */
interface Indexed {
  readonly upload: Upload;
  readonly stamp: string;
}

/** Choices of a page made at most (the first, and again after records found changed). */
const SELECT_ROUNDS = 3;

/** Records read at a time (each a few system calls, mostly waiting on the disk or its cache). */
const READERS = 8;

/**
 * The record of each upload in a driver's staging directory, read once: kept for as long as its id
 * is in the staging directory's listing. An id whose record is not there (yet: create makes the
 * directory first, then renames the record into it) is not kept, but read again by the next
 * listing; one that cannot be read now (EMFILE, EACCES, EIO) fails the listing, never leaves its
 * upload out unsaid (an abort of "every upload" would miss it). Two listings at a time share the reads.
 */
export class UploadIndex {
  /** By upload id: its record as read (or being read), or undefined when it was not there. */
  private readonly known = new Map<string, Promise<Known | undefined>>();

  /** @param paths the store's path rules (to read records with) */
  constructor(private readonly paths: FsPaths) {}

  /**
   * The first `count` uploads, by key then id, of those among `ids` (the listing of the pinned
   * staging directory `staging` just taken) that `passes`: records read before are not read
   * again, ids not in `ids` are forgotten, ids whose record is missing or not one are left out.
   * Each upload chosen is checked (one lstat) to still have the record file it was read from; when
   * one does not, its record is read again and the choice made again (a few times at most, then
   * such uploads are left out).
   * @throws StorageError mapped fs errors (`PermissionDenied`, `ServiceInternal`: too many open files,
   *   `Unexpected`) of a record, or its directory, that is there but cannot be read now
   */
  async select(staging: DirPin, ids: readonly string[], passes: (upload: Upload) => boolean, count: number): Promise<Upload[]> {
    const listed = new Set(ids);
    for (const id of this.known.keys()) if (!listed.has(id)) this.known.delete(id);
    for (let round = 1; ; round++) {
      const candidates = (await this.uploads(staging, ids)).filter((u) => passes(u.upload)).sort((a, b) => compareUploads(a.upload, b.upload));
      const chosen: Upload[] = [];
      let changed = false;
      for (const { upload, stamp } of candidates) {
        if (chosen.length >= count) break;
        if ((await stampOf(staging, upload.id)) === stamp) chosen.push(upload);
        else {
          changed = true;
          await this.forget(upload);
        }
      }
      if (!changed || round === SELECT_ROUNDS) return chosen;
    }
  }

  /** The uploads of `ids`, in no order, each read unless known. @throws StorageError as {@link UploadIndex.select} */
  private async uploads(staging: DirPin, ids: readonly string[]): Promise<Indexed[]> {
    const uploads: Indexed[] = [];
    let next = 0;
    const reader = async (): Promise<void> => {
      for (let i = next++; i < ids.length; i = next++) {
        const known = await this.read(staging, ids[i]!);
        if (known?.upload !== undefined) uploads.push({ upload: known.upload, stamp: known.stamp });
      }
    };
    await Promise.all(Array.from({ length: READERS }, reader));
    return uploads;
  }

  /**
   * Forgets the read that gave `upload` (not a later one: another listing may have read the
   * record again meanwhile), so it is read again. @throws nothing.
   */
  private async forget(upload: Upload): Promise<void> {
    const entry = this.known.get(upload.id);
    if (entry !== undefined && (await entry)?.upload === upload && this.known.get(upload.id) === entry) this.known.delete(upload.id);
  }

  /** Upload `id`'s record as known, read now when it is not; what was not there is not kept. */
  private read(staging: DirPin, id: string): Promise<Known | undefined> {
    const kept = this.known.get(id);
    if (kept !== undefined) return kept;
    const reading = readKnown(this.paths, staging, id);
    this.known.set(id, reading);
    const drop = (): void => {
      if (this.known.get(id) === reading) this.known.delete(id);
    };
    void reading.then((known) => known === undefined && drop(), drop);
    return reading;
  }
}

/**
 * Reads upload `id`'s record, its file's identity taken first (a record replaced in between
 * fails the check of {@link UploadIndex.select}): undefined when there is no record (yet, or no
 * longer).
 * @throws StorageError mapped fs errors of a record that is there but cannot be read now
 */
async function readKnown(paths: FsPaths, staging: DirPin, id: string): Promise<Known | undefined> {
  const stamp = await stampOf(staging, id);
  if (stamp === undefined) return undefined;
  try {
    // Undefined: there but no record (the driver writes its records whole, by rename): it will not become one.
    return { upload: await loadUpload(paths, id), stamp };
  } catch (e) {
    if (isNoEntry(e) || isStorageError(e, ErrorCode.ObjectNotExist)) return undefined;
    throw fsError(e);
  }
}

/**
 * The identity of upload `id`'s record file (device, inode, size, mtime, ctime; whatever it is,
 * never followed), reached through the upload's directory pinned in `staging`: undefined when
 * there is none.
 * @throws StorageError mapped fs errors of a directory or record that is there but cannot be looked at now
 */
async function stampOf(staging: DirPin, id: string): Promise<string | undefined> {
  try {
    const dir = await staging.pinChild(id);
    if (dir === undefined) return undefined;
    try {
      const st = await lstat(dir.at(UPLOAD_RECORD), { bigint: true });
      return `${st.dev}:${st.ino}:${st.mode}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } finally {
      await dir.close();
    }
  } catch (e) {
    if (isNoEntry(e) || isStorageError(e, ErrorCode.ObjectNotExist)) return undefined;
    throw fsError(e);
  }
}
