import type { Part } from "../object/object-info.js";

// The contract of the multipart engine (upload-engine.ts): what it drives, how, and what it reports.

/** The multipart primitives of one object, as the engine drives them. */
export interface MultipartTarget {
  /** The object's key, named in the error when a failed upload could not be aborted. */
  readonly key?: string;
  /** Starts an upload and returns its multipartId. */
  create(): Promise<string>;
  /** Uploads part `index` (0-based); `checks.crc64` is the part's decimal CRC64, `contentMd5` its base64 MD5 when asked for. */
  writePart(multipartId: string, index: number, data: Buffer, checks: { crc64: string; contentMd5?: string }, signal: AbortSignal): Promise<Part>;
  /**
   * Completes the upload from `parts`, sorted and contiguous from 0. Not to be cut short the
   * moment the upload's signal aborts: once sent it may be applied whatever becomes of the
   * request, so the engine waits for its answer (core's write gives it a grace period).
   */
  complete(multipartId: string, parts: Part[]): Promise<{ etag?: string; crc64?: string }>;
  /**
   * Aborts the upload (must succeed when it is already gone). `signal` aborts once the engine
   * stops waiting for it (`UPLOAD_CLEANUP_TIMEOUT_MS` after the engine asked).
   */
  abort(multipartId: string, signal: AbortSignal): Promise<void>;
  /** The parts the service holds (for resume). */
  listParts(multipartId: string): AsyncIterable<Part>;
  /** Deletes the completed object after it failed verification. */
  discard?(): Promise<void>;
}

/** Options of {@link uploadMultipart} (an optional one given as `undefined` counts as not given). */
export interface MultipartUploadOptions {
  /** Bytes per part (the last part may be smaller). */
  partSize: number;
  /** Parts uploaded at once. Memory stays ≤ partSize × (concurrency + readAhead). */
  concurrency: number;
  /**
   * Parts read and hashed beyond `concurrency`, while that many upload (default 0).
   * The part sent next is then usually hashed already. Parts are read in batches
   * of this many (at most 4, from a source fast enough), whose MD5s share the
   * hashing workers' SIMD lanes. See `readAheadFor`.
   */
  readAhead?: number | undefined;
  /** Aborting stops reading, cancels in-flight parts and rejects with `Aborted`. */
  signal?: AbortSignal | undefined;
  /** Cumulative bytes of parts finished (or skipped on resume). */
  onProgress?: ((bytesDone: number) => void) | undefined;
  /** Resume this upload: parts already stored and verified are not sent again. */
  multipartId?: string | undefined;
  /**
   * Called with the new multipartId right after `create` (store it to resume later). No part is
   * sent before it returns, or before the promise it returns resolves (a checkpoint saved to disk).
   * When it throws or its promise rejects, the upload is aborted (its id never reached the caller)
   * and the call fails with its error.
   */
  onCreate?: ((multipartId: string) => unknown) | undefined;
  /**
   * With `multipartId`: the source starts at part `startPart` (default 0). Parts 0..startPart-1 are
   * taken as the service holds them, each whole (`partSize` bytes) with the CRC64 it reports; they
   * are not read or sent again, and their CRC64s go into the object's. Check the result's `crc64`
   * (or give `expectedCrc64`) to know they hold the source's bytes.
   */
  startPart?: number | undefined;
  /** The CRC64 (decimal) the whole object must have: an upload that combines to another is not completed. */
  expectedCrc64?: string | undefined;
  /**
   * Called once the source has been read to its end and every part is stored, just before
   * complete: what it throws fails the upload (which is then aborted unless `keepOnFailure`).
   * For checks over the whole source, such as a caller's MD5 of the body, and for the final
   * progress event. `size` is the upload's size (as the result's).
   */
  beforeComplete?: ((size: number) => void) | undefined;
  /** Compute each part's MD5 and pass it to the target as `contentMd5`. */
  contentMd5?: boolean | undefined;
  /** Check the CRC64s the target returns for parts and the completed object (default true; they are checked only when returned). */
  verifyCrc64?: boolean | undefined;
  /**
   * Leave the upload in place on failure (for callers that resume) instead of aborting it; except
   * when a part was stored with other bytes (twice: such a part is sent once more), which a resume
   * could otherwise complete from.
   */
  keepOnFailure?: boolean | undefined;
  /** Most parts allowed; a longer body fails with `InvalidArgument` (and the upload is aborted). */
  maxParts?: number | undefined;
  /**
   * Copy each part once into a reused shared-memory buffer and hash it (MD5, CRC64)
   * on worker threads, keeping the event loop free (default false: parts are
   * views of the source's chunks, joined when needed, hashed inline). With it,
   * `writePart` must not keep `data` once its promise has resolved: the buffer
   * then carries a later part. A buffer whose `writePart` failed is never reused.
   */
  pooledBuffers?: boolean | undefined;
  /**
   * With `pooledBuffers`: the bytes the source is expected to give, a hint (a file's length from a
   * stat, or the write's `size`). Part buffers are then allocated at most that large (and at least
   * 64 KiB) rather than at `partSize`; a part that outgrows its buffer moves to one twice as large,
   * up to `partSize`, so the parts are cut the same whatever the source really gives.
   */
  bufferSize?: number | undefined;
}

/** What {@link uploadMultipart} did. */
export interface MultipartUploadResult {
  multipartId: string;
  /** Parts passed to complete, in order. */
  parts: Part[];
  /** Bytes in the object. */
  size: number;
  /** Decimal CRC64 of the whole object (part CRCs combined). */
  crc64: string;
  etag?: string;
  /** Parts sent in this call. */
  uploadedParts: number;
  /** Parts found already stored (resume) and verified, not sent again. */
  skippedParts: number;
  /** Bytes in those parts. */
  skippedBytes: number;
  /** Complete answered with the object's CRC64 and it equals `crc64` (checked, with `verifyCrc64`); resumed at `startPart` > 0, only with `expectedCrc64`. */
  crc64Confirmed: boolean;
}
