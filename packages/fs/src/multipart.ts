import { randomBytes } from "node:crypto";
import { readdir, rmdir, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";
import {
  checkPartIndex,
  compareUploads,
  crc64Decimal,
  parseUploadToken,
  uploadToken,
  ErrorCode,
  isStorageError,
  sameEtag,
  storageError,
  type DriverBody,
  type DriverListRequest,
  type DriverPartsPage,
  type DriverUploadsPage,
  type DriverWriteResult,
  type Part,
  type RawObject,
  type StorageError,
} from "@stowage/core";
import { replaceAtomically, replaceIn, type FillTemp } from "./atomic.js";
import { writeBody } from "./body.js";
import { checkContiguous, concatenateParts, type StagedPart } from "./concatenate-parts.js";
import { fsError, isErrno } from "./errors.js";
import { fileSlot, refuseFileOnTheWay } from "./file-keys.js";
import { lstatRegular } from "./files.js";
import { refuseOccupied } from "./if-not-exists.js";
import { etagOf, partOf } from "./objects.js";
import { recordedAsSent, recordFile, recordText, withRecordedCrc } from "./part-record.js";
import type { FsPaths } from "./paths.js";
import type { DirPin } from "./pinned-dir.js";
import { dropCorrupt, hasRecord, inUpload, noUpload, removeUpload, unlinkIfThere, uploadGone, UPLOAD_RECORD } from "./upload-dir.js";
import { UploadIndex } from "./upload-index.js";
import { readUpload, UPLOAD_ID, uploadRecordText, type Upload } from "./upload-record.js";
import { refuseFileWorkDir } from "./work-dir.js";
import { whenDescriptorsFree } from "./descriptor-wait.js";

/** Parts per listParts page. */
export const PARTS_PAGE_SIZE = 1000;

const PART = /^part-(\d+)$/;

/** Permission bits of an upload's directory (less the umask): this process's user's alone, as its files (0600). */
const UPLOAD_DIR_MODE = 0o700;

/**
 * The error for part `index` of the upload in the pinned directory `dir` found missing by complete,
 * `sinceChecked` once it had been there: when the upload's record is gone too (an abort or another
 * complete removes it before the parts), the upload ended meanwhile ({@link uploadGone}); else the part was
 * never uploaded (`InvalidArgument`), or was removed from the upload, which is kept, since the check (`Conflict`).
 * @throws nothing.
 */
async function missingPart(dir: DirPin, index: number, sinceChecked: boolean): Promise<StorageError> {
  if (!(await hasRecord(dir))) return uploadGone();
  if (sinceChecked) return storageError(ErrorCode.Conflict, `part ${index} was removed from the upload since complete checked it; nothing was completed`);
  return storageError(ErrorCode.InvalidArgument, `part ${index} was never uploaded`);
}

/** A file of an upload's own (its record, a part, a part's record), filled by `fill`: made 0600, keeping nothing of a file it replaces. */
function ownFile(fill: FillTemp["fill"]): FillTemp {
  return { fill, mode: 0o600, keep: false };
}

/**
 * Multipart uploads staged inside the store, under
 * `<work_dir>/.stowage-multipart/<uploadId>/` (`upload.json` plus one
 * `part-<index>` file per part, and beside it the CRC64 it was written with and
 * which file, by device and inode, it went into: part-record.ts), which listings never show.
 * An upload's directory is made 0700 and its files 0600 (the bytes of an object it is to replace
 * are not opened to anyone else while they wait there). An upload's directory is reached only as an entry of the pinned staging directory, never
 * through a link, and the files in it only as regular files, never followed (upload-dir.ts).
 * Parts are written atomically into the existing upload directory (never made again); complete
 * streams them, in order, into a temp file next to the target, checking each part's CRC-64 on the
 * way (concatenate-parts.ts), and renames it into place, then removes the upload's entries.
 */
export class FsMultipart {
  /** The uploads' records as read by listings (each once). */
  private readonly index: UploadIndex;

  /**
   * @param paths the store's path rules
   * @param durable fsync the completed object (staged parts are not: resume verifies them by CRC-64)
   */
  constructor(
    private readonly paths: FsPaths,
    private readonly durable = false,
  ) {
    this.index = new UploadIndex(paths);
  }

  /**
   * Starts an upload. An upload whose record could not be written (a full disk: the directory made,
   * the record not) is removed again, directory and all, so nothing is left that no upload id names.
   * @throws StorageError `InvalidArgument` (bad key), `ObjectModeInvalid` (a directory at the path, a file on its way), `Aborted`, mapped fs errors.
   */
  async create(key: string, signal?: AbortSignal): Promise<string> {
    if (key === "" || key.endsWith("/")) throw storageError(ErrorCode.InvalidArgument, "a file key must not be empty or end with /");
    await this.paths.resolve(key);
    // A directory at the path or a file on its way: refused now, as memory does, rather than once
    // every part is staged (the completion still decides).
    await refuseFileOnTheWay(this.paths, await fileSlot(this.paths, key));
    const id = randomBytes(16).toString("hex");
    const record = uploadRecordText(key);
    try {
      // The upload's directory is made 0700, its files 0600: what it stages is this process's user's alone.
      await replaceAtomically(this.paths, posix.join(this.dirOf(id), UPLOAD_RECORD), ownFile((file) => file.writeFile(record)), signal, false, false, undefined, UPLOAD_DIR_MODE);
    } catch (e) {
      await this.remove(id).catch(() => undefined);
      throw e;
    }
    return id;
  }

  /**
   * Stores part `index`, in the upload's directory as it exists: a part written into an upload
   * that is aborted (or completed) meanwhile fails and leaves nothing.
   * @throws StorageError `ObjectNotExist` (no upload, or it ended meanwhile), `InvalidArgument`, `IntegrityMismatch`, `Aborted`, mapped fs errors.
   */
  async writePart(key: string, id: string, index: number, body: DriverBody, signal?: AbortSignal): Promise<Part> {
    await readUpload(this.paths, key, id);
    checkPartIndex(index);
    const name = `part-${index}`;
    return inUpload(this.paths, id, async (dir, staging) => {
      try {
        await unlinkIfThere(dir.at(recordFile(name)));
        // The stats of the file this call wrote, taken before its rename: another writer of the same
        // part may have renamed its own file over it since, and the record must not name that one.
        const st = await replaceIn(dir, name, ownFile((file) => writeBody(file, body, signal)), signal);
        let part = partOf(index, st);
        if (Buffer.isBuffer(body.data)) {
          // Remember what the part hashed to, so a resumed upload can verify it without re-reading.
          const crc64 = body.crc64 ?? crc64Decimal(body.data);
          const record = recordText(st, crc64);
          await replaceIn(dir, recordFile(name), ownFile((file) => file.writeFile(record)), signal);
          part = { ...part, crc64 };
        }
        await this.stillThere(dir, staging, id);
        return part;
      } catch (e) {
        await this.stillThere(dir, staging, id);
        throw isStorageError(e, ErrorCode.ObjectNotExist) ? noUpload() : e;
      }
    });
  }

  /**
   * Checks that upload `id` (its pinned directory `dir`) still has its record. An abort (or complete)
   * removes the record first: a part write that ran meanwhile then removes the upload's entries
   * (what it wrote, which the abort may not have seen), so nothing is left behind.
   * @throws StorageError `ObjectNotExist` when the upload has ended.
   */
  private async stillThere(dir: DirPin, staging: DirPin, id: string): Promise<void> {
    if (await hasRecord(dir)) return;
    await removeUpload(staging, id).catch(() => undefined);
    noUpload();
  }

  /**
   * Concatenates `parts` into the object at `key` and ends the upload; returns the object's ETag
   * and the CRC-64 of the bytes written. Each part's file must be the one given (its ETag and size)
   * or, replaced since by another writer of the part, one whose record vouches for the same size
   * and `crc64` (part-record.ts recordedAsSent). A part given with a `crc64` (what its writer sent) must
   * hash to it: otherwise nothing is stored (an object at `key` stays as it was), every such part
   * is removed from the upload with its record (a resumed upload sends it again) and the upload
   * is kept. With `ifNotExists` the object is linked in only where no entry of any kind is at
   * `key` (if-not-exists.ts), else nothing is stored and the upload is kept.
   * A part missing (at the check, or gone by the time it is copied) is looked at once more: when the
   * upload's record is gone too (an abort or another complete removes it first), the upload ended
   * meanwhile, `ObjectNotExist` "no such multipart upload (aborted or completed meanwhile)"; else the
   * part was never uploaded (`InvalidArgument`) or was removed from the live upload since the check (`Conflict`).
   * @throws StorageError `ObjectNotExist` (no upload, or it was aborted or completed meanwhile), `InvalidArgument` (no parts, a gap, a part never uploaded),
   *   `Conflict` (a part changed or removed since the check; `ifNotExists`: an entry at `key`), `CapabilityInsufficient` (`ifNotExists`
   *   without hard links), `IntegrityMismatch` (a part holds other bytes than its writer sent),
   *   `ObjectModeInvalid` (a directory at `key`), `Aborted`, mapped fs errors.
   */
  async complete(key: string, id: string, parts: readonly Part[], signal?: AbortSignal, ifNotExists = false): Promise<DriverWriteResult> {
    await readUpload(this.paths, key, id);
    checkContiguous(parts);
    // A quick look that spares copying the parts; the link in place decides.
    if (ifNotExists) await refuseOccupied(await this.paths.resolveEntry(key));
    const result = await inUpload(this.paths, id, async (dir) => {
      const staged: StagedPart[] = [];
      for (const part of parts) {
        const file = dir.at(`part-${part.index}`);
        // The part's file itself, a regular one: a link or fifo in its place is no part.
        const st = await lstatRegular(file);
        if (st === undefined) throw await missingPart(dir, part.index, false);
        // Another version of the part (its ETag names the file's version, not its bytes) is taken
        // where its record vouches for the same bytes: two resumes that both sent the part again.
        const same = Number(st.size) === part.size && (sameEtag(etagOf(st), part.etag) || (await recordedAsSent(file, st, part)));
        if (!same) throw storageError(ErrorCode.Conflict, `part ${part.index} does not match the uploaded part`);
        staged.push({ file, part });
      }
      const target = await this.paths.resolve(key);
      let crc64 = "";
      const fill = async (file: FileHandle): Promise<void> => {
        const done = await concatenateParts(this.paths, file, staged, signal).catch(async (e: unknown) => {
          // A part's file gone since it was checked (ENOENT): which one, and whether the upload ended meanwhile.
          if (!isStorageError(e, ErrorCode.ObjectNotExist)) throw e;
          for (const { file: path, part } of staged) if ((await lstatRegular(path)) === undefined) throw await missingPart(dir, part.index, true);
          throw (await hasRecord(dir)) ? e : uploadGone();
        });
        // Thrown before the rename: the temp file goes, nothing is stored.
        if (done.corrupt.length > 0) throw await dropCorrupt(dir, done.corrupt);
        crc64 = done.crc64;
      };
      // The object's stats, taken before its rename: its ETag even if another write replaced it since.
      const st = await replaceAtomically(this.paths, target, { fill }, signal, this.durable, ifNotExists);
      return { etag: etagOf(st), crc64 };
    });
    await this.remove(id);
    return result;
  }

  /**
   * Ends the upload, deleting its parts; nothing happens when it does not exist. A record that is
   * there but cannot be read (EMFILE, EACCES, EIO) fails the abort: the upload is kept, and the
   * caller is told (core's cleanup then says the upload may be left).
   * @throws StorageError `InvalidArgument` (the staging directory leads outside the work_dir), mapped fs errors.
   */
  async abort(key: string, id: string): Promise<void> {
    const upload = await readUpload(this.paths, key, id).catch((e: unknown) => (isStorageError(e, ErrorCode.ObjectNotExist) ? undefined : Promise.reject(e)));
    if (upload !== undefined) await this.remove(id);
  }

  /** One page of parts by index. @throws StorageError `ObjectNotExist`, `InvalidArgument` (bad token), mapped fs errors. */
  async listParts(key: string, id: string, token: string | undefined): Promise<DriverPartsPage> {
    await readUpload(this.paths, key, id);
    const after = token === undefined || token === "" ? -1 : Number(token);
    if (!Number.isSafeInteger(after)) throw storageError(ErrorCode.InvalidArgument, "invalid list token for parts");
    return inUpload(this.paths, id, async (dir) => {
      const indexes = (await whenDescriptorsFree(() => readdir(dir.self)))
        .map((n) => PART.exec(n)?.[1])
        .filter((i): i is string => i !== undefined)
        .map(Number)
        .filter((i) => i > after)
        .sort((a, b) => a - b);
      const items: Part[] = [];
      for (const index of indexes.slice(0, PARTS_PAGE_SIZE)) {
        const file = dir.at(`part-${index}`);
        // The part's file itself, a regular one: a link or fifo in its place is no part.
        const st = await lstatRegular(file);
        if (st !== undefined) items.push(await withRecordedCrc(file, st, partOf(index, st)));
      }
      if (indexes.length <= PARTS_PAGE_SIZE || items.length === 0) return { items };
      return { items, nextToken: String(items[items.length - 1]!.index) };
    });
  }

  /** The upload as a `part` object. @throws StorageError `ObjectNotExist`, mapped fs errors (a record that cannot be read). */
  async stat(key: string, id: string): Promise<RawObject> {
    const upload = await readUpload(this.paths, key, id);
    return { key, mode: "part", multipartId: id, lastModified: upload.created };
  }

  /**
   * One page of uploads whose key starts with the prefix, by key then id. Each page lists the
   * staging directory; a record is read once per driver (not once a page: `UploadIndex`, upload-index.ts),
   * and each upload on the page is checked (one lstat) to still have the record it was read from
   * (one that does not is read again). A record that is there but cannot be read now fails the page.
   * @throws StorageError `InvalidArgument` (bad token), `ObjectModeInvalid` (the work_dir is a file), mapped fs
   *   errors (`PermissionDenied`, `ServiceInternal`: too many open files, `Unexpected`) of a record that cannot be read now.
   */
  async listUploads(request: DriverListRequest): Promise<DriverUploadsPage> {
    const after = request.token ? parseUploadToken(request.token) : undefined;
    let staging: DirPin | undefined;
    let ids: string[];
    try {
      staging = await this.paths.pinExisting(this.paths.staging);
      if (staging === undefined) {
        await refuseFileWorkDir(this.paths);
        return { items: [] };
      }
      const pinned = staging;
      ids = (await whenDescriptorsFree(() => readdir(pinned.self))).filter((n) => UPLOAD_ID.test(n));
    } catch (e) {
      await staging?.close();
      if (isErrno(e, "ENOENT", "ENOTDIR")) return { items: [] };
      throw fsError(e);
    }
    try {
      const limit = Math.max(1, request.limit);
      const passes = (u: Upload): boolean => u.key.startsWith(request.prefix) && (after === undefined || compareUploads(u, after) > 0);
      // One more than the page: whether a next page has an upload that still is one.
      const uploads = await this.index.select(staging, ids, passes, limit + 1);
      const page = uploads.slice(0, limit);
      const items: RawObject[] = page.map((u) => ({ key: u.key, mode: "part", multipartId: u.id, lastModified: u.created }));
      if (uploads.length <= limit) return { items };
      return { items, nextToken: uploadToken(page[page.length - 1]!) };
    } finally {
      await staging.close();
    }
  }

  private dirOf(id: string): string {
    return posix.join(this.paths.staging, id);
  }

  /**
   * Deletes upload `id`'s entries and directory, without following or recursing into anything
   * (upload-dir.ts removeUpload), and the staging root once it is empty.
   * @throws StorageError mapped fs errors.
   */
  private async remove(id: string): Promise<void> {
    const staging = await this.paths.pinExisting(this.paths.staging);
    if (staging === undefined) return;
    try {
      await removeUpload(staging, id).catch((e: unknown) => Promise.reject(fsError(e)));
    } finally {
      await staging.close();
    }
    await rmdir(this.paths.staging).catch(() => undefined);
  }
}
