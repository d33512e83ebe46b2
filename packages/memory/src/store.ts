import { createHash } from "node:crypto";
import { crc64Decimal, ErrorCode, OBJECT_HEADERS, storageError, type ObjectHeaders, type Part } from "@stowage/core";
import { SortedKeys } from "./sorted-keys.js";

/** What is stored under one key: a file, an appendable file, a real directory or a symbolic link. */
export interface MemoryEntry extends EntryAttributes {
  kind: "file" | "append" | "dir" | "link";
  /** Content (empty for dirs and links). Never shared with callers: copied in and out. */
  data: Buffer;
  /** Quoted hex MD5 of `data`. */
  etag: string;
  /** Base64 MD5 of `data`. */
  contentMd5: string;
  /** Decimal CRC-64/XZ of `data`. */
  crc64: string;
  lastModified: Date;
  /** The key a `link` points to. */
  linkTarget?: string;
}

/** One uploaded part of an in-progress multipart upload. */
export interface MemoryPart extends Part {
  data: Buffer;
}

/** An in-progress multipart upload; its attributes go to the completed object. */
export interface MemoryUpload extends EntryAttributes {
  key: string;
  id: string;
  created: Date;
  parts: Map<number, MemoryPart>;
}

/** The content attributes a write may set: type, metadata, storage class and the other {@link ObjectHeaders}. */
export interface EntryAttributes extends ObjectHeaders {
  contentType?: string;
  metadata?: Record<string, string>;
  storageClass?: string;
}

/**
 * Copies the attributes `source` has onto `target` (metadata as a new object, so neither shares it).
 * @throws nothing.
 */
export function assignAttributes(target: EntryAttributes, source: EntryAttributes): void {
  if (source.contentType !== undefined) target.contentType = source.contentType;
  if (source.metadata !== undefined) target.metadata = { ...source.metadata };
  if (source.storageClass !== undefined) target.storageClass = source.storageClass;
  for (const [field] of OBJECT_HEADERS) {
    const value = source[field];
    if (value !== undefined) target[field] = value;
  }
}

/** The MD5 (16 bytes) and decimal CRC-64 of some bytes, when already computed. */
export interface ContentHashes {
  md5: Buffer;
  crc64: string;
}

/** Builds a file (or append) entry over `data`, which the entry then owns; `hashes` are `data`'s when given (else computed). */
export function fileEntry(kind: "file" | "append", data: Buffer, attributes: EntryAttributes = {}, hashes?: ContentHashes): MemoryEntry {
  const md5 = hashes?.md5 ?? createHash("md5").update(data).digest();
  const entry: MemoryEntry = {
    kind,
    data,
    etag: `"${md5.toString("hex")}"`,
    contentMd5: md5.toString("base64"),
    crc64: hashes?.crc64 ?? crc64Decimal(data),
    lastModified: new Date(),
  };
  assignAttributes(entry, attributes);
  return entry;
}

/** Builds a link entry pointing to `targetKey` (which need not exist). */
export function linkEntry(targetKey: string): MemoryEntry {
  return { kind: "link", data: Buffer.alloc(0), etag: '""', contentMd5: "", crc64: "0", lastModified: new Date(), linkTarget: targetKey };
}

/** Builds a directory entry. */
export function dirEntry(): MemoryEntry {
  return { kind: "dir", data: Buffer.alloc(0), etag: '""', contentMd5: "", crc64: "0", lastModified: new Date() };
}

/**
 * One in-process store: entries by key (kept sorted for listing) and the
 * in-progress multipart uploads. Keys have no leading `/`; dir keys end with `/`.
 * Like a filesystem, a key cannot be both a file and a directory, and a file
 * cannot have children.
 */
export class MemoryStore {
  private readonly entries = new Map<string, MemoryEntry>();
  /** Every key, sorted by code point. */
  readonly keys = new SortedKeys();
  /** In-progress uploads by id. */
  readonly uploads = new Map<string, MemoryUpload>();

  /** The entry at `key`, if any. @throws nothing */
  get(key: string): MemoryEntry | undefined {
    return this.entries.get(key);
  }

