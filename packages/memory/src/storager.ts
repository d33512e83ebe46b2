import {
  checkEtagConditions,
  crc64Equal,
  ErrorCode,
  throwIfAborted,
  storageError,
  type DriverBody,
  type DriverCallOptions,
  type DriverListPage,
  type DriverListRequest,
  type DriverPartsPage,
  type DriverReadResult,
  type DriverUploadsPage,
  type DriverWriteResult,
  type Part,
  type RawObject,
  type StorageDriver,
} from "@stowage/core";
import { checkContentMd5, takeBody } from "./body.js";
import { refuseNonObject, refuseNonObjects } from "./delete-check.js";
import { attributesOf } from "./call-attributes.js";
import { MEMORY_TYPE } from "./config.js";
import { appendAt, fileAt, notExist, resolvedAppend } from "./entry-lookup.js";
import { memoryFeatures } from "./features.js";
import { fetchBody } from "./fetched-body.js";
import { refuseOccupied, wantsNew } from "./if-not-exists.js";
import { listEntries, listUploads } from "./lister.js";
import { abortUpload, completeUpload, createUpload, findUpload, listUploadParts, putPart } from "./multipart.js";
import { rangeStream } from "./range-stream.js";
import { copyEntry, moveEntry } from "./relocate.js";
import { impliedDir, toRawObject, uploadObject } from "./raw-object.js";
import { dirEntry, existingStore, fileEntry, linkEntry, MemoryStore, type MemoryEntry } from "./store.js";

/**
 * The memory driver's primitives over one {@link MemoryStore}: a private one, or the named store
 * of its name (looked up at each call; a missing one is `ObjectNotExist`). Every
 * capability except presign; data never leaves the process. Bytes are copied
 * in and out, so callers can't change what is stored by mutating buffers.
 */
export class MemoryStorageDriver implements StorageDriver {
  readonly service = MEMORY_TYPE;
  readonly features = memoryFeatures;

  // A TypeScript-private field, not `#own`: tests wrap drivers in Proxies, which cannot reach `#` fields.
  private readonly own: MemoryStore | undefined;

  /**
   * Either a private store (`name` `""`: `store`, or a fresh one when absent) or a named one (`store`
   * undefined): a named driver works on the store registered under `name` at each call
   * (`existingStore`; `openStore(name)` makes it), as a storager of a bucket does.
   * @param store a private store's data; must be undefined with a `name`
   * @param name the store's name (`""` for a private store)
   * @throws StorageError `InvalidArgument` when both `store` and a `name` are given: a named driver
   *   never uses a store passed in, so the pair would write elsewhere than the caller meant
   */
  constructor(store: MemoryStore | undefined, readonly name: string = "") {
    if (store !== undefined && name !== "") {
      throw storageError(
        ErrorCode.InvalidArgument,
        `a memory driver takes a store or a name, not both: a named driver works on the store registered as ${JSON.stringify(name)} (openStore makes it)`,
      );
    }
    this.own = name === "" ? (store ?? new MemoryStore()) : undefined;
  }

  /** The store this driver works on now. @throws StorageError `ObjectNotExist` (a named store that does not exist) */
  get store(): MemoryStore {
    return this.own ?? existingStore(this.name);
  }

