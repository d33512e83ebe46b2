import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { crc64Combine } from "@stowage/core";
import { ProtocolError } from "../common/protocol-error.js";
import { AppendQueue } from "./append-queue.js";
import type { BlobStore } from "./blob-store.js";
import { contentEtag } from "./content-etag.js";
import { compareKeys } from "./listing.js";
import type { MetadataSink } from "./metadata-sink.js";
import { SortedKeys } from "./sorted-keys.js";
import type { ObjectAttributes, ObjectKind, ReceivedBody, StoredBucket, StoredObject, StoredRestore } from "./types.js";

/** What an {@link ObjectStore} is built from. */
export interface ObjectStoreOptions {
  blobs: BlobStore;
  meta: MetadataSink;
  /** Bench mode: no hashing, no bytes kept. */
  discard: boolean;
  /** Milliseconds since the epoch. */
  clock: () => number;
}

/**
 * A check made at the instant an object is installed, with no await between it and the install
 * (so two requests cannot both pass it): it throws (a ProtocolError) to refuse, e.g. a write with a
 * forbid-overwrite header over `existing`. A refused object's new bytes are removed.
 */
export type InstallGuard = (existing: StoredObject | undefined) => void;

/** A fresh filename-safe blob id. */
export function newBlobId(kind: "o" | "p"): string {
  return `${kind}-${randomBytes(12).toString("hex")}`;
}

/**
 * The provider-neutral store behind all three front-ends: buckets, objects and
 * their bytes. Multipart lives in {@link MultipartStore} on top of it.
 */
export class ObjectStore {
  readonly buckets = new Map<string, StoredBucket>();
  private readonly sorted = new SortedKeys();
  private fakeEtags = 0;
  // Appends run one at a time per key; installs, deletes and moves of a key wait for them (append-queue.ts).
  private readonly appends = new AppendQueue();

  constructor(readonly options: ObjectStoreOptions) {}

  /** Loads what the metadata sink saved earlier (directory mode). */
  async load(): Promise<void> {
    for (const b of await this.options.meta.load()) this.buckets.set(b.name, b);
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
    if (this.buckets.has(name)) throw new ProtocolError("BucketAlreadyExists", "The requested bucket name already exists.");
    const b: StoredBucket = { name, region, created: this.now(), objects: new Map(), uploads: new Map(), ...(owner === undefined ? {} : { owner }) };
    this.buckets.set(name, b);
    await this.options.meta.saveBucket(b);
    return b;
  }

  /** Creates the bucket unless it exists (configured buckets at start). */
  async ensureBucket(name: string, region: string): Promise<StoredBucket> {
    return this.buckets.get(name) ?? this.createBucket(name, region);
  }

  /** @throws ProtocolError `NoSuchBucket` */
  bucket(name: string): StoredBucket {
    const b = this.buckets.get(name);
    if (b === undefined) throw new ProtocolError("NoSuchBucket", "The specified bucket does not exist.");
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
    this.buckets.delete(name);
    this.sorted.dropBucket(name);
    await this.options.meta.removeBucket(name);
  }

  /** Buckets sorted by name. */
  listBuckets(): StoredBucket[] {
    return [...this.buckets.values()].sort((a, b) => compareKeys(a.name, b.name));
  }

  // ---- objects ---------------------------------------------------------

  /** @throws ProtocolError `NoSuchBucket`, `NoSuchKey` */
  object(bucket: string, key: string): StoredObject {
    const o = this.bucket(bucket).objects.get(key);
    if (o === undefined) throw new ProtocolError("NoSuchKey", "The specified key does not exist.");
    return o;
  }

