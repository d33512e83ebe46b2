import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { copiedContentHeaders, objectHeadersOf } from "../http/content-headers.js";
import { OBJECT_HEADERS } from "../object/object-headers.js";
import type { DriverCallOptions, RawObject } from "./storage-driver.js";

/*
 * What an S3-style copy with a metadata directive sends (COS `x-cos-metadata-directive: Replaced`,
 * OSS `x-oss-metadata-directive: REPLACE`), shared by the drivers whose copies replace attributes.
 */

/** A stored metadata value Stowage can sign to send back: printable ASCII (one another client stored as UTF-8 arrives as Latin-1 characters, which the signer would not sign as the service reads them). */
const STORED_VALUE = /^[\t\x20-\x7e]*$/;
/** An HTTP header name (a token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * The attributes a copy sends with a REPLACE metadata directive or with the Initiate of a multipart
 * copy: its content type, user metadata and content headers (Cache-Control, Content-Disposition,
 * Content-Encoding, Expires; Content-Language when they are a source's). The object gets exactly
 * these: the service stores nothing of the source's others.
 */
export interface CopyReplacement {
  contentType?: string;
  metadata?: Record<string, string>;
  /** Content headers by their (lower-case) HTTP names. */
  headers?: Record<string, string>;
  /**
   * True when these are the source's own as its HEAD gave them ({@link sourceAttributes}), not the
   * call's: their metadata is re-sent as it came ({@link storedMetadataHeaders}).
   */
  stored?: boolean;
}

/**
 * The attributes a copy call gives (core passes `contentType`, `metadata` and the object headers
 * only when the call itself gave them: open-time defaults are stripped), or undefined when it gives
 * none (the copy then keeps the source's). `storageClass` is not among them: it never replaces the rest.
 * @throws nothing.
 */
export function callAttributes(options: DriverCallOptions): CopyReplacement | undefined {
  const headers = objectHeadersOf(options);
  const contentType = typeof options.contentType === "string" ? options.contentType : undefined;
  const metadata = options.metadata as Record<string, string> | undefined;
  if (contentType === undefined && metadata === undefined && Object.keys(headers).length === 0) return undefined;
  return { ...(contentType !== undefined ? { contentType } : {}), ...(metadata !== undefined ? { metadata } : {}), headers };
}

/**
 * The attributes of `source` as its HEAD reported them (content type, user metadata, the object
 * headers and Content-Language): what a copy that keeps them sends when it cannot say COPY (a
 * multipart copy's Initiate; a copy onto the object itself, where COS wants REPLACE and OSS takes the
 * request's metadata whatever the directive).
 * @throws nothing.
 */
export function sourceAttributes(source: RawObject): CopyReplacement {
  return {
    ...(source.contentType ? { contentType: source.contentType } : {}),
    ...(source.metadata ? { metadata: source.metadata } : {}),
    headers: copiedContentHeaders(source),
    stored: true,
  };
}

/**
 * The headers of the Initiate of a multipart copy that creates the object with `attributes`: their
 * content headers, and the metadata when it is the source's ({@link storedMetadataHeaders}; the
 * call's goes through the Initiate's own check, see {@link withAttributes}).
 * @throws StorageError `InvalidArgument` (stored metadata no HTTP header can carry: not from a HEAD)
 */
export function initiateHeaders(attributes: CopyReplacement, metaPrefix: string): Record<string, string> {
  return { ...(attributes.headers ?? {}), ...(attributes.stored === true ? storedMetadataHeaders(attributes.metadata, metaPrefix) : {}) };
}

/**
 * `<metaPrefix><name>` headers (`x-cos-meta-`, `x-oss-meta-`) of the source's metadata as its HEAD
 * reported it, unchanged but for the names lower-cased: what a copy that keeps the source's
 * attributes re-sends. Unlike the call's metadata (`metadataToHeaders`: printable ASCII, at most the
 * service's total size), it is not held to the size rule: the service stored it, so it takes it
 * back whatever its size. A value that is not printable
 * ASCII (another client stored UTF-8; it arrives as one Latin-1 character a byte) is refused: the
 * signer signs header values as UTF-8 text, which the service would not match.
 * @throws StorageError `InvalidArgument` (a name no HTTP header can carry, a value that is not printable ASCII)
 */
export function storedMetadataHeaders(metadata: Readonly<Record<string, string>> | undefined, metaPrefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) {
    const name = k.toLowerCase();
    if (!TOKEN.test(name) || !STORED_VALUE.test(v)) {
      throw storageError(
        ErrorCode.InvalidArgument,
        `the source's stored metadata ${JSON.stringify(k)} is not printable ASCII (another client stored it as UTF-8?), and this copy has to send the object's metadata again (in place, or in parts): give \`metadata\` to replace it; nothing was copied`,
      );
    }
    out[`${metaPrefix}${name}`] = v;
  }
  return out;
}

/**
 * `options` for a request that creates the copy (an Initiate) with `attributes` in place of the
 * call's content type, metadata and object headers; the content headers, and metadata that is the
 * source's, are then passed on their own ({@link initiateHeaders}).
 * @throws nothing.
 */
export function withAttributes(options: DriverCallOptions, attributes: CopyReplacement): DriverCallOptions {
  const out: DriverCallOptions = { ...options };
  delete out.contentType;
  delete out.metadata;
  for (const [field] of OBJECT_HEADERS) delete out[field];
  if (attributes.contentType !== undefined) out.contentType = attributes.contentType;
  if (attributes.metadata !== undefined && attributes.stored !== true) out.metadata = attributes.metadata;
  return out;
}

/**
 * True when a copy asked for `given` (or no class) keeps an object of class `current`, `standard`
 * when its HEAD named none (COS `STANDARD`, OSS `Standard`): compared without regard to case.
 * @throws nothing.
 */
export function keepsStorageClass(given: unknown, current: string | undefined, standard: string): boolean {
  return typeof given !== "string" || given.toUpperCase() === (current ?? standard).toUpperCase();
}
