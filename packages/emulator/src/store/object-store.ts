import { ProtocolError } from "../common/protocol-error.js";
import { appendedObject, refuseAppend } from "./append-rules.js";
import { newBlobId } from "./blob-id.js";
import { BucketStore, noSuchBucket } from "./bucket-store.js";
import { contentEtag } from "./content-etag.js";
import { KeyQueue } from "./key-queue.js";
import type { ObjectAttributes, ObjectKind, ReceivedBody, StoredBucket, StoredObject, StoredRestore } from "./types.js";

export { newBlobId } from "./blob-id.js";
export type { ObjectStoreOptions } from "./bucket-store.js";

/**
 * A check made as an object is installed, in the key's turn (see {@link KeyQueue}: no other change
 * of the key comes between it and the install, so two requests cannot both pass it): it throws (a
 * ProtocolError) to refuse, e.g. a write with a forbid-overwrite header over `existing`. A refused
 * object's new bytes are removed.
 */
export type InstallGuard = (existing: StoredObject | undefined) => void;

/**
 * The provider-neutral store behind all three front-ends: buckets and what reads see of them
 * ({@link BucketStore}), and here the changes of objects: writes, copies, appends, restores,
 * deletes and moves. Multipart lives in `MultipartStore` on top of it.
 *
 * The changes of a key run one at a time ({@link KeyQueue}). Each saves its record through the
 * metadata sink before memory shows it, so a change that fails (a full disk under `dataDir`)
 * changes nothing: not what reads see now, and not what a restart loads.
 */
export class ObjectStore extends BucketStore {
  // The changes to a key run one at a time (key-queue.ts).
  private readonly keys = new KeyQueue();

  /**
   * Saves the record of `o` (an object of bucket `b`, named `bucket`), then checks that `b` is still
   * listed: a bucket deleted meanwhile gets no object (its record is taken back).
   * @throws ProtocolError `NoSuchBucket`; what the metadata sink throws (the record is then as it was)
   */
  private async save(bucket: string, b: StoredBucket, o: StoredObject): Promise<void> {
    await this.options.meta.saveObject(bucket, o);
    if (this.buckets.get(bucket) === b) return;
    await this.options.meta.removeObject(bucket, o.key).catch(() => undefined);
    throw noSuchBucket();
  }

  /**
   * Removes blob `id`, of no object any more. A file that cannot be removed is left where it is: the
   * change that dropped the blob is made already, and must not be reported as failed.
   */
  private async dropBlob(id: string): Promise<void> {
    await this.options.blobs.remove(id).catch(() => undefined);
  }

  /** Shows `o`, saved, as the current version of its key in `b`, and drops the bytes of the one it replaces. */
  private async show(bucket: string, b: StoredBucket, o: StoredObject): Promise<StoredObject> {
    const old = b.objects.get(o.key);
    b.objects.set(o.key, o);
    if (old === undefined) this.sorted.added(bucket, o.key);
    if (old !== undefined && old.blobId !== o.blobId) await this.dropBlob(old.blobId);
    return o;
  }

  /**
   * Installs `o` (with bytes of its own, stored under `o.blobId`) as the current version of its key,
   * dropping the previous bytes; `guard` may refuse (see {@link InstallGuard}). The record is saved
   * before the object is shown; when the guard refuses or the save fails, `o`'s bytes are removed,
   * the error is thrown, and the key keeps what it had. Changes of the key queued before (appends,
   * other installs) finish first: what `o` replaces is the object they left.
   * @throws ProtocolError `NoSuchBucket`, what `guard` throws; what the metadata sink throws
   */
  install(bucket: string, o: StoredObject, guard?: InstallGuard): Promise<StoredObject> {
    return this.keys.run([{ bucket, key: o.key }], () => this.installNow(bucket, o, guard));
  }

