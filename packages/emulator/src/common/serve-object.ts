import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { ObjectStore } from "../store/object-store.js";
import type { StoredObject } from "../store/types.js";
import { checkConditions } from "./conditions.js";
import { applyResponseOverrides } from "./object-attributes.js";
import { contentRange, parseRange } from "./range.js";

/** How {@link serveObject} answers. */
export interface ServeOptions {
  /** Headers describing the object (ETag, type, metadata, CRC...). */
  headers: Record<string, string>;
  /** Unsatisfiable ranges fail with 416 (else the whole object is served). */
  strictRange: boolean;
}

/** The headers a 200 would carry that a 304 must carry too (RFC 7232 §4.1), and Last-Modified. */
const NOT_MODIFIED_HEADERS = ["etag", "last-modified", "cache-control", "expires"];

function notModifiedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of NOT_MODIFIED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Answers GET or HEAD for an object: conditional headers, compared with the ETag of `opts.headers`
 * (none: only `*` matches), exactly as the services compare the strings (a 304 carries the object's ETag and
 * Last-Modified), `Range` (206 with `Content-Range`), `response-*` overrides on GET; the body streams
 * from the store.
 * @throws ProtocolError `PreconditionFailed`, `NotModified`, `InvalidRange`
 */
export function serveObject(ex: Exchange, store: ObjectStore, o: StoredObject, opts: ServeOptions): EmulatorResponse {
  checkConditions(
    {
      ifMatch: header(ex, "if-match"),
      ifNoneMatch: header(ex, "if-none-match"),
      ifModifiedSince: header(ex, "if-modified-since"),
      ifUnmodifiedSince: header(ex, "if-unmodified-since"),
    },
    // The ETag the answer prints (OSS: upper-case), which the conditions are compared with exactly.
    opts.headers["etag"] ?? "",
    o.lastModified,
    true,
    notModifiedHeaders(opts.headers),
  );
  const headers = { ...opts.headers };
  if (ex.method === "HEAD") return { status: 200, headers, length: o.size, headOnly: true };
  applyResponseOverrides(ex, headers);
  const range = parseRange(header(ex, "range"), o.size, opts.strictRange);
  if (range === undefined) return { status: 200, headers, length: o.size, body: store.read(o) };
  headers["content-range"] = contentRange(range, o.size);
  return { status: 206, headers, length: range.end - range.start, body: store.read(o, range.start, range.end) };
}
