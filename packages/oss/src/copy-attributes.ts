import { copiedContentHeaders, objectHeadersOf, OBJECT_HEADERS, type DriverCallOptions, type RawObject } from "@stowage/core";

/**
 * The attributes a copy sends with `x-oss-metadata-directive: REPLACE` (CopyObject) or with
 * the Initiate of a multipart copy: its content type, user metadata and content headers
 * (Cache-Control, Content-Disposition, Content-Encoding, Expires; Content-Language when they are a
 * source's). The object gets exactly these: OSS stores nothing of the source's others.
 */
export interface CopyReplacement {
  contentType?: string;
  metadata?: Record<string, string>;
  /** Content headers by their (lower-case) HTTP names. */
  headers?: Record<string, string>;
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
 * multipart copy's Initiate; a copy onto the object itself, where OSS takes the request's metadata
 * whatever the directive).
 * @throws nothing.
 */
export function sourceAttributes(source: RawObject): CopyReplacement {
  return {
    ...(source.contentType ? { contentType: source.contentType } : {}),
    ...(source.metadata ? { metadata: source.metadata } : {}),
    headers: copiedContentHeaders(source),
  };
}

/**
 * `options` for a request that creates the copy (an Initiate) with `attributes` in place of the
 * call's content type, metadata and object headers; `contentHeaders` are then passed on their own.
 * @throws nothing.
 */
export function withAttributes(options: DriverCallOptions, attributes: CopyReplacement): DriverCallOptions {
  const out: DriverCallOptions = { ...options };
  delete out.contentType;
  delete out.metadata;
  for (const [field] of OBJECT_HEADERS) delete out[field];
  if (attributes.contentType !== undefined) out.contentType = attributes.contentType;
  if (attributes.metadata !== undefined) out.metadata = attributes.metadata;
  return out;
}

/**
 * True when a copy asked for `given` (or no class) keeps an object of class `current` (Standard
 * when the HEAD named none): compared without regard to case.
 * @throws nothing.
 */
export function keepsStorageClass(given: unknown, current: string | undefined): boolean {
  return typeof given !== "string" || given.toUpperCase() === (current ?? "Standard").toUpperCase();
}
