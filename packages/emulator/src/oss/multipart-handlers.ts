import { checkCopySourceConditions } from "../common/conditions.js";
import { checkNotArchived, readAttributes } from "../common/object-attributes.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { parseRange } from "../common/range.js";
import { emptyResponse, parseNonNegativeInt, unquoteEtag, xmlResponse } from "../common/responses.js";
import { childText, children, parseXmlBody } from "../common/xml.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { bodyBytes } from "../server/request-body.js";
import type { CompletePart } from "../store/multipart-store.js";
import type { StoredUpload } from "../store/types.js";
import { encodingTypeOf } from "./bucket-handlers.js";
import { OSS_ATTRIBUTES, OSS_CRC, ossEtag, ossSseHeaders, readOssSse } from "./object-headers.js";
import { checkForbidOverwrite, checkOssCopySource, parseOssCopySource, validateOssKey, writeHeaders } from "./object-handlers.js";
import { completeXml, copyResultXml, initiateXml, listPartsXml, listUploadsXml } from "./xml-bodies.js";

/** OSS: parts other than the last must be at least 100 KB. */
export const OSS_MIN_PART_SIZE = 100 * 1024;

function upload(ex: Exchange, route: Route, ctx: HandlerContext): StoredUpload {
  return ctx.multipart.upload(route.bucket!, route.key!, ex.query.get("uploadId") ?? "");
}

function partNumber(ex: Exchange): number {
  const raw = ex.query.get("partNumber");
  const n = parseNonNegativeInt(raw);
  if (n === undefined || n < 1 || n > 10000) {
    throw new ProtocolError("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.", { ArgumentName: "partNumber", ArgumentValue: raw ?? "" });
  }
  return n;
}

/** InitiateMultipartUpload; `x-oss-forbid-overwrite: true` refuses it while an object exists at the key (Complete checks again). */
export async function ossInitiate(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateOssKey(route.key!);
  checkForbidOverwrite(ex, route, ctx);
  const u = await ctx.multipart.initiate(route.bucket!, route.key!, readAttributes(ex, OSS_ATTRIBUTES, readOssSse(ex)));
  return xmlResponse(200, initiateXml(u), ossSseHeaders(u.attrs.sse));
}

/** UploadPart; the answer echoes the upload's SSE. */
export async function ossUploadPart(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  const n = partNumber(ex);
  const u = upload(ex, route, ctx);
  const body = await ctx.readBody(ex, { maxBytes: 5 * 1024 ** 3 });
  const p = await ctx.multipart.uploadPart(u, n, body);
  const h: Record<string, string> = { etag: ossEtag(p.etag), ...ossSseHeaders(u.attrs.sse) };
  if (p.crc64 !== undefined) h[OSS_CRC] = p.crc64;
  return emptyResponse(200, h);
}

/**
 * UploadPartCopy (`x-oss-copy-source`, `x-oss-copy-source-range`); the `x-oss-copy-source-if-*`
 * conditions as on CopyObject (412, or 304 for `-if-none-match` and `-if-modified-since`). A copy
 * range OSS's range rules do not take (malformed, or not within the source) copies the whole source,
 * as OSS documents for UploadPartCopy. A source in an archive class is 403 `InvalidObjectState`.
 * The part's ETag goes in the `ETag` header as well as in `<CopyPartResult>`: OSS's reference shows
 * only the body, but its SDKs (ali-oss `uploadPartCopy`/`multipartUploadCopy`, Python `oss2`
 * `upload_part_copy`) take the part's ETag from the header, so the service sends it there.
 */
