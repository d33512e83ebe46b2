import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { SortedList } from "@stowage/core";
import { ProtocolError } from "../common/protocol-error.js";
import type { BlobStore } from "./blob-store.js";
import { compareKeys } from "./listing.js";
import { loadSaved } from "./load-saved.js";
import type { MetadataSink } from "./metadata-sink.js";
import { SortedKeys } from "./sorted-keys.js";
import type { StoredBucket, StoredObject } from "./types.js";

/** What an `ObjectStore` is built from. */
export interface ObjectStoreOptions {
  blobs: BlobStore;
  meta: MetadataSink;
  /** Bench mode: no hashing, no bytes kept. */
  discard: boolean;
  /** Milliseconds since the epoch. */
  clock: () => number;
  /** Where {@link BucketStore.load} says what it removed at start, one line each; default `console.error` (stderr). */
  log?: (line: string) => void;
}

/** The error of a bucket that does not exist (or no longer). */
export function noSuchBucket(): ProtocolError {
  return new ProtocolError("NoSuchBucket", "The specified bucket does not exist.");
}

/**
 * The buckets of the store and what reads see of them: bucket creation and deletion, the lookups
 * of objects, their keys in order and their bytes. The changes of objects are `ObjectStore`'s,
 * which extends this class.
 *
 * A change is saved through the metadata sink first and shown in memory only once saved, so a
 * change that fails (a full disk under `dataDir`) changes nothing: not what reads see now, and not
 * what a restart loads. (A bucket's delete is the exception: it is unlisted first and listed again
 * when its removal fails, so that no write lands in it meanwhile.)
 */
export class BucketStore {
  readonly buckets = new Map<string, StoredBucket>();
  /** The keys of each bucket in byte order; object changes tell it of keys that come and go. */
  protected readonly sorted = new SortedKeys();
  private fakeEtags = 0;
  // Names of buckets being created (saved, not listed yet).
  private readonly creating = new Set<string>();

  constructor(readonly options: ObjectStoreOptions) {}

  /**
   * Loads what the metadata sink saved earlier (directory mode), once what writes a crash cut short
   * left is removed: temp files, and blobs no saved record names (see {@link loadSaved}).
   * @throws what the blob store or the metadata sink throw when their files cannot be read or removed
   */
  async load(): Promise<void> {
    const log = this.options.log ?? ((line: string) => console.error(line));
    for (const b of await loadSaved(this.options.blobs, this.options.meta, log)) this.buckets.set(b.name, b);
  }

  get discard(): boolean {
    return this.options.discard;
  }

  now(): number {
    return this.options.clock();
  }

  // ---- buckets ---------------------------------------------------------

  /**
   * Creates bucket `name`; `owner` is the access key that asked (kept so a front-end can tell its
   * owner from others, as COS does with `BucketAlreadyOwnedByYou`).
   * @throws ProtocolError `BucketAlreadyExists`
   */
  async createBucket(name: string, region: string, owner?: string): Promise<StoredBucket> {
    if (this.buckets.has(name) || this.creating.has(name)) throw new ProtocolError("BucketAlreadyExists", "The requested bucket name already exists.");
    const b: StoredBucket = { name, region, created: this.now(), objects: new Map(), uploads: new Map(), ...(owner === undefined ? {} : { owner }) };
    this.creating.add(name);
    try {
      await this.options.meta.saveBucket(b);
    } finally {
      this.creating.delete(name);
    }
    this.buckets.set(name, b);
    return b;
  }

  /** Creates the bucket unless it exists (configured buckets at start). */
  async ensureBucket(name: string, region: string): Promise<StoredBucket> {
    return this.buckets.get(name) ?? this.createBucket(name, region);
  }

  /** @throws ProtocolError `NoSuchBucket` */
  bucket(name: string): StoredBucket {
    const b = this.buckets.get(name);
    if (b === undefined) throw noSuchBucket();
    return b;
  }

  /**
   * Deletes an empty bucket. Multipart uploads in progress count as content
   * (COS and OSS document this; QingStor is assumed to behave like S3).
   * @throws ProtocolError `NoSuchBucket`, `BucketNotEmpty`
   */
  async deleteBucket(name: string): Promise<void> {
    const b = this.bucket(name);
    if (b.objects.size > 0) throw new ProtocolError("BucketNotEmpty", "The bucket you tried to delete is not empty.");
    if (b.uploads.size > 0) throw new ProtocolError("BucketNotEmpty", "The bucket you tried to delete has multipart uploads in progress.");
    // Unlisted in the same step as the check: a write that saved its record meanwhile finds the
    // bucket gone when it would show it (see ObjectStore's save), and takes its record back.
    this.buckets.delete(name);
    this.sorted.dropBucket(name);
    try {
      await this.options.meta.removeBucket(name);
    } catch (e) {
      if (!this.buckets.has(name) && !this.creating.has(name)) this.buckets.set(name, b);
      throw e;
    }
  }

  /** Buckets sorted by name. */
  listBuckets(): StoredBucket[] {
    return [...this.buckets.values()].sort((a, b) => compareKeys(a.name, b.name));
  }

  // ---- what reads see --------------------------------------------------

  /** @throws ProtocolError `NoSuchBucket`, `NoSuchKey` */
  object(bucket: string, key: string): StoredObject {
    const o = this.bucket(bucket).objects.get(key);
    if (o === undefined) throw new ProtocolError("NoSuchKey", "The specified key does not exist.");
    return o;
  }

  /**
   * Keys of `bucket` in byte order, kept up to date as keys come and go (see {@link SortedKeys}:
   * search and read the list before the next await, and do not change it).
   * @throws ProtocolError `NoSuchBucket`
   */
  sortedKeys(bucket: string): SortedList<string> {
    return this.sorted.get(bucket, () => this.bucket(bucket).objects.keys());
  }

  /** Streams bytes `[start, end)` of an object. */
  read(o: StoredObject, start = 0, end = o.size): Readable {
    return this.options.blobs.read(o.blobId, start, end);
  }

  /** An opaque ETag for objects whose bytes were not hashed (discard mode). */
  fakeEtag(): string {
    return createHash("md5").update(`stowage-${++this.fakeEtags}`).digest("hex");
  }
}