  /** {@link install} in the key's turn (an append's own install, within its turn). */
  private async installNow(bucket: string, o: StoredObject, guard?: InstallGuard): Promise<StoredObject> {
    let b: StoredBucket;
    try {
      b = this.bucket(bucket);
      guard?.(b.objects.get(o.key));
      await this.save(bucket, b, o);
    } catch (e) {
      await this.dropBlob(o.blobId);
      throw e;
    }
    return this.show(bucket, b, o);
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
   * Saved, then shown (in the key's turn).
   * @throws ProtocolError `NoSuchBucket`, `NoSuchKey` (the object was deleted or replaced meanwhile); what the metadata sink throws
   */
  setRestore(bucket: string, o: StoredObject, restore: StoredRestore): Promise<StoredObject> {
    return this.keys.run([{ bucket, key: o.key }], async () => {
      const b = this.bucket(bucket);
      if (b.objects.get(o.key) !== o) throw new ProtocolError("NoSuchKey", "The specified key does not exist.");
      const restored: StoredObject = { ...o, restore };
      await this.save(bucket, b, restored);
      b.objects.set(o.key, restored);
      return restored;
    });
  }

  /**
   * Removes an object (once the changes of its key queued before are done): its record first, then
   * from memory; a missing key is not an error.
   * @throws ProtocolError `NoSuchBucket`; what the metadata sink throws (the object then stays)
   */
  deleteObject(bucket: string, key: string): Promise<boolean> {
    return this.keys.run([{ bucket, key }], () => this.deleteNow(bucket, key));
  }

  private async deleteNow(bucket: string, key: string): Promise<boolean> {
    const b = this.bucket(bucket);
    const o = b.objects.get(key);
    if (o === undefined) return false;
    await this.options.meta.removeObject(bucket, key);
    // `b` is still listed: a bucket holding an object is never deleted.
    b.objects.delete(key);
    this.sorted.removed(bucket, key);
    await this.dropBlob(o.blobId);
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
   * Renames an object (once the changes of both keys queued before are done), possibly across
   * buckets, without copying bytes. The destination's record is saved, then the source's removed,
   * then both are shown; when either fails, both keys keep what they had.
   * @throws ProtocolError `NoSuchBucket`, `NoSuchKey`; what the metadata sink throws
   */
  moveObject(srcBucket: string, srcKey: string, dstBucket: string, dstKey: string): Promise<StoredObject> {
    const keys = [
      { bucket: srcBucket, key: srcKey },
      { bucket: dstBucket, key: dstKey },
    ];
    return this.keys.run(keys, () => this.moveNow(srcBucket, srcKey, dstBucket, dstKey));
  }

  private async moveNow(srcBucket: string, srcKey: string, dstBucket: string, dstKey: string): Promise<StoredObject> {
    const src = this.object(srcBucket, srcKey);
    const dst = this.bucket(dstBucket);
    if (srcBucket === dstBucket && srcKey === dstKey) return src;
    const moved: StoredObject = { ...src, key: dstKey, lastModified: this.now() };
    await this.save(dstBucket, dst, moved);
    try {
      await this.options.meta.removeObject(srcBucket, srcKey);
    } catch (e) {
      // The move is not made: the destination's record goes back to what it was.
      const before = dst.objects.get(dstKey);
      await (before === undefined ? this.options.meta.removeObject(dstBucket, dstKey) : this.options.meta.saveObject(dstBucket, before)).catch(() => undefined);
      throw e;
    }
    this.bucket(srcBucket).objects.delete(srcKey);
    this.sorted.removed(srcBucket, srcKey);
    return this.show(dstBucket, dst, moved);
  }

  /**
   * Appends `body` at `position`. The first append (position 0, no object)
   * creates an appendable object with `attrs`. Appends to one key run one at a time, each checking
   * its position against the length the previous one left (key-queue.ts): of two at one position
   * exactly one succeeds, and the other is `PositionMismatch`. The object's new size and ETag are
   * installed once its bytes are stored and its record saved, so a reader never sees a size the
   * bytes do not fill yet; an append whose bytes or record fail to be stored leaves the object as it
   * was (bytes it left past the object's length are cut off by the next append).
   * @throws ProtocolError `NotAppendable`, `PositionMismatch`, `NoSuchBucket`; what the metadata sink throws
   */
  async appendObject(bucket: string, key: string, position: number, body: ReceivedBody, attrs: ObjectAttributes): Promise<StoredObject> {
    this.bucket(bucket);
    return this.keys.run([{ bucket, key }], () => this.appendNow(bucket, key, position, body, attrs));
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
    const grown = appendedObject(old, body, () => this.fakeEtag());
    // From the object's length: bytes an append that failed part-way left in the blob are cut off.
    await this.options.blobs.append(old.blobId, body.chunks, old.size);
    // In the key's turn: `old` is still the key's object (a bucket holding it is never deleted).
    const o: StoredObject = { ...grown, lastModified: this.now() };
    await this.save(bucket, b, o);
    b.objects.set(key, o);
    return o;
  }
}