  /**
   * Keys of `bucket` in byte order, kept up to date as keys come and go (see {@link SortedKeys}:
   * read the array before the next await).
   * @throws ProtocolError `NoSuchBucket`
   */
  sortedKeys(bucket: string): readonly string[] {
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

  /**
   * Installs `o` as the current version of its key, dropping the previous bytes; `guard` may refuse
   * (see {@link InstallGuard}: `o`'s bytes are then removed and its error thrown). Appends to the key
   * under way finish first: what `o` replaces is the object they left.
   */
  install(bucket: string, o: StoredObject, guard?: InstallGuard): Promise<StoredObject> {
    return this.appends.whenIdle(bucket, o.key, () => this.installNow(bucket, o, guard));
  }

  /** {@link install} without waiting for appends (an append's own install, within its turn). */
  private async installNow(bucket: string, o: StoredObject, guard?: InstallGuard): Promise<StoredObject> {
    const b = this.bucket(bucket);
    const old = b.objects.get(o.key);
    if (guard !== undefined) {
      try {
        guard(old);
      } catch (e) {
        await this.options.blobs.remove(o.blobId);
        throw e;
      }
    }
    b.objects.set(o.key, o);
    if (old === undefined) this.sorted.added(bucket, o.key);
    await this.options.meta.saveObject(bucket, o);
    if (old !== undefined && old.blobId !== o.blobId) await this.options.blobs.remove(old.blobId);
    return o;
  }

  /**
   * Stores a simple upload (unless `guard` refuses, see {@link InstallGuard}).
   * @throws ProtocolError `NoSuchBucket`, what `guard` throws
   */
  async putObject(bucket: string, key: string, body: ReceivedBody, attrs: ObjectAttributes, guard?: InstallGuard): Promise<StoredObject> {
    this.bucket(bucket);
    const blobId = newBlobId("o");
    await this.options.blobs.put(blobId, body.chunks);
    const o: StoredObject = {
      ...attrs,
      key,
      size: body.size,
      etag: body.md5 ? contentEtag(body.md5, attrs.sse) : this.fakeEtag(),
      contentMd5: body.md5?.toString("base64"),
      crc64: body.crc64?.toString(),
      lastModified: this.now(),
      kind: "normal",
      blobId,
    };
    return this.install(bucket, o, guard);
  }

  /**
   * Records the restore of `o` (the current version of its key): the object itself is unchanged
   * (bytes, ETag, dates), only its restore state. A version replaced meanwhile is left alone.
   * @throws ProtocolError `NoSuchBucket`, `NoSuchKey` (the object was deleted or replaced meanwhile)
   */
  async setRestore(bucket: string, o: StoredObject, restore: StoredRestore): Promise<StoredObject> {
    const b = this.bucket(bucket);
    if (b.objects.get(o.key) !== o) throw new ProtocolError("NoSuchKey", "The specified key does not exist.");
    const restored: StoredObject = { ...o, restore };
    b.objects.set(o.key, restored);
    await this.options.meta.saveObject(bucket, restored);
    return restored;
  }

  /** Removes an object (once appends to it under way are done); a missing key is not an error. @throws ProtocolError `NoSuchBucket` */
  deleteObject(bucket: string, key: string): Promise<boolean> {
    return this.appends.whenIdle(bucket, key, () => this.deleteNow(bucket, key));
  }

  private async deleteNow(bucket: string, key: string): Promise<boolean> {
    const b = this.bucket(bucket);
    const o = b.objects.get(key);
    if (o === undefined) return false;
    b.objects.delete(key);
    this.sorted.removed(bucket, key);
    await this.options.meta.removeObject(bucket, key);
    await this.options.blobs.remove(o.blobId);
    return true;
  }

  /**
   * Copies `src` to `dstBucket/dstKey` with `attrs` (the caller resolves the
   * metadata directive). The copy keeps the source's CRC, and its ETag unless
   * the content MD5 is known: then the ETag follows the copy's SSE. `guard` may refuse (see {@link InstallGuard}).
   * @throws ProtocolError `NoSuchBucket`, what `guard` throws
   */
  async copyObject(src: StoredObject, dstBucket: string, dstKey: string, attrs: ObjectAttributes, guard?: InstallGuard): Promise<StoredObject> {
    this.bucket(dstBucket);
    const blobId = newBlobId("o");
    await this.options.blobs.concat(blobId, [{ id: src.blobId, size: src.size }]);
    const kind: ObjectKind = src.kind === "appendable" ? "normal" : src.kind;
    const etag = src.contentMd5 !== undefined ? contentEtag(Buffer.from(src.contentMd5, "base64"), attrs.sse) : src.etag;
    const o: StoredObject = { ...attrs, key: dstKey, size: src.size, etag, contentMd5: src.contentMd5, crc64: src.crc64, lastModified: this.now(), kind, blobId };
    return this.install(dstBucket, o, guard);
  }

  /**
   * Renames an object (once appends to it under way are done), possibly across buckets, without copying bytes.
   * @throws ProtocolError `NoSuchBucket`, `NoSuchKey`
   */
  moveObject(srcBucket: string, srcKey: string, dstBucket: string, dstKey: string): Promise<StoredObject> {
    return this.appends.whenIdle(srcBucket, srcKey, () => this.moveNow(srcBucket, srcKey, dstBucket, dstKey));
  }

  private async moveNow(srcBucket: string, srcKey: string, dstBucket: string, dstKey: string): Promise<StoredObject> {
    const src = this.object(srcBucket, srcKey);
    this.bucket(dstBucket);
    if (srcBucket === dstBucket && srcKey === dstKey) return src;
    const b = this.bucket(srcBucket);
    b.objects.delete(srcKey);
    this.sorted.removed(srcBucket, srcKey);
    await this.options.meta.removeObject(srcBucket, srcKey);
    return this.install(dstBucket, { ...src, key: dstKey, lastModified: this.now() });
  }

  /**
   * Appends `body` at `position`. The first append (position 0, no object)
   * creates an appendable object with `attrs`. Appends to one key run one at a time, each checking
   * its position against the length the previous one left (append-queue.ts): of two at one position
   * exactly one succeeds, and the other is `PositionMismatch`. The object's new size and ETag are
   * installed once its bytes are stored, so a reader never sees a size the bytes do not fill yet;
   * an append whose bytes fail to be stored leaves the object as it was.
   * @throws ProtocolError `NotAppendable`, `PositionMismatch`, `NoSuchBucket`
   */
  async appendObject(bucket: string, key: string, position: number, body: ReceivedBody, attrs: ObjectAttributes): Promise<StoredObject> {
    this.bucket(bucket);
    return this.appends.run(bucket, key, () => this.appendNow(bucket, key, position, body, attrs));
  }

  /** {@link appendObject} in its turn. */
  private async appendNow(bucket: string, key: string, position: number, body: ReceivedBody, attrs: ObjectAttributes): Promise<StoredObject> {
    const b = this.bucket(bucket);
    const old = b.objects.get(key);
    refuseAppend(old, position);
    const chunkEtag = body.md5 ? body.md5.toString("hex") : this.fakeEtag();
    if (old === undefined) {
      const blobId = newBlobId("o");
      await this.options.blobs.put(blobId, body.chunks);
      const o: StoredObject = { ...attrs, key, size: body.size, etag: chunkEtag, crc64: body.crc64?.toString(), lastModified: this.now(), kind: "appendable", blobId };
      // Checked again as it is installed: nothing may have taken the key while the bytes were stored.
      return this.installNow(bucket, o, (existing) => refuseAppend(existing, position));
    }
    const crc = old.crc64 !== undefined && body.crc64 !== undefined ? crc64Combine(BigInt(old.crc64), body.crc64, body.size).toString() : undefined;
    const etag = body.md5 ? createHash("md5").update(old.etag).update(body.md5).digest("hex") : this.fakeEtag();
    // From the object's length: bytes an append that failed part-way left in the blob are cut off.
    await this.options.blobs.append(old.blobId, body.chunks, old.size);
    // Installs, deletes and moves of the key waited for this append; a restore may have recorded its state meanwhile (same bytes).
    const current = b.objects.get(key);
    const base = current !== undefined && current.blobId === old.blobId ? current : old;
    const o: StoredObject = { ...base, size: old.size + body.size, etag, contentMd5: undefined, crc64: crc, lastModified: this.now() };
    b.objects.set(key, o);
    await this.options.meta.saveObject(bucket, o);
    return o;
  }
}

/**
 * Refuses an append at `position` onto `existing` (undefined: no object).
 * @throws ProtocolError `NotAppendable` (a normal object), `PositionMismatch` (`position` is not its length)
 */
function refuseAppend(existing: StoredObject | undefined, position: number): void {
  if (existing !== undefined && existing.kind !== "appendable") {
    throw new ProtocolError("NotAppendable", "The object is not appendable.");
  }
  const length = existing?.size ?? 0;
  if (position !== length) {
    throw new ProtocolError("PositionMismatch", "Position is not equal to file length.", { NextAppendPosition: String(length) });
  }
}
