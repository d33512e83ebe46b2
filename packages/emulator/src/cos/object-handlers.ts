import { checkCopySourceConditions } from "../common/conditions.js";
import { attributesOf, checkNotArchived, readAttributes, storageClassOf, validateKey } from "../common/object-attributes.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { emptyResponse, parseNonNegativeInt, quoteEtag, xmlResponse } from "../common/responses.js";
import { serveObject } from "../common/serve-object.js";
import { checkSseCRead, readSseC } from "../common/sse-c.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import type { InstallGuard } from "../store/object-store.js";
import { parseCosCopySource } from "./copy-source.js";
import { COS_ATTRIBUTES, COS_COPY_SSEC, COS_CRC, COS_SSEC, cosObjectHeaders, cosSseHeaders, readCosSse, refuseCosServerSse } from "./object-headers.js";
import { copyResultXml } from "./xml-bodies.js";

/** COS keys are at most 850 bytes. */
export const COS_MAX_KEY_BYTES = 850;
const MAX_SIMPLE_PUT = 5 * 1024 ** 3;

function crcHeader(crc: string | undefined): Record<string, string> {
  return crc === undefined ? {} : { [COS_CRC]: crc };
}

/**
 * `x-cos-forbid-overwrite: true` of a PUT Object, PUT Object - Copy, Initiate Multipart Upload or
 * Complete Multipart Upload (COS documents it on each): an object at the key refuses the request
 * with 409 (see `FileAlreadyExists` in errors.ts). The object is looked for now (an early refusal,
 * before the body is read) and the returned guard looks again as the object is installed (see
 * `InstallGuard`), so of two writes racing for a new key one is refused. Any other value allows the
 * overwrite. COS ignores the header on a bucket whose versioning was ever enabled; the emulator
 * has no versioning.
 * @throws ProtocolError `FileAlreadyExists`, `NoSuchBucket`
 */
export function cosForbidOverwrite(ex: Exchange, route: Route, ctx: HandlerContext): InstallGuard | undefined {
  const objects = ctx.store.bucket(route.bucket!).objects;
  if (header(ex, "x-cos-forbid-overwrite")?.toLowerCase() !== "true") return undefined;
  const guard: InstallGuard = (existing) => {
    if (existing !== undefined) throw new ProtocolError("FileAlreadyExists", "The object already exists and x-cos-forbid-overwrite forbids overwriting it.");
  };
  guard(objects.get(route.key!));
  return guard;
}

/** PUT Object (refused by `x-cos-forbid-overwrite: true` over an existing object, see {@link cosForbidOverwrite}). */
export async function cosPutObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateKey(route.key!, COS_MAX_KEY_BYTES);
  const sse = readCosSse(ex);
  const attrs = readAttributes(ex, COS_ATTRIBUTES, sse);
  const guard = cosForbidOverwrite(ex, route, ctx);
  const body = await ctx.readBody(ex, { maxBytes: MAX_SIMPLE_PUT });
  const o = await ctx.store.putObject(route.bucket!, route.key!, body, attrs, guard);
  return emptyResponse(200, { etag: quoteEtag(o.etag), ...crcHeader(o.crc64), ...cosSseHeaders(o.sse) });
}

/**
 * GET and HEAD Object; a GET (ranged or not) of an ARCHIVE or DEEP_ARCHIVE object is 403
 * `InvalidObjectState`, a HEAD answers. SSE-COS / SSE-KMS headers are refused (400
 * `InvalidArgument`, see {@link refuseCosServerSse}), before the object is looked up.
 */
export function cosGetObject(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  refuseCosServerSse(ex, "a download (GET or HEAD Object)");
  const o = ctx.store.object(route.bucket!, route.key!);
  checkSseCRead(o.sse, readSseC(ex, COS_SSEC));
  if (ex.method === "GET") checkNotArchived(o, COS_ATTRIBUTES, ctx.now);
  return serveObject(ex, ctx.store, o, { headers: cosObjectHeaders(o, ctx.config.cosAppendableCrc64, ctx.now), strictRange: true });
}

/** DELETE Object (idempotent). */
export async function cosDeleteObject(_ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  await ctx.store.deleteObject(route.bucket!, route.key!);
  return emptyResponse(204);
}