  /** @throws StorageError `ObjectNotExist`, `Aborted`. */
  async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
    throwIfAborted(options.signal);
    const dirKey = key === "" || key.endsWith("/") ? key : key + "/";
    if (options.mode !== "dir" && dirKey !== key) {
      const entry = this.store.get(key);
      if (entry !== undefined) {
        checkEtagConditions(entry.etag, options);
        return toRawObject(key, entry);
      }
    }
    if (!this.store.dirExists(dirKey)) throw notExist();
    const own = this.store.get(dirKey);
    return own === undefined ? impliedDir(dirKey) : toRawObject(dirKey, own);
  }

  /** @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (a directory), `Aborted`. */
  async read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
    throwIfAborted(options.signal);
    const entry = fileAt(this.store, key);
    checkEtagConditions(entry.etag, options);
    const stream = rangeStream(entry.data, range, options.signal);
    return { stream, object: toRawObject(key, entry), crc64: entry.crc64 };
  }

  /**
   * With `ifNotExists`, stores nothing where anything is at `key` (if-not-exists.ts): checked before the body is taken and again with the `set`, no `await` between.
   * @throws StorageError `Conflict` (`ifNotExists`: something exists at `key`), `ObjectModeInvalid`, `InvalidArgument`, `IntegrityMismatch`, `Aborted`.
   */
  async write(key: string, body: DriverBody, options: DriverCallOptions): Promise<DriverWriteResult> {
    const exclusive = wantsNew(options);
    if (exclusive) refuseOccupied(this.store, key);
    this.store.checkFileSlot(key);
    const taken = await takeBody(body, options.signal);
    checkContentMd5(taken, body.contentMd5);
    throwIfAborted(options.signal);
    const store = this.store;
    if (exclusive) refuseOccupied(store, key);
    store.checkFileSlot(key);
    const entry = fileEntry("file", taken.data, attributesOf(options), taken);
    store.set(key, entry);
    return { etag: entry.etag, crc64: entry.crc64 };
  }

  /** Succeeds when nothing is there. @throws StorageError `ObjectModeInvalid` (a directory), `InvalidArgument` (the empty key: the store's root), `Aborted`. */
  async delete(key: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    refuseNonObject(this.store, key);
    this.store.remove(key);
  }

  /** Checks every key, then deletes them all. @throws StorageError `ObjectModeInvalid` (a directory, naming it: nothing deleted; `batch` says what became of each key), `InvalidArgument` (the empty key), `Aborted`. */
  async deleteMany(keys: string[], options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    refuseNonObjects(this.store, keys);
    for (const key of keys) this.store.remove(key);
  }

  /** @throws StorageError `Aborted`. */
  async listPage(request: DriverListRequest, options: DriverCallOptions): Promise<DriverListPage> {
    throwIfAborted(options.signal);
    return listEntries(this.store, request);
  }

  /**
   * The copy gets the call's attributes, replacing the source's (`copyAttributes`; onto its own key: in
   * place), or the source's (relocate.ts). With `ifNotExists`, nothing is stored where anything is at
   * `dstKey`, decided with the store's update. `onProgress` gets the size once (`{ bytes: size, total: size }`),
   * before the copy is stored: a listener that throws, or aborts the call's signal, leaves the destination as it was.
   * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `Conflict` (`ifNotExists`), `Aborted`, what `onProgress` throws.
   */
  async copy(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    copyEntry(this, srcKey, dstKey, options);
  }

  /**
   * Moves the entry itself (a link stays a link). With `ifNotExists`, nothing moves where anything is at
   * `dstKey` (the source kept), decided with the store's update. `onProgress` gets a file's size once, before it
   * moves (a listener that throws, or aborts the call's signal, leaves both keys as they were); a link, which has no size: nothing.
   * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `Conflict` (`ifNotExists`), `Aborted`, what `onProgress` throws.
   */
  async move(srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
    moveEntry(this, srcKey, dstKey, options);
  }

  /**
   * Stores the bytes as the server sent them (never decoded), with the answer's Content-Type,
   * Content-Encoding, Cache-Control, Content-Disposition and Expires (each one a write would take).
   * `onProgress` gets `{ bytes, total }` as bytes arrive (`total` when the server sent Content-Length)
   * and the size once the body is complete, before it is stored (fetched-body.ts).
   * @throws StorageError `InvalidArgument` (also the source's 401/403), `ObjectModeInvalid`, `ObjectNotExist`, `RequestThrottled`,
   *   `ServiceInternal` (the source failed or could not be reached: retryable), `Aborted`, `Unexpected`, what `onProgress` throws.
   */
  async fetch(key: string, url: string, options: DriverCallOptions): Promise<void> {
    this.store.checkFileSlot(key);
    const { data, contentType, headers } = await fetchBody(url, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    this.store.checkFileSlot(key);
    this.store.set(key, fileEntry("file", data, contentType === undefined ? headers : { ...headers, contentType }));
  }

  /** Idempotent. @throws StorageError `InvalidArgument`, `ObjectModeInvalid` (a file in the way), `Aborted`. */
  async createDir(key: string, options: DriverCallOptions): Promise<RawObject> {
    throwIfAborted(options.signal);
    if (key === "") return { key, mode: "dir" };
    if (!key.endsWith("/")) throw storageError(ErrorCode.InvalidArgument, "a directory key must end with /");
    this.store.checkDirSlot(key);
    let entry = this.store.get(key);
    if (entry === undefined) {
      entry = dirEntry();
      this.store.set(key, entry);
    }
    return toRawObject(key, entry);
  }

  /**
   * Makes `key` a link to `targetKey`, replacing a file, appendable object or link there.
   * @throws StorageError `ObjectModeInvalid` (a directory at `key`, or a file at one of its parents), `InvalidArgument`, `Aborted`.
   */
  async createLink(key: string, targetKey: string, options: DriverCallOptions): Promise<RawObject> {
    throwIfAborted(options.signal);
    this.store.checkFileSlot(key);
    const entry = linkEntry(targetKey);
    this.store.set(key, entry);
    return toRawObject(key, entry);
  }

  /** Succeeds when missing. @throws StorageError `Conflict` (not empty), `ObjectModeInvalid` (a file), `InvalidArgument` (the empty key: the store's root, which core never sends), `Aborted`. */
  async deleteDir(key: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    if (key === "") throw storageError(ErrorCode.InvalidArgument, "the empty key is the store's root, which delete never removes");
    const file = this.store.get(key.slice(0, -1));
    if (file !== undefined && file.kind !== "dir") throw storageError(ErrorCode.ObjectModeInvalid, "this path is a file");
    if (this.store.keys.hasKeysUnder(key)) throw storageError(ErrorCode.Conflict, "the directory is not empty");
    this.store.remove(key);
  }

  /** Creates or resets. @throws StorageError `ObjectModeInvalid`, `InvalidArgument`, `Aborted`. */
  async createAppend(key: string, options: DriverCallOptions): Promise<RawObject> {
    throwIfAborted(options.signal);
    this.store.checkFileSlot(key);
    const entry = fileEntry("append", Buffer.alloc(0), attributesOf(options));
    this.store.set(key, entry);
    return toRawObject(key, entry);
  }

  /**
   * Appends at `offset`, which must be the object's length. With `body.appendBaseCrc64` (core
   * sends the append object's CRC-64), the object must also still hold the bytes the append object
   * describes: one re-created (another handle's `createAppend`) or moved over since is refused before
   * anything is appended, as fs does. Through a link (or a chain of them), the bytes go onto the
   * append object the links lead to, and the links stay, as fs appends through a symlink.
   * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` (not an append object, or not the
   *   append object's bytes), `Conflict` (offset), `IntegrityMismatch`, `InvalidArgument`, `Aborted`.
   */
  async writeAppend(key: string, offset: number, body: DriverBody, options: DriverCallOptions): Promise<{ appendOffset: number; crc64: string }> {
    appendAt(this.store, key);
    const taken = await takeBody(body, options.signal);
    checkContentMd5(taken, body.contentMd5);
    throwIfAborted(options.signal);
    // Where the links lead now (they may have changed while the body was taken).
    const { key: at, entry } = resolvedAppend(this.store, key);
    if (offset !== entry.data.length) {
      throw storageError(ErrorCode.Conflict, `append position is ${entry.data.length}, not ${offset}`);
    }
    checkAppendBase(entry, body.appendBaseCrc64);
    const next = fileEntry("append", Buffer.concat([entry.data, taken.data]), entry);
    this.store.set(at, next);
    return { appendOffset: next.data.length, crc64: next.crc64 };
  }

  /** A no-op check: the object stays appendable. @throws StorageError `ObjectNotExist`, `ObjectModeInvalid`, `Aborted`. */
  async commitAppend(key: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    appendAt(this.store, key);
  }

  /** @throws StorageError `ObjectModeInvalid`, `InvalidArgument`, `Aborted`. */
  async createMultipart(key: string, options: DriverCallOptions): Promise<{ multipartId: string }> {
    throwIfAborted(options.signal);
    return { multipartId: createUpload(this.store, key, attributesOf(options)) };
  }

  /** @throws StorageError `ObjectNotExist`, `InvalidArgument`, `IntegrityMismatch`, `Aborted`. */
  async writePart(key: string, multipartId: string, index: number, body: DriverBody, options: DriverCallOptions): Promise<Part> {
    findUpload(this.store, key, multipartId);
    const taken = await takeBody(body, options.signal);
    checkContentMd5(taken, body.contentMd5);
    throwIfAborted(options.signal);
    return putPart(this.store, key, multipartId, index, taken.data, taken);
  }

  /**
   * With `ifNotExists`, completes nothing where anything is at `key`: `Conflict`, the upload kept.
   * @throws StorageError `ObjectNotExist`, `InvalidArgument`, `Conflict` (a part changed; `ifNotExists`: something exists at `key`), `ObjectModeInvalid`, `Aborted`.
   */
  async completeMultipart(key: string, multipartId: string, parts: Part[], options: DriverCallOptions): Promise<DriverWriteResult> {
    throwIfAborted(options.signal);
    return completeUpload(this.store, key, multipartId, parts, wantsNew(options));
  }

  /** Succeeds when the upload does not exist. @throws StorageError `Aborted`. */
  async abortMultipart(key: string, multipartId: string, options: DriverCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    abortUpload(this.store, key, multipartId);
  }

  /** @throws StorageError `ObjectNotExist`, `InvalidArgument`, `Aborted`. */
  async listParts(key: string, multipartId: string, token: string | undefined, options: DriverCallOptions): Promise<DriverPartsPage> {
    throwIfAborted(options.signal);
    return listUploadParts(this.store, key, multipartId, token);
  }

  /** @throws StorageError `ObjectNotExist`, `Aborted`. */
  async statMultipart(key: string, multipartId: string, options: DriverCallOptions): Promise<RawObject> {
    throwIfAborted(options.signal);
    return uploadObject(findUpload(this.store, key, multipartId));
  }

  /** @throws StorageError `InvalidArgument` (bad token), `Aborted`. */
  async listUploads(request: DriverListRequest, options: DriverCallOptions): Promise<DriverUploadsPage> {
    throwIfAborted(options.signal);
    return listUploads(this.store, request);
  }
}

/**
 * Refuses an append through an append object whose CRC-64 (`base`, core's `appendBaseCrc64`) is
 * not the object's: another handle's createAppend re-created it, or a move replaced it, since
 * the append object last saw it. Nothing to check without `base`.
 * @throws StorageError `ObjectModeInvalid`, `InvalidArgument` (`base` is not a decimal CRC-64).
 */
function checkAppendBase(entry: MemoryEntry, base: string | undefined): void {
  if (base === undefined) return;
  if (!/^\d{1,20}$/.test(base)) throw storageError(ErrorCode.InvalidArgument, "the append object's crc64 is not a decimal CRC-64");
  if (!crc64Equal(base, entry.crc64)) {
    throw storageError(
      ErrorCode.ObjectModeInvalid,
      "the object is not the append object's any more: its bytes changed since the object's last append (another createAppend or a move replaced it); create a new append object",
    );
  }
}
