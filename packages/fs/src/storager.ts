import {
  throwIfAborted,
  type DriverBody,
  type DriverCallOptions,
  type DriverListPage,
  type DriverListRequest,
  type DriverPartsPage,
  type DriverReadResult,
  type DriverUploadsPage,
  type DriverWriteResult,
  type Part,
  type ProgressListener,
  type RawObject,
  type StorageDriver,
} from "@stowage/core";
import { appendToFile, createAppendFile } from "./append.js";
import { replaceAtomically } from "./atomic.js";
import { writeBody } from "./body.js";
import { FS_TYPE } from "./config.js";
import { deleteFile } from "./delete-file.js";
import { fsFeatures } from "./features.js";
import { fileSlot, refuseDirKey, sourceFile } from "./file-keys.js";
import { notExist } from "./files.js";
import { occupied, wantsNew } from "./if-not-exists.js";
import { downloadTo } from "./fetch-url.js";
import { ListCursors } from "./list-cursors.js";
import { listFiles } from "./lister.js";
import { moveNew } from "./move-new.js";
import { FsMultipart } from "./multipart.js";
import { createLinkInside, entryAt, inwardLinkAt, moveLink } from "./links.js";
import { dirObject, etagOf, statOrUndefined } from "./objects.js";
import { FsPaths } from "./paths.js";
import { openFileRead } from "./read-file.js";
import { copyInside, moveInside } from "./relocate.js";
import { inRemadeDir } from "./remade-dir.js";
import { removeDir } from "./remove-dir.js";
import { statObject } from "./stat-object.js";
import { confinementOf } from "./confinement.js";
import { escapesWithin } from "./within.js";

/**
 * The fs driver's primitives: key `k` is the file `/k`, and every access is
 * confined to the work_dir. Writes go to a hidden temp file that is renamed
 * into place; bodies are streamed, never held whole in memory.
 */
export class FsStorageDriver implements StorageDriver {
  readonly service = FS_TYPE;
  readonly features = fsFeatures;
  /** The path rules and confinement. */
  readonly paths: FsPaths;
  private readonly multipart: FsMultipart;
  /** The walks of listings between their pages (list-cursors.ts). */
  private readonly cursors = new ListCursors();

  /** Whether completed writes are fsynced (the `fsync` pair, default true). */
  readonly durable: boolean;

  /**
   * @param workDir the absolute directory every key must stay inside
   * @param name the storage's name (empty for fs)
   * @param options `fsync: false` skips flushing writes to stable storage (faster; atomic still, not durable)
   * @throws nothing (the work_dir is first looked at by a call)
   */
  constructor(
    workDir: string,
    readonly name: string = "",
    options: { fsync?: boolean } = {},
  ) {
    this.paths = new FsPaths(workDir);
    this.durable = options.fsync !== false;
    this.multipart = new FsMultipart(this.paths, this.durable);
  }

