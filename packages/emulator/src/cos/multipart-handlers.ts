import { checkCopySourceConditions } from "../common/conditions.js";
import { checkNotArchived, readAttributes, validateKey } from "../common/object-attributes.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { parseCopyRange } from "../common/range.js";
import { emptyResponse, parseNonNegativeInt, quoteEtag, unquoteEtag, xmlResponse } from "../common/responses.js";
import { checkSseCRead, readSseC } from "../common/sse-c.js";
import { childText, children, parseXmlBody } from "../common/xml.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { bodyBytes } from "../server/request-body.js";
import type { CompletePart } from "../store/multipart-store.js";
import type { StoredUpload } from "../store/types.js";
import { parseCosCopySource } from "./copy-source.js";
import { COS_ATTRIBUTES, COS_COPY_SSEC, COS_CRC, COS_SSEC, cosSseHeaders, readCosSse } from "./object-headers.js";
import { COS_MAX_KEY_BYTES, cosForbidOverwrite } from "./object-handlers.js";
import { completeXml, copyPartResultXml, initiateXml, listPartsXml, listUploadsXml } from "./xml-bodies.js";

/** COS: parts other than the last must be at least 1 MB. */
export const COS_MIN_PART_SIZE = 1024 * 1024;
const MAX_PART = 5 * 1024 ** 3;

function upload(ex: Exchange, route: Route, ctx: HandlerContext): StoredUpload {
  return ctx.multipart.upload(route.bucket!, route.key!, ex.query.get("uploadId") ?? "");
}

function partNumber(ex: Exchange): number {
  const n = parseNonNegativeInt(ex.query.get("partNumber"));
  if (n === undefined || n < 1 || n > 10000) throw new ProtocolError("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.");
  return n;
}

/**
 * A part of an SSE-C upload must carry the upload's key; a part of an upload begun without one
 * must carry none (400 InvalidArgument, as for a key sent to a plain object): taking it would store
 * in clear what the client believes encrypted.
 */
function checkUploadSse(ex: Exchange, u: StoredUpload): void {
  checkSseCRead(u.attrs.sse, readSseC(ex, COS_SSEC));
}

/** POST Object?uploads; `x-cos-forbid-overwrite: true` refuses it while an object exists at the key (Complete checks again). */
export async function cosInitiate(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateKey(route.key!, COS_MAX_KEY_BYTES);
  cosForbidOverwrite(ex, route, ctx);
  const u = await ctx.multipart.initiate(route.bucket!, route.key!, readAttributes(ex, COS_ATTRIBUTES, readCosSse(ex)));
  return xmlResponse(200, initiateXml(u), cosSseHeaders(u.attrs.sse));
}

/** PUT Object?partNumber&uploadId. */
export async function cosUploadPart(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  const n = partNumber(ex);
  const u = upload(ex, route, ctx);
  checkUploadSse(ex, u);
  const body = await ctx.readBody(ex, { maxBytes: MAX_PART });
  const p = await ctx.multipart.uploadPart(u, n, body);
  const h: Record<string, string> = { etag: quoteEtag(p.etag), ...cosSseHeaders(u.attrs.sse) };
  if (p.crc64 !== undefined) h[COS_CRC] = p.crc64;
  return emptyResponse(200, h);
}

/**
 * PUT Object?partNumber&uploadId with x-cos-copy-source; the `x-cos-copy-source-If-*` conditions as on
 * PUT Object - Copy (412). Into an SSE-C upload the upload's key is required, as on Upload Part. An
 * ARCHIVE or DEEP_ARCHIVE source is 403 `InvalidObjectState`. `x-cos-copy-source-range` must be
 * `bytes=first-last` within the source (400 `InvalidArgument` otherwise, see `parseCopyRange`).
 */