/**
 * PUT Object - Copy. As COS documents, the copy is STANDARD and unencrypted
 * unless the request asks otherwise, whatever the metadata directive; `x-cos-forbid-overwrite: true`
 * refuses to replace an object (see {@link cosForbidOverwrite}). `x-cos-metadata-directive: Replaced`
 * gives the copy exactly the request's content type, metadata and content headers (Copy: the
 * source's). COS says the directive must be Replaced when the destination is the source itself: a
 * copy onto itself with Copy is refused (400 `InvalidArgument`; the code COS answers is not
 * documented), which is stricter than a reading that lets Copy change only the storage class or SSE.
 * An ARCHIVE or DEEP_ARCHIVE source is 403 `InvalidObjectState` (it must be restored first), and a
 * storage class COS does not list is 400 `InvalidStorageClass`.
 */
export async function cosCopyObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateKey(route.key!, COS_MAX_KEY_BYTES);
  const srcRef = parseCosCopySource(header(ex, "x-cos-copy-source")!);
  let src;
  try {
    src = ctx.store.object(srcRef.bucket, srcRef.key);
  } catch (e) {
    if (e instanceof ProtocolError && e.kind === "NoSuchBucket") throw new ProtocolError("NoSuchKey", "The specified copy source does not exist.");
    throw e;
  }
  if (src.kind === "appendable") throw new ProtocolError("InvalidCopySource", "Appendable objects cannot be copied.");
  checkSseCRead(src.sse, readSseC(ex, COS_COPY_SSEC));
  checkNotArchived(src, COS_ATTRIBUTES, ctx.now);
  checkCopySourceConditions(ex, "x-cos", src);
  const guard = cosForbidOverwrite(ex, route, ctx);
  const directive = (header(ex, "x-cos-metadata-directive") ?? "Copy").toLowerCase();
  if (directive !== "copy" && directive !== "replaced") throw new ProtocolError("InvalidArgument", "x-cos-metadata-directive must be Copy or Replaced.");
  if (directive === "copy" && srcRef.bucket === route.bucket && srcRef.key === route.key) {
    throw new ProtocolError("InvalidArgument", "x-cos-metadata-directive must be Replaced when the copy source is the destination itself.");
  }
  const sse = readCosSse(ex);
  const attrs = directive === "copy" ? { ...attributesOf(src), sse } : readAttributes(ex, COS_ATTRIBUTES, sse);
  attrs.storageClass = storageClassOf(ex, COS_ATTRIBUTES);
  const o = await ctx.store.copyObject(src, route.bucket!, route.key!, attrs, guard);
  return xmlResponse(200, copyResultXml(o), { ...crcHeader(o.crc64), ...cosSseHeaders(o.sse) });
}

/**
 * POST Object?append&position=N. The answer carries `x-cos-next-append-position`, the ETag and
 * `x-cos-content-sha1` (the chunk's hex MD5, as the Go SDK reads it), and no CRC-64: COS lists
 * none for APPEND (`protocols.md` §1.3, and APPEND is not among the CRC-producing APIs of §1.5).
 * APPEND takes no SSE (§1.3 lists none for it): SSE-C and SSE-COS / SSE-KMS headers are 400
 * `InvalidArgument`, nothing stored.
 */
export async function cosAppendObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateKey(route.key!, COS_MAX_KEY_BYTES);
  const position = parseNonNegativeInt(ex.query.get("position"));
  if (position === undefined) throw new ProtocolError("InvalidArgument", "The position parameter is required.");
  if (readSseC(ex, COS_SSEC) !== undefined) throw new ProtocolError("InvalidArgument", "Appendable objects cannot use SSE-C.");
  refuseCosServerSse(ex, "APPEND Object: appendable objects are not encrypted");
  const attrs = readAttributes(ex, COS_ATTRIBUTES);
  ctx.store.bucket(route.bucket!);
  const existing = ctx.store.buckets.get(route.bucket!)?.objects.get(route.key!);
  if (existing !== undefined && existing.kind !== "appendable") throw new ProtocolError("NotAppendable", "The object is not appendable.");
  if (position !== (existing?.size ?? 0)) {
    throw new ProtocolError("PositionMismatch", "Position is not equal to file length.", { NextAppendPosition: String(existing?.size ?? 0) });
  }
  const body = await ctx.readBody(ex, { maxBytes: MAX_SIMPLE_PUT });
  if ((existing?.size ?? 0) + body.size > MAX_SIMPLE_PUT) throw new ProtocolError("EntityTooLarge", "An appendable object is at most 5 GB.");
  const o = await ctx.store.appendObject(route.bucket!, route.key!, position, body, attrs);
  const h: Record<string, string> = { etag: quoteEtag(o.etag), "x-cos-next-append-position": String(o.size) };
  if (body.md5) h["x-cos-content-sha1"] = body.md5.toString("hex");
  return emptyResponse(200, h);
}
