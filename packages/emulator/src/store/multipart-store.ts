import { createHash, randomBytes } from "node:crypto";
import { crc64, crc64Combine, type SortedList } from "@stowage/core";
import { ProtocolError } from "../common/protocol-error.js";
import { newBlobId } from "./blob-id.js";
import { contentEtag } from "./content-etag.js";
import type { InstallGuard, ObjectStore } from "./object-store.js";
import type { ObjectAttributes, ReceivedBody, StoredObject, StoredPart, StoredUpload } from "./types.js";
import { listUploadsPage, SortedUploads, type ListUploadsInput, type ListUploadsPage } from "./upload-listing.js";
import { UploadOrder } from "./upload-order.js";

/** One part named in a Complete request. */
export interface CompletePart {
  partNumber: number;
  /** Unquoted ETag the client claims; checked when given. */
  etag?: string;
}

/** Provider rules applied on Complete. */
export interface CompleteRules {
  /** Minimum size of every part but the last. */
  minPartSize: number;
  /** Part numbers must be strictly ascending. */
  requireAscending: boolean;
  /** Every listed part must carry its ETag (COS, OSS); QingStor's are optional. */
  requireEtag: boolean;
  /** Checked as the object is installed (a forbid-overwrite header): a refusal keeps the upload. */
  installGuard?: InstallGuard;
}

/** Uploads started in this process in the current millisecond (orders ids started within one). */
let sameMs = { at: 0, count: 0 };

/**
 * A new upload id (32 upper-case hex digits) that sorts after every id started before it: the
 * initiation time (ms) and a counter, then random bytes. Listings sort a key's uploads by
 * initiation and page on `upload-id-marker` compared as text; with ids in initiation order the two
 * agree (with random ids, pages skipped or repeated uploads of a key that has several).
 */
function newUploadId(now: number): string {
  sameMs = sameMs.at === now ? { at: now, count: sameMs.count + 1 } : { at: now, count: 0 };
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, "0").slice(-12);
  const count = (sameMs.count & 0xffff).toString(16).padStart(4, "0");
  return `${time}${count}${randomBytes(8).toString("hex")}`.toUpperCase();
}

function noSuchUpload(): ProtocolError {
  return new ProtocolError("NoSuchUpload", "The specified multipart upload does not exist.");
}

/**
 * Multipart uploads on top of an {@link ObjectStore}. A request looks its upload up ({@link upload})
 * before its body arrives; the methods that take that upload check again that it is still there
 * when they act (`NoSuchUpload` once it was aborted or completed meanwhile), and each change holds
 * the upload until it ends (see {@link UploadOrder}). As in the object store, a change saves the
 * upload's record before memory shows it: one whose save fails (a full disk under `dataDir`)
 * changes nothing, and a failed Initiate leaves no upload.
 */
export class MultipartStore {
  private readonly order: UploadOrder;
  private readonly sorted = new SortedUploads();

  constructor(private readonly store: ObjectStore) {
    this.order = new UploadOrder();
  }

  /** True while `u` is the upload listed under its id (not aborted or completed). */
  private listed(u: StoredUpload): boolean {
    return this.store.buckets.get(u.bucket)?.uploads.get(u.uploadId) === u;
  }

  /** @throws ProtocolError `NoSuchUpload` once `u` was aborted or completed */
  private mustBeListed(u: StoredUpload): void {
    if (!this.listed(u)) throw noSuchUpload();
  }

  /** Removes blob `id`, of no part any more; a file that cannot be removed is left (the change is made). */
  private async dropBlob(id: string): Promise<void> {
    await this.store.options.blobs.remove(id).catch(() => undefined);
  }

  /**
   * Starts an upload: its record is saved, then it is listed (a save that fails leaves no upload).
   * @throws ProtocolError `NoSuchBucket`; what the metadata sink throws
   */
  async initiate(bucket: string, key: string, attrs: ObjectAttributes): Promise<StoredUpload> {
    const b = this.store.bucket(bucket);
    const initiated = this.store.now();
    const uploadId = newUploadId(initiated);
    const u: StoredUpload = { uploadId, bucket, key, initiated, attrs, parts: new Map() };
    const meta = this.store.options.meta;
    await meta.saveUpload(u);
    if (this.store.buckets.get(bucket) !== b) {
      // The bucket was deleted meanwhile (it held no listed upload): the record goes too.
      await meta.removeUpload(u).catch(() => undefined);
      throw new ProtocolError("NoSuchBucket", "The specified bucket does not exist.");
    }
    b.uploads.set(uploadId, u);
    this.sorted.added(b, u);
    return u;
  }

