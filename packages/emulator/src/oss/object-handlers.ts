import { checkCopySourceConditions } from "../common/conditions.js";
import { safeDecode } from "../common/encoding.js";
import { attributesOf, checkNotArchived, readAttributes, storageClassOf, validateKey } from "../common/object-attributes.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { emptyResponse, parseNonNegativeInt, xmlResponse } from "../common/responses.js";
import { serveObject } from "../common/serve-object.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import type { InstallGuard } from "../store/object-store.js";
import type { StoredObject } from "../store/types.js";
import { OssCodedError } from "./errors.js";
import { OSS_ATTRIBUTES, OSS_CRC, ossEtag, ossObjectHeaders, ossSseHeaders, readOssSse } from "./object-headers.js";
import { installSymlink, symlinkHeaders, symlinkTarget } from "./symlinks.js";
import { copyResultXml } from "./xml-bodies.js";

/** OSS keys are at most 1023 bytes and do not start with `/` or `\`. */
export function validateOssKey(key: string): void {
  validateKey(key, 1023);
  if (key.startsWith("/") || key.startsWith("\\")) throw new ProtocolError("InvalidObjectName", "The object name must not start with / or \\.");
}

const MAX_SIMPLE_PUT = 5 * 1024 ** 3;

/** Response headers after a write. */
export function writeHeaders(o: StoredObject): Record<string, string> {
  const h: Record<string, string> = { etag: ossEtag(o.etag), ...ossSseHeaders(o.sse) };
  if (o.crc64 !== undefined) h[OSS_CRC] = o.crc64;
  if (o.contentMd5 !== undefined) h["content-md5"] = o.contentMd5;
  return h;
}

/** The EC OSS documents for a CompleteMultipartUpload refused by `x-oss-forbid-overwrite` (help page 0042-00000214). */
const COMPLETE_EXISTS_EC = "0042-00000214";

/**
 * `x-oss-forbid-overwrite` of a PutObject, CopyObject, PutSymlink, InitiateMultipartUpload or
 * CompleteMultipartUpload: `true` refuses to replace an existing object (409 `FileAlreadyExists`;
 * on Complete with the EC of its help page), `false` or none allows it, any other value is 400
 * `InvalidArgument` (EC 0017-00000279). The object is looked for now (an early refusal, before the
 * body is read) and the returned guard looks again as the object is installed (see
 * `InstallGuard`), so of two writes racing for a new key one is refused. OSS ignores the header on
 * a bucket whose versioning is or was enabled; the emulator has no versioning.
 * @throws ProtocolError `FileAlreadyExists`, `InvalidArgument`
 */
export function checkForbidOverwrite(ex: Exchange, route: Route, ctx: HandlerContext, operation: "write" | "complete" = "write"): InstallGuard | undefined {
  const value = header(ex, "x-oss-forbid-overwrite")?.toLowerCase();
  if (value === undefined || value === "false") return undefined;
  if (value !== "true") {
    throw new OssCodedError("InvalidArgument", 400, "InvalidArgument", "The x-oss-forbid-overwrite header must be true or false.", "0017-00000279", { ArgumentName: "x-oss-forbid-overwrite", ArgumentValue: value });
  }
  const guard: InstallGuard = (existing) => {
    if (existing === undefined) return;
    const message = "The object you specified already exists and can not be overwritten.";
    throw operation === "complete" ? new OssCodedError("FileAlreadyExists", 409, "FileAlreadyExists", message, COMPLETE_EXISTS_EC) : new ProtocolError("FileAlreadyExists", message);
  };
  guard(ctx.store.bucket(route.bucket!).objects.get(route.key!));
  return guard;
}

/** PutObject. */
export async function ossPutObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateOssKey(route.key!);
  const attrs = readAttributes(ex, OSS_ATTRIBUTES, readOssSse(ex));
  const guard = checkForbidOverwrite(ex, route, ctx);
  const body = await ctx.readBody(ex, { maxBytes: MAX_SIMPLE_PUT });
  const o = await ctx.store.putObject(route.bucket!, route.key!, body, attrs, guard);
  return emptyResponse(200, writeHeaders(o));
}

/**
 * GetObject, HeadObject and GetObjectMeta; a symlink serves its target (see {@link symlinkHeaders}).
 * A GetObject (ranged or not) of an Archive, ColdArchive or DeepColdArchive object (a link's target
 * included) is 403 `InvalidObjectState`; HeadObject and GetObjectMeta answer.
 */
export function ossGetObject(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const found = ctx.store.object(route.bucket!, route.key!);
  const target = found.symlinkTarget === undefined ? undefined : symlinkTarget(ctx.store, route.bucket!, found);
  const o = target === undefined ? found : { ...target, lastModified: Math.max(found.lastModified, target.lastModified) };
  if (ex.method === "GET" && ex.query.has("objectMeta")) {
    const h: Record<string, string> = { etag: ossEtag(o.etag), "last-modified": new Date(o.lastModified).toUTCString(), "x-oss-object-size": String(o.size) };
    if (o.crc64 !== undefined) h[OSS_CRC] = o.crc64;
    return emptyResponse(200, h);
  }
  if (ex.method === "GET") checkNotArchived(o, OSS_ATTRIBUTES, ctx.now);
  const strict = header(ex, "x-oss-range-behavior")?.toLowerCase() === "standard";
  const headers = target === undefined ? ossObjectHeaders(o, ctx.now) : symlinkHeaders(found, target, ctx.now);
  return serveObject(ex, ctx.store, o, { headers, strictRange: strict });
}

/** DeleteObject (idempotent, 204). */
export async function ossDeleteObject(_ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  await ctx.store.deleteObject(route.bucket!, route.key!);
  return emptyResponse(204);
}

