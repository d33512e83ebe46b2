import { checkCopySourceConditions } from "../common/conditions.js";
import { safeDecode } from "../common/encoding.js";
import { attributesOf, readAttributes } from "../common/object-attributes.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { emptyResponse, parseNonNegativeInt, quoteEtag } from "../common/responses.js";
import { serveObject } from "../common/serve-object.js";
import { checkSseCRead, readSseC } from "../common/sse-c.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { requireContentLength } from "./errors.js";
import { fetchSource } from "./fetch-source.js";
import {
  QS_ATTRIBUTES,
  QS_COPY_SSEC,
  QS_SSEC,
  qsObjectHeaders,
  qsSseHeaders,
  qsStorageClass,
  readQsSse,
  validateQsKey,
  withoutContentHeaders,
  withoutContentLanguage,
} from "./object-headers.js";

const MAX_SIMPLE_PUT = 5 * 1024 ** 3;

/**
 * Parses `/<bucket>/<key>` from x-qs-copy-source / x-qs-move-source (the key
 * URL-encoded once).
 * @throws ProtocolError `InvalidCopySource`
 */
export function parseQsSource(value: string): { bucket: string; key: string } {
  const v = value.trim().replace(/^\//, "");
  const slash = v.indexOf("/");
  const key = slash > 0 ? safeDecode(v.slice(slash + 1)) : undefined;
  if (key === undefined || key === "") throw new ProtocolError("InvalidCopySource", "The source must be /<bucket>/<object>.");
  return { bucket: safeDecode(v.slice(0, slash)) ?? v.slice(0, slash), key };
}

/** PutObject (201; Content-Length required, see `requireContentLength`). */
export async function qsPutObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateQsKey(route.key!);
  requireContentLength(ex);
  const attrs = readAttributes(ex, QS_ATTRIBUTES, readQsSse(ex));
  ctx.store.bucket(route.bucket!);
  const body = await ctx.readBody(ex, { maxBytes: MAX_SIMPLE_PUT });
  const o = await ctx.store.putObject(route.bucket!, route.key!, body, attrs);
  return emptyResponse(201, { etag: quoteEtag(o.etag), ...qsSseHeaders(o.sse) });
}

/** GetObject and HeadObject (SSE-C key required for encrypted objects). */
export function qsGetObject(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const o = ctx.store.object(route.bucket!, route.key!);
  checkSseCRead(o.sse, readSseC(ex, QS_SSEC));
  return serveObject(ex, ctx.store, o, { headers: qsObjectHeaders(o), strictRange: true });
}

/** DeleteObject (204, idempotent). */
export async function qsDeleteObject(_ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  await ctx.store.deleteObject(route.bucket!, route.key!);
  return emptyResponse(204);
}

/**
 * PutObject with x-qs-copy-source (201, no ETag: QingStor documents none in its copy answer, `protocols.md` §3.3).
 * `x-qs-metadata-directive` COPY (the default) copies the source's content type, metadata and
 * content headers; REPLACE stores those the request sends instead (Content-Type, Cache-Control,
 * Content-Disposition, Content-Encoding, Expires and `x-qs-meta-*`: QingStor's modifiable metadata),
 * none of the source's. Under either directive the copy's storage class is `x-qs-storage-class`,
 * STANDARD without it (onto the source's own key, that changes the object's class in place).
 * A copy onto its source keeps the bytes and ETag.
 */
export async function qsCopyObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateQsKey(route.key!);
  const ref = parseQsSource(header(ex, "x-qs-copy-source")!);
  const src = ctx.store.object(ref.bucket, ref.key);
  checkSseCRead(src.sse, readSseC(ex, QS_COPY_SSEC));
  checkCopySourceConditions(ex, "x-qs", src);
  const directive = (header(ex, "x-qs-metadata-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") throw new ProtocolError("InvalidArgument", "x-qs-metadata-directive must be COPY or REPLACE.");
  const storageClass = qsStorageClass(ex);
  const sse = readQsSse(ex);
  const attrs = directive === "COPY" ? { ...attributesOf(src), sse, storageClass } : withoutContentLanguage(readAttributes(ex, QS_ATTRIBUTES, sse));
  const o = await ctx.store.copyObject(src, route.bucket!, route.key!, attrs);
  return emptyResponse(201, qsSseHeaders(o.sse));
}

