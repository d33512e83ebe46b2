import { safeDecode } from "../common/encoding.js";
import { readAttributes } from "../common/object-attributes.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { parseRange } from "../common/range.js";
import { emptyResponse, jsonResponse, parseNonNegativeInt, quoteEtag, unquoteEtag } from "../common/responses.js";
import { checkSseCRead, readSseC } from "../common/sse-c.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { bodyBytes } from "../server/request-body.js";
import type { CompletePart } from "../store/multipart-store.js";
import type { StoredUpload } from "../store/types.js";
import { requireContentLength } from "./errors.js";
import { initiateJson, listPartsJson, listUploadsJson } from "./json-bodies.js";
import { QS_ATTRIBUTES, QS_COPY_SSEC, QS_SSEC, qsSseHeaders, readQsSse, validateQsKey, withoutContentHeaders } from "./object-headers.js";
import { checkCopySourceConditions } from "../common/conditions.js";
import { parseQsSource } from "./object-handlers.js";

/** QingStor: parts other than the last must be at least 4 MB. */
export const QS_MIN_PART_SIZE = 4 * 1024 * 1024;

function upload(ex: Exchange, route: Route, ctx: HandlerContext): StoredUpload {
  return ctx.multipart.upload(route.bucket!, route.key!, ex.query.get("upload_id") ?? "");
}

/** Part numbers are 0-based: 0..10000. */
function partNumber(ex: Exchange): number {
  const n = parseNonNegativeInt(ex.query.get("part_number"));
  if (n === undefined || n > 10000) throw new ProtocolError("InvalidArgument", "part_number must be an integer between 0 and 10000.");
  return n;
}

/**
 * A part (or the Complete) of an SSE-C upload must carry the upload's key; one of an upload begun
 * without one must carry none (400 invalid_argument, as for a key sent to a plain object): taking it
 * would store in clear what the client believes encrypted.
 */
function checkUploadSse(ex: Exchange, u: StoredUpload): void {
  checkSseCRead(u.attrs.sse, readSseC(ex, QS_SSEC));
}

/** InitiateMultipartUpload (200): content type, metadata, storage class and SSE-C; no other content header is stored. */
export async function qsInitiate(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateQsKey(route.key!);
  const u = await ctx.multipart.initiate(route.bucket!, route.key!, withoutContentHeaders(readAttributes(ex, QS_ATTRIBUTES, readQsSse(ex))));
  return jsonResponse(200, initiateJson(u), qsSseHeaders(u.attrs.sse));
}

/** UploadMultipart (201). */
export async function qsUploadPart(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  const n = partNumber(ex);
  const u = upload(ex, route, ctx);
  checkUploadSse(ex, u);
  requireContentLength(ex);
  const body = await ctx.readBody(ex, { maxBytes: 5 * 1024 ** 3 });
  const p = await ctx.multipart.uploadPart(u, n, body);
  return emptyResponse(201, { etag: quoteEtag(p.etag), ...qsSseHeaders(u.attrs.sse) });
}

/**
 * UploadMultipart with x-qs-copy-source and x-qs-copy-range (201); the x-qs-copy-source-if-* conditions
 * hold as for a copy (412). Into an SSE-C upload the upload's key is required, as on UploadMultipart.
 * QingStor documents that `x-qs-copy-range` takes the values of its `Range` header, so it is read as
 * a GET's range: a suffix is served, an end past the source is cut to it (`x-qs-content-copy-range`
 * tells what was copied), a start past the end is 416 `invalid_range`, a malformed value 400.
 */