/** Parses `x-oss-copy-source: /<bucket>/<urlencoded key>[?versionId=]`. @throws ProtocolError `InvalidCopySource` */
export function parseOssCopySource(value: string): { bucket: string; key: string } {
  let v = value.trim();
  const q = v.indexOf("?");
  if (q >= 0) v = v.slice(0, q);
  v = v.replace(/^\//, "");
  const slash = v.indexOf("/");
  const key = slash > 0 ? safeDecode(v.slice(slash + 1)) : undefined;
  if (key === undefined || key === "") throw new ProtocolError("InvalidCopySource", "The copy source must be /<bucket>/<object>.");
  return { bucket: v.slice(0, slash), key };
}

/**
 * Refuses an appendable copy source. OSS documents that appendable objects
 * cannot be copied but not the error: 400 `InvalidArgument` is a guess.
 * @throws ProtocolError `InvalidCopySource`
 */
export function checkOssCopySource(src: StoredObject): void {
  if (src.kind === "appendable") throw new ProtocolError("InvalidCopySource", "The CopyObject operation cannot be performed on appendable objects.");
}

/**
 * CopyObject. A symlink source is copied as a symlink (OSS copies the link, not its target).
 * `x-oss-metadata-directive: REPLACE` gives the copy exactly the request's content type, metadata
 * and content headers (COPY: the source's). As OSS documents, a copy onto the object itself (on a
 * bucket without versioning, as every emulated bucket is) takes the request's metadata whatever the
 * directive: COPY there keeps none of the source's. A source in an archive class is 403
 * `InvalidObjectState` (a symlink source is not: the link, not its target, is copied), and a storage
 * class OSS does not document is 400 (EC 0017-00000132). The copy is encrypted as the request's
 * `x-oss-server-side-encryption*` headers say, and unencrypted without them, whatever the source's
 * encryption: OSS does not carry the source's SSE over (the Go SDK v2's CopyObjectRequest
 * documents this under the metadata directive). A failed `x-oss-copy-source-if-match` or
 * `-if-unmodified-since` is 412, a failed `-if-none-match` or `-if-modified-since` 304 (nothing
 * copied), as OSS documents.
 */
export async function ossCopyObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateOssKey(route.key!);
  const ref = parseOssCopySource(header(ex, "x-oss-copy-source")!);
  const src = ctx.store.object(ref.bucket, ref.key);
  checkOssCopySource(src);
  if (src.symlinkTarget === undefined) checkNotArchived(src, OSS_ATTRIBUTES, ctx.now);
  checkCopySourceConditions(ex, "x-oss", { etag: ossEtag(src.etag), lastModified: src.lastModified }, true);
  const guard = checkForbidOverwrite(ex, route, ctx);
  const directive = (header(ex, "x-oss-metadata-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") throw new ProtocolError("InvalidArgument", "x-oss-metadata-directive must be COPY or REPLACE.");
  // The source's encryption is not copied: the request's SSE headers alone encrypt the copy (see the doc comment).
  const sse = readOssSse(ex);
  const ontoItself = ref.bucket === route.bucket && ref.key === route.key;
  const attrs = directive === "COPY" && !ontoItself ? { ...attributesOf(src), sse } : readAttributes(ex, OSS_ATTRIBUTES, sse);
  if (header(ex, OSS_ATTRIBUTES.storageClassHeader) !== undefined) attrs.storageClass = storageClassOf(ex, OSS_ATTRIBUTES);
  if (src.symlinkTarget !== undefined) {
    const link = await installSymlink(ctx.store, route.bucket!, route.key!, src.symlinkTarget, attrs, guard);
    return xmlResponse(200, copyResultXml(link.etag, link.lastModified));
  }
  const o = await ctx.store.copyObject(src, route.bucket!, route.key!, attrs, guard);
  const h: Record<string, string> = { ...ossSseHeaders(o.sse) };
  if (o.crc64 !== undefined) h[OSS_CRC] = o.crc64;
  return xmlResponse(200, copyResultXml(o.etag, o.lastModified), h);
}

/**
 * AppendObject (`?append&position=N`). The append that creates the object takes its SSE (no KMS key
 * id: 400, see {@link readOssSse}); every answer echoes the object's.
 */
export async function ossAppendObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateOssKey(route.key!);
  const position = parseNonNegativeInt(ex.query.get("position"));
  if (position === undefined) throw new ProtocolError("InvalidArgument", "Position is required and must be a non-negative integer.", { ArgumentName: "position" });
  const attrs = readAttributes(ex, OSS_ATTRIBUTES, readOssSse(ex, "append"));
  const existing = ctx.store.bucket(route.bucket!).objects.get(route.key!);
  if (existing !== undefined && existing.kind !== "appendable") throw new ProtocolError("NotAppendable", "The object is not appendable.");
  if (position !== (existing?.size ?? 0)) {
    throw new ProtocolError("PositionMismatch", "Position is not equal to file length.", { NextAppendPosition: String(existing?.size ?? 0) });
  }
  const body = await ctx.readBody(ex, { maxBytes: MAX_SIMPLE_PUT });
  if ((existing?.size ?? 0) + body.size > MAX_SIMPLE_PUT) throw new ProtocolError("EntityTooLarge", "An appendable object is at most 5 GB.");
  const o = await ctx.store.appendObject(route.bucket!, route.key!, position, body, attrs);
  const h: Record<string, string> = { etag: ossEtag(o.etag), "x-oss-next-append-position": String(o.size), ...ossSseHeaders(o.sse) };
  if (o.crc64 !== undefined) h[OSS_CRC] = o.crc64;
  return emptyResponse(200, h);
}