  /**
   * An object key names the entry itself: a symlink there is a `link` (its target never followed,
   * wherever it leads); a directory key follows one. A file an append writes to is reported as it
   * was before (committed-view.ts). See stat-object.ts.
   * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (not a file, dir or link), `InvalidArgument`, `Aborted`.
   */
  async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
    throwIfAborted(options.signal);
    return statObject(this.paths, key, options);
  }

  /** @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (a directory), `InvalidArgument`, `Aborted`. */
  async read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
    throwIfAborted(options.signal);
    return openFileRead(this.paths, key, range, options);
  }

  /**
   * Atomic. With `ifNotExists`, the file is hard-linked in only where no entry of any kind is at `key` (if-not-exists.ts).
   * A directory removed meanwhile (another call's, while empty) is made again, up to 4 times.
   * @throws StorageError `Conflict` (`ifNotExists`; retryable: the directory removed each time it was made),
   *   `CapabilityInsufficient` (`ifNotExists` on a filesystem without hard links),
   *   `ObjectModeInvalid`, `InvalidArgument`, `IntegrityMismatch`, `PermissionDenied`, `Aborted`.
   */
  async write(key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult> {
    const exclusive = wantsNew(options);
    const path = await fileSlot(this.paths, key, exclusive);
    const st = await replaceAtomically(this.paths, path, { fill: (file) => writeBody(file, body, options.signal) }, options.signal, this.durable, exclusive);
    return { etag: etagOf(st) };
  }

  /**
   * Removes the entry itself (a link, not its target). Succeeds when nothing is there.
   * @throws StorageError `ObjectModeInvalid` (a directory), `InvalidArgument`, `PermissionDenied`, `Aborted`.
   */
  async delete(key: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    await deleteFile(this.paths, key);
  }

  /**
   * A listing keeps its walk from one page to the next, so each directory is read and sorted once
   * per listing (lister.ts, list-cursors.ts).
   * @throws StorageError `InvalidArgument` (also a directory deeper than PATH_MAX), `ObjectModeInvalid` (the work_dir is a file),
   *   `PermissionDenied` (a directory that cannot be read: never left out), `Aborted`, mapped fs errors.
   */
  async listPage(request: DriverListRequest, options: DriverCallOptions): Promise<DriverListPage> {
    throwIfAborted(options.signal);
    return listFiles(this.paths, request, this.cursors);
  }

  /**
   * Atomic copy, in chunks into a temp file renamed into place (relocate.ts): an abort stops it
   * between chunks. `onProgress` gets `{ bytes, total }` per chunk, the last `{ bytes: size, total: size }`
   * before the rename; an abort or a listener that throws leaves the destination as it was. With
   * `ifNotExists` the temp file is hard-linked in only where no entry of any kind is at `dstKey`
   * (if-not-exists.ts); a copy onto its own key is then a `Conflict` too. fs keeps no attributes
   * (`copyAttributes` off: core refuses them). `sourceWithin` / `destinationWithin` confine each
   * side to a directory of its own (confinement.ts): the source, never a symbolic link, must really
   * lie inside the one, the destination's directory inside the other, else `InvalidArgument`
   * (`path escapes source_within`) before anything changes. The destination's directory, removed
   * meanwhile, is made again (as for `write`).
   * @throws StorageError `ObjectNotExist` (the source), `ObjectModeInvalid`, `InvalidArgument`, `Conflict` and `CapabilityInsufficient`
   *   (`ifNotExists`; `Conflict`, retryable: the destination's directory removed each time it was made), `Aborted`,
   *   what `onProgress` throws.
   */
  async copy(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    const exclusive = wantsNew(options);
    const confine = await confinementOf(this.paths, options, this.paths.lexical(srcKey), this.paths.lexical(dstKey));
    const src = await sourceFile(this.paths, srcKey);
    const dst = await fileSlot(this.paths, dstKey, exclusive);
    if (src !== dst) await copyInside(this.paths, src, dst, { signal: options.signal, onProgress: options.onProgress }, this.durable, false, exclusive, confine);
    else if (exclusive) throw occupied();
    else if (options.onProgress !== undefined) reportSize(options.onProgress, await statOrUndefined(src));
  }

  /**
   * A rename (across devices a copy, then the source name taken away only while it still holds the
   * file as it was copied: relocate.ts); a link inside the work_dir moves as a link to the same target.
   * `onProgress` gets the file's size once, before the rename (a link, which has no size: nothing).
   * With `ifNotExists`, never a rename (which replaces): the file is hard-linked in only where no
   * entry of any kind is at `dstKey`, then its source name goes (move-new.ts); a link is made anew
   * the same way. Refused: `Conflict`, the source kept. `sourceWithin` / `destinationWithin` confine
   * each side to a directory of its own (confinement.ts): the source must be a regular file (a link
   * is refused, never moved) whose directory really lies inside the one, the destination's
   * directory inside the other; the file is then hard-linked in and renamed into place, never
   * renamed by its name (relink.ts). Else `InvalidArgument` (`path escapes ...`), nothing changed.
   * The destination's directory, removed meanwhile, is made again (as for `write`); `ObjectNotExist` is the source's.
   * @throws StorageError `ObjectNotExist` (the source), `ObjectModeInvalid`, `InvalidArgument`, `Conflict` (`ifNotExists`;
   *   or a source replaced or written to while it was copied: the copy stays at `dstKey`, the source
   *   is kept; retryable: the destination's directory removed each time it was made, the source
   *   kept), `CapabilityInsufficient` (`ifNotExists`), `PermissionDenied`, `Aborted`, what `onProgress` throws.
   */
  async move(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    const exclusive = wantsNew(options);
    if (srcKey.endsWith("/")) await refuseDirKey(this.paths, srcKey);
    const link = await this.paths.resolveEntry(srcKey);
    const confine = await confinementOf(this.paths, options, link, this.paths.lexical(dstKey));
    // Confined, a link is no source: a quick look here, the relink decides (relink.ts).
    if (confine.source !== undefined && (await entryAt(this.paths, link))?.st.isSymbolicLink()) escapesWithin(confine.source, "the source is a symbolic link (never moved here)");
    const target = confine.source === undefined ? await inwardLinkAt(this.paths, link) : undefined;
    if (target !== undefined) return moveLink(this.paths, link, target, await fileSlot(this.paths, dstKey, exclusive), options.signal, this.durable, exclusive);
    const src = await sourceFile(this.paths, srcKey);
    const dst = await fileSlot(this.paths, dstKey, exclusive);
    const steps = { signal: options.signal, onProgress: options.onProgress };
    if (src !== dst) await (exclusive ? moveNew : moveInside)(this.paths, src, dst, steps, this.durable, confine);
    else if (exclusive) throw occupied();
    else if (options.onProgress !== undefined) reportSize(options.onProgress, await statOrUndefined(src));
  }

  /**
   * Streams the URL's body into place atomically. `onProgress` gets `{ bytes, total }` as bytes
   * arrive (`total` when the server sent Content-Length) and `{ bytes: size, total: size }` before
   * the rename; an abort or a listener that throws leaves nothing behind. A directory removed meanwhile is made again and the URL asked again (as for `write`).
   * @throws StorageError `InvalidArgument`, `ObjectModeInvalid`, `ObjectNotExist`, `PermissionDenied`, `ServiceInternal`, `Aborted`, `Unexpected`,
   *   `Conflict` (retryable: the directory removed each time it was made), what `onProgress` throws.
   */
  async fetch(key: string, url: string, options: DriverCallOptions): Promise<void> {
    const path = await fileSlot(this.paths, key);
    await replaceAtomically(this.paths, path, { fill: (file) => downloadTo(url, file, options.signal, options.onProgress) }, options.signal, this.durable);
  }

  /**
   * mkdir -p. A directory on the way removed meanwhile is made again (as for `write`).
   * @throws StorageError `ObjectModeInvalid` (a file in the way), `InvalidArgument`, `PermissionDenied`,
   *   `Conflict` (retryable: a directory on the way removed each time it was made), `Aborted`.
   */
  async createDir(key: string, options: DriverCallOptions): Promise<RawObject> {
    throwIfAborted(options.signal);
    const path = await this.paths.resolve(key);
    await inRemadeDir(this.paths, path, async () => undefined);
    return dirObject(key, await this.paths.statInside(path));
  }

  /**
   * Makes `key` a symlink to `targetKey` (stored relative to the link's directory), replacing a link
   * or file there atomically; missing parents are created. The target need not exist.
   * @throws StorageError `ObjectModeInvalid` (a directory at `key`, a file in the way of a parent), `InvalidArgument`
   *   (empty or dir keys, a link to itself, a reserved name, a path leading outside the work_dir), `PermissionDenied`, `Aborted`.
   */
  async createLink(key: string, targetKey: string, options: DriverCallOptions): Promise<RawObject> {
    throwIfAborted(options.signal);
    return createLinkInside(this.paths, key, targetKey, options.signal, this.durable);
  }

  /** Succeeds when missing; keeps the work_dir itself (remove-dir.ts). @throws StorageError `Conflict` (not empty), `ObjectModeInvalid` (a file, a link to a directory), `InvalidArgument`, `Aborted`. */
  async deleteDir(key: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    await removeDir(this.paths, await this.paths.resolve(key));
  }

  /** Creates or truncates, atomically. @throws StorageError `ObjectModeInvalid`, `InvalidArgument`, `Aborted`. */
  async createAppend(key: string, options: DriverCallOptions): Promise<RawObject> {
    return createAppendFile(this.paths, key, await fileSlot(this.paths, key), options.signal, this.durable);
  }

  /**
   * Appends at `offset`, which must be the file's size, onto bytes whose CRC-64 is `body.appendBaseCrc64`
   * when given (append-base.ts), then reports the file's CRC-64 (append.ts); a failed append is cut back off.
   * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (not a file, or not the append object's bytes), `Conflict` (offset), `IntegrityMismatch`, `InvalidArgument`, `Aborted`.
   */
  async writeAppend(key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<{ appendOffset: number; crc64?: string }> {
    throwIfAborted(options.signal);
    if (key.endsWith("/")) await refuseDirKey(this.paths, key);
    return appendToFile(this.paths, await this.paths.resolve(key), offset, body, options.signal, this.durable);
  }

  /** Nothing to commit on a filesystem; checks the file exists. @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `Aborted`. */
  async commitAppend(key: string, options: DriverCallOptions): Promise<void> {
    await sourceFile(this.paths, key);
    throwIfAborted(options.signal);
  }

  /** @throws StorageError `InvalidArgument`, `ObjectModeInvalid` (a directory at the path, a file on its way), `Aborted`, mapped fs errors. */
  async createMultipart(key: string, options: DriverCallOptions): Promise<{ multipartId: string }> {
    throwIfAborted(options.signal);
    return { multipartId: await this.multipart.create(key, options.signal) };
  }

  /** @throws StorageError `ObjectNotExist`, `InvalidArgument`, `IntegrityMismatch`, `Aborted`, mapped fs errors. */
  async writePart(key: string, multipartId: string, index: number, body: DriverBody, options: DriverCallOptions): Promise<Part> {
    return this.multipart.writePart(key, multipartId, index, body, options.signal);
  }

  /**
   * Returns the ETag and the CRC-64 of the bytes stored. With `ifNotExists`, only where no entry is at `key` (else the upload is kept).
   * A part replaced since by another writer of it is taken where its record vouches for the size and `crc64` given (part-record.ts).
   * `Conflict` is retryable where the object's directory was removed each of the 4 times it was made.
   * @throws StorageError `ObjectNotExist`, `InvalidArgument`, `Conflict`, `CapabilityInsufficient`, `IntegrityMismatch`, `ObjectModeInvalid`, `Aborted`, mapped fs errors.
   */
  async completeMultipart(key: string, multipartId: string, parts: Part[], options: DriverCallOptions): Promise<DriverWriteResult> {
    throwIfAborted(options.signal);
    return this.multipart.complete(key, multipartId, parts, options.signal, wantsNew(options));
  }

  /**
   * Succeeds when the upload does not exist; fails, keeping it, when its record is there but
   * cannot be read (EMFILE, EACCES, EIO), so that the caller does not take it for removed.
   * @throws StorageError `Aborted`, mapped fs errors (`PermissionDenied`, `ServiceInternal`, `Unexpected`).
   */
  async abortMultipart(key: string, multipartId: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    await this.multipart.abort(key, multipartId);
  }

  /** @throws StorageError `ObjectNotExist`, `InvalidArgument`, `Aborted`, mapped fs errors. */
  async listParts(key: string, multipartId: string, token: string | undefined, options: DriverCallOptions): Promise<DriverPartsPage> {
    throwIfAborted(options.signal);
    return this.multipart.listParts(key, multipartId, token);
  }

  /** @throws StorageError `ObjectNotExist`, `Aborted`, mapped fs errors. */
  async statMultipart(key: string, multipartId: string, options: DriverCallOptions): Promise<RawObject> {
    throwIfAborted(options.signal);
    return this.multipart.stat(key, multipartId);
  }

  /** @throws StorageError `InvalidArgument`, `ObjectModeInvalid` (the work_dir is a file), `Aborted`. */
  async listUploads(request: DriverListRequest, options: DriverCallOptions): Promise<DriverUploadsPage> {
    throwIfAborted(options.signal);
    return this.multipart.listUploads(request);
  }
}

/** Reports a file's size as the final progress of a copy or move that had nothing to do (a file onto itself). */
function reportSize(onProgress: ProgressListener, st: { size: bigint } | undefined): void {
  if (st === undefined) throw notExist();
  const size = Number(st.size);
  onProgress({ bytes: size, total: size });
}
