import type { ObjectHeaderOptions, ObjectHeaders } from "./object/object-headers.js";
import type { CallOptions, TransferOptions } from "./options.js";

// Options of the calls that build an object a piece at a time (append, multipart): options.ts has
// those of the single-shot calls, and re-exports these.

/** Options of `createAppend`; the {@link ObjectHeaders} are stored with the object. */
export interface CreateAppendOptions extends CallOptions, ObjectHeaderOptions {
  /** Content-Type stored with the object and answered with its reads (default: `default_content_type`, else the service's). */
  contentType?: string | undefined;
  /** User metadata (keys are lower-cased). */
  metadata?: Record<string, string> | undefined;
  /** Storage class to store the object in (`STANDARD_IA`, ...: the service's names; default: `default_storage_class`, else the service's). */
  storageClass?: string | undefined;
}

/** Options of `writeAppend`. */
export interface WriteAppendOptions extends TransferOptions {
  /** Exact number of bytes to append: a longer body is truncated, a shorter one fails with `InvalidArgument`. */
  size?: number | undefined;
  /** Base64 MD5 of the chunk: one the chunk does not hash to is `IntegrityMismatch`, nothing sent. */
  contentMd5?: string | undefined;
}

/** Options of `commitAppend`. */
export type CommitAppendOptions = CallOptions;

/** Options of `createMultipart`; the {@link ObjectHeaders} are stored with the completed object. */
export interface CreateMultipartOptions extends CallOptions, ObjectHeaderOptions {
  /** Content-Type of the completed object (default: `default_content_type`, else the service's). */
  contentType?: string | undefined;
  /** User metadata of the completed object (keys are lower-cased). */
  metadata?: Record<string, string> | undefined;
  /** Storage class of the completed object (default: `default_storage_class`, else the service's). */
  storageClass?: string | undefined;
}

/** Options of `writeMultipart`. */
export interface WriteMultipartOptions extends TransferOptions {
  /** 0-based part index. */
  index: number;
  /** Exact number of bytes of the part: a longer body is truncated, a shorter one fails with `InvalidArgument`. */
  size?: number | undefined;
  /** Base64 MD5 of the part: one the part does not hash to is `IntegrityMismatch`, nothing sent. */
  contentMd5?: string | undefined;
}

/** Options of `completeMultipart`. */
export interface CompleteMultipartOptions extends CallOptions {
  /** Complete only if no object exists at the upload's path (feature `writeIfNotExists`); else `Conflict`, the upload kept. */
  ifNotExists?: boolean | undefined;
}

/** Options of `listMultipart`. */
export type ListMultipartOptions = CallOptions;