export async function ossUploadPartCopy(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  const n = partNumber(ex);
  const u = upload(ex, route, ctx);
  const ref = parseOssCopySource(header(ex, "x-oss-copy-source")!);
  const src = ctx.store.object(ref.bucket, ref.key);
  checkOssCopySource(src);
  checkNotArchived(src, OSS_ATTRIBUTES, ctx.now);
  checkCopySourceConditions(ex, "x-oss", { etag: ossEtag(src.etag), lastModified: src.lastModified }, true);
  const range = parseRange(header(ex, "x-oss-copy-source-range"), src.size, false) ?? { start: 0, end: src.size };
  const p = await ctx.multipart.uploadPartCopy(u, n, src, range.start, range.end);
  const h: Record<string, string> = { etag: ossEtag(p.etag) };
  if (p.crc64 !== undefined) h[OSS_CRC] = p.crc64;
  return xmlResponse(200, copyResultXml(p.etag, p.lastModified, "CopyPartResult"), h);
}

/**
 * CompleteMultipartUpload (XML part list, or `x-oss-complete-all: yes` and no body: every uploaded
 * part, ascending, with the ETags they were stored with); refused by `x-oss-forbid-overwrite: true`
 * when an object exists at the key, the upload kept.
 */
export async function ossComplete(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  const u = upload(ex, route, ctx);
  const installGuard = checkForbidOverwrite(ex, route, ctx, "complete");
  let selected: CompletePart[];
  let all = false;
  const text = bodyBytes(await ctx.readBody(ex, { store: false, maxBytes: 4 * 1024 * 1024 })).toString("utf8");
  if (header(ex, "x-oss-complete-all")?.toLowerCase() === "yes") {
    if (text.trim() !== "") throw new ProtocolError("InvalidArgument", "x-oss-complete-all requires an empty body.");
    // No ETags are sent: each part is taken as it is stored.
    selected = [...u.parts.keys()].sort((a, b) => a - b).map((partNumber) => ({ partNumber }));
    all = true;
  } else {
    const doc = await parseXmlBody(text, "CompleteMultipartUpload");
    selected = children(doc, "Part").map((p) => {
      const n = parseNonNegativeInt(childText(p, "PartNumber"));
      if (n === undefined) throw new ProtocolError("MalformedBody", "PartNumber is missing or invalid.");
      const etag = childText(p, "ETag");
      return { partNumber: n, etag: etag === undefined ? undefined : unquoteEtag(etag) };
    });
  }
  const o = await ctx.multipart.complete(u, selected, { minPartSize: OSS_MIN_PART_SIZE, requireAscending: true, requireEtag: !all, ...(installGuard ? { installGuard } : {}) });
  const location = `http://${header(ex, "host") ?? ""}${route.vhost ? "" : "/" + route.bucket}/${encodeURI(o.key)}`;
  const h = writeHeaders(o);
  delete h.etag;
  return xmlResponse(200, completeXml(location, route.bucket!, o), h);
}

/** AbortMultipartUpload (204). */
export async function ossAbort(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  await ctx.multipart.abort(upload(ex, route, ctx));
  return emptyResponse(204);
}

/** ListParts. */
export function ossListParts(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const u = upload(ex, route, ctx);
  const marker = parseNonNegativeInt(ex.query.get("part-number-marker")) ?? 0;
  const max = Math.min(parseNonNegativeInt(ex.query.get("max-parts")) ?? 1000, 1000);
  return xmlResponse(200, listPartsXml(u, marker, max, ctx.multipart.listParts(u, marker, max)));
}

/**
 * ListMultipartUploads. With `encoding-type=url` the keys, markers, prefixes and delimiter are
 * URL-encoded and `<EncodingType>` names it, as on ListObjects (alibabacloud-oss-go-sdk-v2
 * `ListMultipartUploadsResult`); any other value is 400 (see `encodingTypeOf`).
 */
export function ossListUploads(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const q = ex.query;
  const encodingType = encodingTypeOf(ex);
  const echo = {
    bucket: route.bucket!,
    prefix: q.get("prefix") ?? "",
    delimiter: q.get("delimiter") ?? "",
    keyMarker: q.get("key-marker") ?? "",
    uploadIdMarker: q.get("upload-id-marker") ?? "",
    maxUploads: Math.min(parseNonNegativeInt(q.get("max-uploads")) ?? 1000, 1000),
  };
  return xmlResponse(200, listUploadsXml({ ...echo, encodingType }, ctx.multipart.listUploads(route.bucket!, echo)));
}