  /** @throws ProtocolError `NoSuchBucket`, `NoSuchUpload` */
  upload(bucket: string, key: string, uploadId: string): StoredUpload {
    const u = this.store.bucket(bucket).uploads.get(uploadId);
    if (u === undefined || u.key !== key) throw noSuchUpload();
    return u;
  }

  /**
   * Stores (or replaces) one part; waits for a change of `u` under way (a Complete, another part's
   * save) to end. The upload's record is saved with the part before the part is listed: when its
   * bytes or the record fail to be stored, the upload keeps the parts it had.
   * @throws ProtocolError `NoSuchUpload` (`u` was aborted or completed, before or while the part was stored: the part is dropped); what the blob store or the metadata sink throws
   */
  async uploadPart(u: StoredUpload, partNumber: number, body: ReceivedBody): Promise<StoredPart> {
    this.mustBeListed(u);
    const blobId = newBlobId("p");
    await this.store.options.blobs.put(blobId, body.chunks);
    const part: StoredPart = {
      partNumber,
      size: body.size,
      etag: body.md5 ? contentEtag(body.md5, u.attrs.sse) : this.store.fakeEtag(),
      crc64: body.crc64?.toString(),
      lastModified: this.store.now(),
      blobId,
    };
    return this.installPart(u, part);
  }

  /**
   * Stores bytes `[start, end)` of `src` as one part (Upload Part Copy).
   * @throws ProtocolError `NoSuchUpload` (as {@link uploadPart})
   */
  async uploadPartCopy(u: StoredUpload, partNumber: number, src: StoredObject, start: number, end: number): Promise<StoredPart> {
    const chunks: Buffer[] = [];
    for await (const c of this.store.read(src, start, end)) chunks.push(c as Buffer);
    const data = Buffer.concat(chunks);
    const body: ReceivedBody = this.store.discard
      ? { chunks: [], size: end - start }
      : { chunks: [data], size: data.length, md5: createHash("md5").update(data).digest(), crc64: crc64(data) };
    return this.uploadPart(u, partNumber, body);
  }

  private async installPart(u: StoredUpload, part: StoredPart): Promise<StoredPart> {
    let old: StoredPart | undefined;
    try {
      old = await this.order.exclusive(
        u,
        () => this.mustBeListed(u),
        async () => {
          await this.store.options.meta.saveUpload({ ...u, parts: new Map(u.parts).set(part.partNumber, part) });
          const replaced = u.parts.get(part.partNumber);
          u.parts.set(part.partNumber, part);
          return replaced;
        },
      );
    } catch (e) {
      await this.dropBlob(part.blobId);
      throw e;
    }
    if (old !== undefined) await this.dropBlob(old.blobId);
    return part;
  }

  /**
   * Assembles the listed parts into the object and ends the upload. The
   * object's CRC is the combination of the parts' CRCs, in order. Its ETag is
   * `etagOverride` when given (`""`: the object has none), else the S3-style
   * `<md5 of the parts' MD5s>-<parts>`. The object is installed before the upload ends: a refusal
   * (`rules.installGuard`, checked as the object is installed) or a failure to store the object
   * keeps the upload as it was.
   * The Complete claims `u` first (after a change under way ended): another Complete, an UploadPart
   * or an Abort of `u` waits until this one ends, then finds `u` gone (or kept, when this one failed).
   * @throws ProtocolError `NoSuchUpload` (`u` was aborted or completed), `InvalidPart`, `InvalidPartOrder`,
   *   `EntityTooSmall`, `MalformedBody`, what the guard throws; what the blob store or the metadata sink throws
   */
  complete(u: StoredUpload, selected: readonly CompletePart[], rules: CompleteRules, etagOverride?: string): Promise<StoredObject> {
    return this.order.exclusive(
      u,
      () => this.mustBeListed(u),
      () => this.completeClaimed(u, selected, rules, etagOverride),
    );
  }

