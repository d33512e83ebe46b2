import type { Readable } from "node:stream";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/** One query parameter; a `undefined` value is a valueless flag (`?uploads`). */
export type QueryParam = readonly [name: string, value: string | undefined];

/**
 * What a request carries:
 * - a Buffer (replayable: retried freely);
 * - a Readable of exactly `content-length` bytes (one-shot: retried only when
 *   the failure happened before a single byte of it was read).
 */
export type HttpBody = Buffer | Readable;

/**
 * A plain HTTP request, as builders produce it and signers read it. Nothing in
 * it is sent implicitly: the client adds `host` and `content-length` (from a
 * Buffer body) only when they are missing.
 */
export interface HttpRequest {
  method: string;
  protocol: "http" | "https";
  /** Host name or IPv4 address; IPv6 in brackets (`[::1]`). */
  host: string;
  /** Explicit port; absent means the protocol's default. */
  port?: number;
  /** Path as sent: percent-encoded, starting with `/`. */
  path: string;
  /** Query parameters in the order they are sent (values are encoded by the client). */
  query?: readonly QueryParam[];
  /** Header names in lower case. */
  headers: Record<string, string>;
  body?: HttpBody;
  /**
   * Provider-specific resource a signer needs (e.g. the decoded object path
   * COS signs, without a path-style bucket segment). Never sent.
   */
  resource?: string;
  /** Operation name for logs and error context (`put_object`). Never sent. */
  operation?: string;
}

/** Text that needs no encoding at all (RFC 3986 unreserved characters only). */
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
/** A key path that needs no encoding (unreserved characters and `/` only). */
const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;
/** What `encodeURIComponent` leaves alone but RFC 3986 encodes. */
const SUB_DELIMS = /[!'()*]/;
const SUB_DELIMS_ALL = /[!'()*]/g;

/**
 * Encodes like `encodeURIComponent` and also escapes `! ' ( ) *`, as RFC 3986 (and COS, OSS, QingStor) want.
 * @throws StorageError `InvalidArgument` for text with a lone surrogate (no UTF-8, so no URL, can carry it;
 *   the message does not show the text).
 */
export function encodeRfc3986(text: string): string {
  if (UNRESERVED.test(text)) return text;
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    // URIError: a lone surrogate. The text may be a header value or a query value: not shown.
    throw storageError(ErrorCode.InvalidArgument, "text with a lone surrogate (not well-formed Unicode) cannot go in a URL");
  }
  return SUB_DELIMS.test(encoded) ? encoded.replace(SUB_DELIMS_ALL, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase()) : encoded;
}

/**
 * Encodes an object key for a URL path: every byte but unreserved ones and `/` is percent-encoded.
 * @throws StorageError `InvalidArgument` for a key with a lone surrogate (as {@link encodeRfc3986}).
 */
export function encodeKeyPath(key: string): string {
  if (UNRESERVED_PATH.test(key)) return key;
  return key.split("/").map(encodeRfc3986).join("/");
}

/**
 * The `?a=b&c` part (with the `?`, or `""` when there is no parameter).
 * @throws StorageError `InvalidArgument` for a name or value with a lone surrogate (as {@link encodeRfc3986}).
 */
export function queryString(query: readonly QueryParam[] | undefined): string {
  if (query === undefined || query.length === 0) return "";
  return "?" + query.map(([k, v]) => (v === undefined ? encodeRfc3986(k) : `${encodeRfc3986(k)}=${encodeRfc3986(v)}`)).join("&");
}

/** `host[:port]` as the `Host` header carries it (the port only when not the protocol's default). @throws nothing */
export function hostHeader(request: Pick<HttpRequest, "protocol" | "host" | "port">): string {
  const fallback = request.protocol === "https" ? 443 : 80;
  return request.port === undefined || request.port === fallback ? request.host : `${request.host}:${request.port}`;
}

/**
 * The full URL of `request` (path and query as sent).
 * @throws StorageError `InvalidArgument` for a query name or value with a lone surrogate (as {@link queryString}).
 */
export function requestUrl(request: Pick<HttpRequest, "protocol" | "host" | "port" | "path" | "query">): string {
  return `${request.protocol}://${hostHeader(request)}${request.path}${queryString(request.query)}`;
}

/** The value of header `name` (any case) in a lower-cased header record. @throws nothing */
export function headerValue(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(", ") : v;
}