  /** Stores `entry` at `key`, replacing what was there. @throws nothing */
  set(key: string, entry: MemoryEntry): void {
    if (!this.entries.has(key)) this.keys.insert(key);
    this.entries.set(key, entry);
  }

  /** Removes `key`; true if it existed. @throws nothing */
  remove(key: string): boolean {
    if (!this.entries.delete(key)) return false;
    this.keys.remove(key);
    return true;
  }

  /** True when nothing is stored and no upload is in progress. @throws nothing */
  isEmpty(): boolean {
    return this.entries.size === 0 && this.uploads.size === 0;
  }

  /** True when `dirKey` (ends with `/`, or `""` for the root) is a directory, explicit or implied by deeper keys. @throws nothing */
  dirExists(dirKey: string): boolean {
    if (dirKey === "") return true;
    return this.entries.get(dirKey)?.kind === "dir" || this.keys.hasKeysUnder(dirKey);
  }

  /**
   * Checks that a file may be stored at `key`.
   * @throws StorageError `InvalidArgument` for a key ending with `/`; `ObjectModeInvalid` when `key`
   *   is a directory or one of its parents is a file.
   */
  checkFileSlot(key: string): void {
    if (key === "" || key.endsWith("/")) {
      throw storageError(ErrorCode.InvalidArgument, "a file key must not be empty or end with /");
    }
    if (this.dirExists(key + "/")) throw storageError(ErrorCode.ObjectModeInvalid, "a directory exists at this path");
    this.checkParents(key);
  }

  /**
   * Checks that a directory may exist at `dirKey` (ends with `/`).
   * @throws StorageError `ObjectModeInvalid` when a file is at `dirKey` or at one of its parents.
   */
  checkDirSlot(dirKey: string): void {
    const file = this.entries.get(dirKey.slice(0, -1));
    if (file !== undefined && file.kind !== "dir") throw storageError(ErrorCode.ObjectModeInvalid, "a file exists at this path");
    this.checkParents(dirKey.slice(0, -1));
  }

  private checkParents(key: string): void {
    for (let i = key.indexOf("/"); i !== -1; i = key.indexOf("/", i + 1)) {
      const parent = this.entries.get(key.slice(0, i));
      if (parent !== undefined && parent.kind !== "dir") {
        throw storageError(ErrorCode.ObjectModeInvalid, `parent ${JSON.stringify(key.slice(0, i))} is a file`);
      }
    }
  }
}

const REGISTRY = Symbol.for("@stowage/memory.named-stores");

/** The process-wide named stores (on globalThis, so two copies of this package share them). */
function registry(): Map<string, MemoryStore> {
  const holder = globalThis as { [REGISTRY]?: Map<string, MemoryStore> };
  return (holder[REGISTRY] ??= new Map());
}

/** The named store `name` (created on first use), or a fresh private store when `name` is empty. @throws nothing */
export function openStore(name: string | undefined): MemoryStore {
  if (name === undefined || name === "") return new MemoryStore();
  const stores = registry();
  let store = stores.get(name);
  if (store === undefined) {
    store = new MemoryStore();
    stores.set(name, store);
  }
  return store;
}

/** The named store `name`, if it exists. @throws nothing */
export function findStore(name: string): MemoryStore | undefined {
  return registry().get(name);
}

/**
 * The named store `name`, which must exist: after a `delete` through the servicer (or before any
 * `create` or open) its storagers fail, as those of a missing bucket do on a cloud, until a store of
 * that name exists again.
 * @throws StorageError `ObjectNotExist` when there is no such store
 */
export function existingStore(name: string): MemoryStore {
  const store = registry().get(name);
  // `serviceCode` as the clouds' answer names it, so `isMissingBucket` tells it from a missing key here too.
  if (store === undefined) throw storageError(ErrorCode.ObjectNotExist, `the memory store ${JSON.stringify(name)} does not exist (never created, or deleted)`, { serviceCode: "NoSuchBucket" });
  return store;
}

/** Names of every named store, sorted. @throws nothing */
export function storeNames(): string[] {
  return [...registry().keys()].sort();
}

/** Forgets the named store `name`: its data is gone, and its storagers fail with `ObjectNotExist` until a store of that name exists again. */
export function dropStore(name: string): void {
  registry().delete(name);
}