  private async completeClaimed(u: StoredUpload, selected: readonly CompletePart[], rules: CompleteRules, etagOverride?: string): Promise<StoredObject> {
    if (selected.length === 0) throw new ProtocolError("MalformedBody", "You must specify at least one part.");
    const parts: StoredPart[] = [];
    let prev = -Infinity;
    for (const s of selected) {
      if (rules.requireAscending && s.partNumber <= prev) {
        throw new ProtocolError("InvalidPartOrder", "The list of parts was not in ascending order.");
      }
      prev = s.partNumber;
      if (rules.requireEtag && s.etag === undefined) throw new ProtocolError("MalformedBody", `Part ${s.partNumber} has no ETag.`);
      const p = u.parts.get(s.partNumber);
      const unchecked = !rules.requireEtag && (s.etag === undefined || s.etag === "");
      if (p === undefined || (!unchecked && s.etag!.toLowerCase() !== p.etag.toLowerCase())) {
        throw new ProtocolError("InvalidPart", "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.", { PartNumber: String(s.partNumber) });
      }
      parts.push(p);
    }
    for (let i = 0; i < parts.length - 1; i++) {
      if (parts[i]!.size < rules.minPartSize) {
        throw new ProtocolError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.", { PartNumber: String(parts[i]!.partNumber), MinSizeAllowed: String(rules.minPartSize) });
      }
    }
    const blobId = newBlobId("o");
    try {
      await this.store.options.blobs.concat(blobId, parts.map((p) => ({ id: p.blobId, size: p.size })));
    } catch (e) {
      await this.store.options.blobs.remove(blobId);
      throw e;
    }
    const allCrc = parts.every((p) => p.crc64 !== undefined);
    const crc = allCrc ? parts.reduce((acc, p) => crc64Combine(acc, BigInt(p.crc64!), p.size), 0n).toString() : undefined;
    const md5s = createHash("md5");
    for (const p of parts) md5s.update(Buffer.from(p.etag, "hex"));
    const o: StoredObject = {
      ...u.attrs,
      key: u.key,
      size: parts.reduce((n, p) => n + p.size, 0),
      etag: etagOverride ?? `${md5s.digest("hex")}-${parts.length}`,
      crc64: crc,
      lastModified: this.store.now(),
      kind: "multipart",
      blobId,
    };
    const installed = await this.store.install(u.bucket, o, rules.installGuard);
    await this.forget(u);
    return installed;
  }

  /**
   * Ends an upload and frees its parts; waits for a change of `u` under way to end. Its record is
   * removed first: when that fails, the upload stays.
   * @throws ProtocolError `NoSuchUpload` (`u` was aborted or completed meanwhile); what the metadata sink throws
   */
  abort(u: StoredUpload): Promise<void> {
    return this.order.exclusive(
      u,
      () => this.mustBeListed(u),
      () => this.forget(u),
    );
  }

  private unlist(u: StoredUpload): void {
    const b = this.store.buckets.get(u.bucket);
    if (b?.uploads.get(u.uploadId) !== u) return;
    b.uploads.delete(u.uploadId);
    this.sorted.removed(b, u);
  }

  /** Removes the record of `u`, then unlists it and removes its parts' bytes (call it holding `u`). */
  private async forget(u: StoredUpload): Promise<void> {
    await this.store.options.meta.removeUpload(u);
    this.unlist(u);
    for (const p of u.parts.values()) await this.dropBlob(p.blobId);
  }

  /** Parts after `marker`, ascending, at most `max`. */
  listParts(u: StoredUpload, marker: number, max: number): { parts: StoredPart[]; isTruncated: boolean; nextMarker?: number } {
    const all = [...u.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
    const parts = all.slice(0, max);
    const isTruncated = all.length > parts.length;
    return { parts, isTruncated, nextMarker: isTruncated ? parts[parts.length - 1]?.partNumber : undefined };
  }

  /**
   * One page of the bucket's uploads, sorted by key, then initiation (see {@link listUploadsPage}).
   * @throws ProtocolError `NoSuchBucket`
   */
  listUploads(bucket: string, input: ListUploadsInput): ListUploadsPage {
    return listUploadsPage(this.sorted.get(this.store.bucket(bucket)), input);
  }

  /**
   * The bucket's uploads in listing order, as kept between listings (for tests: the same list
   * before and after an upload starts or ends).
   * @throws ProtocolError `NoSuchBucket`
   */
  sortedUploads(bucket: string): SortedList<StoredUpload> {
    return this.sorted.get(this.store.bucket(bucket));
  }
}