/** PutObject with x-qs-move-source (201). */
export async function qsMoveObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateQsKey(route.key!);
  const ref = parseQsSource(header(ex, "x-qs-move-source")!);
  await ctx.store.moveObject(ref.bucket, ref.key, route.bucket!, route.key!);
  return emptyResponse(201);
}

/**
 * The URL an `x-qs-fetch-source` value names: the value URL-decoded once, in full. Both vendor SDKs
 * send values that only a server decoding once understands: the JS SDK `encodeURI`s every header
 * value (protocols.md §3.2), and the Go SDK query-escapes a value holding non-ASCII
 * (`http%3A//h/%E4%B8%AD.txt`), which `decodeURI` would not undo. `+` is kept (a `+` in a URL is
 * no space; Go's escaping sends a space as `%20`). The Stowage driver sends `encodeURI(href)`.
 * @throws ProtocolError `InvalidArgument` (a value that does not decode; whether the result is an
 *   http(s) URL is checked by `fetchSource`)
 */
export function fetchSourceUrl(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ProtocolError("InvalidArgument", "x-qs-fetch-source must be a valid http or https URL.");
  }
}

/** PutObject with x-qs-fetch-source (201): the emulator downloads the URL (the header decoded once, see {@link fetchSourceUrl}) itself. */
export async function qsFetchObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateQsKey(route.key!);
  ctx.store.bucket(route.bucket!);
  const fetched = await fetchSource(fetchSourceUrl(header(ex, "x-qs-fetch-source")!), ctx.config.discard);
  const ifUnmodified = header(ex, "x-qs-fetch-if-unmodified-since");
  if (ifUnmodified !== undefined && fetched.lastModified !== undefined && fetched.lastModified > Date.parse(ifUnmodified)) {
    throw new ProtocolError("PreconditionFailed", "The fetch source was modified since the given time.");
  }
  const attrs = readAttributes(ex, QS_ATTRIBUTES);
  if (header(ex, "content-type") === undefined && fetched.contentType) attrs.contentType = fetched.contentType;
  const o = await ctx.store.putObject(route.bucket!, route.key!, fetched.body, attrs);
  return emptyResponse(201, { etag: quoteEtag(o.etag) });
}

/** AppendObject (`?append&position=N`, 200): the first append stores content type, metadata and storage class, no other content header. */
export async function qsAppendObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateQsKey(route.key!);
  const position = parseNonNegativeInt(ex.query.get("position"));
  if (position === undefined) throw new ProtocolError("InvalidArgument", "position is required.");
  if (readSseC(ex, QS_SSEC) !== undefined) throw new ProtocolError("InvalidArgument", "Appendable objects cannot be encrypted.");
  const attrs = withoutContentHeaders(readAttributes(ex, QS_ATTRIBUTES));
  const existing = ctx.store.bucket(route.bucket!).objects.get(route.key!);
  if (existing !== undefined && existing.kind !== "appendable") throw new ProtocolError("NotAppendable", "The object is not appendable.");
  if (position !== (existing?.size ?? 0)) {
    throw new ProtocolError("PositionMismatch", "The append position does not match the object length.", { NextAppendPosition: String(existing?.size ?? 0) });
  }
  requireContentLength(ex);
  const body = await ctx.readBody(ex, { maxBytes: MAX_SIMPLE_PUT });
  const o = await ctx.store.appendObject(route.bucket!, route.key!, position, body, attrs);
  return emptyResponse(200, { etag: quoteEtag(o.etag), "x-qs-next-append-position": String(o.size) });
}
