/**
 * HTTP headers an object is stored with besides its Content-Type: a write may set them (where the
 * storage's feature of the same name is on), and stat, read's `onObject` and list-free lookups
 * report them as the service answers. Services store them as given and send them back on every
 * read (browsers and CDNs act on them); none changes the stored bytes.
 */
export interface ObjectHeaders {
  /** Cache-Control answered with reads, e.g. `public, max-age=86400` (feature `cacheControl`). */
  cacheControl?: string;
  /**
   * Content-Disposition answered with reads, e.g. `attachment; filename="report.pdf"` (feature
   * `contentDisposition`). Printable ASCII: give a non-ASCII name as `filename*=UTF-8''<percent-encoded>` (RFC 6266).
   */
  contentDisposition?: string;
  /**
   * Content-Encoding of the stored bytes, e.g. `gzip` (feature `contentEncoding`). Only a label:
   * Stowage stores and reads the bytes as given, never compressing or decoding them, and its
   * CRC-64 and MD5 checks are over those bytes.
   */
  contentEncoding?: string;
  /** Expires answered with reads: an HTTP date such as `new Date(...).toUTCString()` gives (feature `httpExpires`). */
  httpExpires?: string;
}

/**
 * The {@link ObjectHeaders} as options take them (`write`, `copy`, `createMultipart`,
 * `createAppend`, `presign`): each field also admits an explicit `undefined`, which counts as not
 * given, so a value that may be unknown passes as it is under `exactOptionalPropertyTypes`
 * (`cacheControl: source.cacheControl`).
 */
export type ObjectHeaderOptions = { [K in keyof ObjectHeaders]?: ObjectHeaders[K] | undefined };

/** The {@link ObjectHeaders} fields with their HTTP header names (lower case); each field's feature flag has the field's name. */
export const OBJECT_HEADERS: ReadonlyArray<readonly [keyof ObjectHeaders, string]> = Object.freeze([
  ["cacheControl", "cache-control"],
  ["contentDisposition", "content-disposition"],
  ["contentEncoding", "content-encoding"],
  ["httpExpires", "expires"],
] as const);