export async function cosUploadPartCopy(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  const n = partNumber(ex);
  const u = upload(ex, route, ctx);
  // The destination key of an SSE-C upload, as on UploadPart (the source's goes in x-cos-copy-source-…).
  checkUploadSse(ex, u);
  const ref = parseCosCopySource(header(ex, "x-cos-copy-source")!);
  const src = ctx.store.object(ref.bucket, ref.key);
  if (src.kind === "appendable") throw new ProtocolError("InvalidCopySource", "Appendable objects cannot be copied.");
  checkSseCRead(src.sse, readSseC(ex, COS_COPY_SSEC));
  checkNotArchived(src, COS_ATTRIBUTES, ctx.now);
  checkCopySourceConditions(ex, "x-cos", src);
  const rangeHeader = header(ex, "x-cos-copy-source-range");
  const range = rangeHeader === undefined ? { start: 0, end: src.size } : parseCopyRange(rangeHeader, src.size);
  const p = await ctx.multipart.uploadPartCopy(u, n, src, range.start, range.end);
  const h: Record<string, string> = {};
  if (p.crc64 !== undefined) h[COS_CRC] = p.crc64;
  return xmlResponse(200, copyPartResultXml(p), h);
}

/** POST Object?uploadId (Complete); refused (409) by `x-cos-forbid-overwrite: true` when an object exists at the key, the upload kept. */
export async function cosComplete(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  const u = upload(ex, route, ctx);
  const installGuard = cosForbidOverwrite(ex, route, ctx);
  const doc = await parseXmlBody(bodyBytes(await ctx.readBody(ex, { store: false, maxBytes: 4 * 1024 * 1024 })).toString("utf8"), "CompleteMultipartUpload");
  const selected: CompletePart[] = children(doc, "Part").map((p) => {
    const n = parseNonNegativeInt(childText(p, "PartNumber"));
    if (n === undefined) throw new ProtocolError("MalformedBody", "PartNumber is missing or invalid.");
    const etag = childText(p, "ETag");
    return { partNumber: n, etag: etag === undefined ? undefined : unquoteEtag(etag) };
  });
  const o = await ctx.multipart.complete(u, selected, { minPartSize: COS_MIN_PART_SIZE, requireAscending: true, requireEtag: true, ...(installGuard ? { installGuard } : {}) });
  const host = header(ex, "host") ?? "";
  const location = `${host}${route.vhost ? "" : "/" + route.bucket}/${encodeURI(o.key)}`;
  const h: Record<string, string> = { ...cosSseHeaders(o.sse) };
  if (o.crc64 !== undefined) h[COS_CRC] = o.crc64;
  return xmlResponse(200, completeXml(location, route.bucket!, o), h);
}

/** DELETE Object?uploadId (Abort). */
export async function cosAbort(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  await ctx.multipart.abort(upload(ex, route, ctx));
  return emptyResponse(204);
}

/** GET Object?uploadId (List Parts). */
export function cosListParts(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const u = upload(ex, route, ctx);
  const marker = parseNonNegativeInt(ex.query.get("part-number-marker")) ?? 0;
  const max = Math.min(parseNonNegativeInt(ex.query.get("max-parts")) ?? 1000, 1000);
  const r = ctx.multipart.listParts(u, marker, max);
  return xmlResponse(200, listPartsXml(u, marker, max, r, ex.query.get("encoding-type") ?? undefined));
}

/** GET Bucket?uploads (List Multipart Uploads). */
export function cosListUploads(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const q = ex.query;
  const echo = {
    bucket: route.bucket!,
    prefix: q.get("prefix") ?? "",
    delimiter: q.get("delimiter") ?? "",
    keyMarker: q.get("key-marker") ?? "",
    uploadIdMarker: q.get("upload-id-marker") ?? "",
    maxUploads: Math.min(parseNonNegativeInt(q.get("max-uploads")) ?? 1000, 1000),
    encodingType: q.get("encoding-type") ?? undefined,
  };
  const page = ctx.multipart.listUploads(route.bucket!, echo);
  return xmlResponse(200, listUploadsXml(echo, page));
}