export async function qsUploadPartCopy(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  const n = partNumber(ex);
  const u = upload(ex, route, ctx);
  // The destination key of an SSE-C upload, as on UploadMultipart (the source's goes in x-qs-copy-source-…).
  checkUploadSse(ex, u);
  const ref = parseQsSource(header(ex, "x-qs-copy-source")!);
  const src = ctx.store.object(ref.bucket, ref.key);
  checkSseCRead(src.sse, readSseC(ex, QS_COPY_SSEC));
  checkCopySourceConditions(ex, "x-qs", src);
  const rangeHeader = header(ex, "x-qs-copy-range");
  const range = rangeHeader === undefined ? { start: 0, end: src.size } : parseRange(rangeHeader, src.size, true);
  if (range === undefined) throw new ProtocolError("InvalidArgument", "x-qs-copy-range is not valid.");
  const p = await ctx.multipart.uploadPartCopy(u, n, src, range.start, range.end);
  return emptyResponse(201, { etag: quoteEtag(p.etag), "x-qs-content-copy-range": `bytes ${range.start}-${range.end - 1}/${src.size}` });
}

interface CompleteDoc {
  object_parts?: { part_number?: unknown; etag?: unknown }[];
}

/**
 * CompleteMultipartUpload (201). An `ETag` request header sets the object's ETag; without one the
 * object has none (QingStor computes no ETag for a merged object, `protocols.md` §3.3/§3.5): GET and
 * HEAD then send no `ETag` header and listings an empty `etag`.
 */
export async function qsComplete(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  const u = upload(ex, route, ctx);
  checkUploadSse(ex, u);
  const text = bodyBytes(await ctx.readBody(ex, { store: false, maxBytes: 4 * 1024 * 1024 })).toString("utf8");
  let doc: CompleteDoc;
  try {
    doc = JSON.parse(text) as CompleteDoc;
  } catch {
    throw new ProtocolError("MalformedBody", "The request body is not valid JSON.");
  }
  if (!Array.isArray(doc?.object_parts)) throw new ProtocolError("MalformedBody", "object_parts is required.");
  const selected: CompletePart[] = doc.object_parts.map((p) => {
    const n = typeof p?.part_number === "number" ? p.part_number : parseNonNegativeInt(String(p?.part_number ?? ""));
    if (n === undefined || !Number.isInteger(n) || n < 0) throw new ProtocolError("MalformedBody", "part_number is missing or invalid.");
    return { partNumber: n, etag: typeof p.etag === "string" ? unquoteEtag(p.etag) : undefined };
  });
  const rawEtag = header(ex, "etag");
  const etagHeader = rawEtag === undefined ? undefined : (safeDecode(rawEtag) ?? rawEtag); // the JS SDK encodeURI()s header values
  await ctx.multipart.complete(u, selected, { minPartSize: QS_MIN_PART_SIZE, requireAscending: true, requireEtag: false }, etagHeader ? unquoteEtag(etagHeader) : "");
  return emptyResponse(201, qsSseHeaders(u.attrs.sse));
}

/** AbortMultipartUpload (204). */
export async function qsAbort(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  await ctx.multipart.abort(upload(ex, route, ctx));
  return emptyResponse(204);
}

/** ListMultipart: the parts of one upload. */
export function qsListParts(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const u = upload(ex, route, ctx);
  const markerRaw = parseNonNegativeInt(ex.query.get("part_number_marker"));
  const limit = Math.min(parseNonNegativeInt(ex.query.get("limit")) ?? 1000, 1000);
  const r = ctx.multipart.listParts(u, markerRaw === undefined ? -1 : markerRaw, limit);
  return jsonResponse(200, listPartsJson(r.parts));
}

/** ListMultipartUploads. */
export function qsListUploads(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const q = ex.query;
  const echo = {
    bucket: route.bucket!,
    prefix: q.get("prefix") ?? "",
    delimiter: q.get("delimiter") ?? "",
    keyMarker: q.get("key_marker") ?? "",
    uploadIdMarker: q.get("upload_id_marker") ?? "",
    limit: Math.min(parseNonNegativeInt(q.get("limit")) ?? 100, 1000),
  };
  const page = ctx.multipart.listUploads(route.bucket!, { ...echo, maxUploads: echo.limit });
  return jsonResponse(200, listUploadsJson(echo, page));
}
