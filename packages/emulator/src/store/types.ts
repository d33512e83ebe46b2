/** How an object came to be; providers report it as `x-*-object-type`. */
export type ObjectKind = "normal" | "appendable" | "multipart";

/** Server-side encryption as stored: never the customer key itself. */
export interface StoredSse {
  /** `AES256`, `SM4`, `cos/kms`, `KMS`... */
  algorithm: string;
  /** SSE-C: base64 MD5 of the customer key; reads must present a key with this MD5. */
  customerKeyMd5?: string;
  /** SSE-KMS key id, echoed back. */
  kmsKeyId?: string;
  /** OSS SSE-KMS: the algorithm that encrypts the data (`x-oss-server-side-data-encryption`, `SM4`), echoed back. */
  dataEncryption?: string;
  /** The provider's ETag of such an object is not the content MD5 (see `contentEtag`). */
  sealedEtag?: boolean;
}

/**
 * The restore of an archived object (COS POST Object restore, OSS RestoreObject): readable from
 * `readyAt` until `expiresAt` (ms since the epoch); before `readyAt` it is under way.
 */
export interface StoredRestore {
  /** When the restore was asked for. */
  requestedAt: number;
  /** When the restored copy becomes readable. */
  readyAt: number;
  /** When the restored copy expires (the object is archived again). */
  expiresAt: number;
  /** The tier asked for (`Expedited`, `Standard`, `Bulk`). */
  tier: string;
}

/** Attributes set at creation and echoed on GET/HEAD. */
export interface ObjectAttributes {
  contentType: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  expires?: string;
  /** User metadata, names lowercased without the provider prefix. */
  metadata: Record<string, string>;
  storageClass: string;
  sse?: StoredSse;
}

/** One stored object (metadata; the bytes live in the blob store under `blobId`). */
export interface StoredObject extends ObjectAttributes {
  key: string;
  size: number;
  /**
   * Unquoted ETag (lowercase hex MD5 for simple uploads); `""` when the object has none (a QingStor
   * multipart object completed without an `ETag` header).
   */
  etag: string;
  /** Base64 MD5 of the content, when known (simple uploads). */
  contentMd5?: string;
  /** CRC-64/ECMA-182 of the whole object as a decimal string, when known. */
  crc64?: string;
  /** Milliseconds since the epoch. */
  lastModified: number;
  kind: ObjectKind;
  blobId: string;
  /** OSS symlinks only: the key this object links to (its own bytes are empty; reads follow it). */
  symlinkTarget?: string;
  /** An archived object's restore, once one was asked for (see `common/restore-state.ts`). */
  restore?: StoredRestore;
}

/** One uploaded part of a multipart upload. */
export interface StoredPart {
  partNumber: number;
  size: number;
  /** Unquoted lowercase hex MD5 of the part. */
  etag: string;
  crc64?: string;
  lastModified: number;
  blobId: string;
}

/** A multipart upload in progress. */
export interface StoredUpload {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  attrs: ObjectAttributes;
  parts: Map<number, StoredPart>;
}

/** A bucket and what it holds. */
export interface StoredBucket {
  name: string;
  region: string;
  created: number;
  /** The access key that created it over the API (absent for buckets configured at start). */
  owner?: string;
  objects: Map<string, StoredObject>;
  uploads: Map<string, StoredUpload>;
}

/** A request body as received: its bytes (unless discarded) and digests (unless skipped). */
export interface ReceivedBody {
  /** The bytes; empty in discard mode. */
  chunks: Buffer[];
  size: number;
  /** Raw MD5 digest; absent in discard mode, but on QingStor (its ETags are MD5s its clients check). */
  md5?: Buffer;
  /** CRC-64 of the bytes; absent in discard mode. */
  crc64?: bigint;
}
