import type { Route } from "../common/operations.js";
import { validateBucketName } from "../common/path-style.js";
import { ProtocolError } from "../common/protocol-error.js";
import { emptyResponse, parseNonNegativeInt, xmlResponse } from "../common/responses.js";
import { childText, children, parseXmlBody } from "../common/xml.js";
import { el, renderXml } from "../common/xml.js";
import { deleteKeyRefusals } from "../faults/delete-key-errors.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { bodyBytes } from "../server/request-body.js";
import { compareKeys, listPage } from "../store/listing.js";
import { cosErrorXml } from "./errors.js";
import { parseCosAuthorization, parseCosQueryAuthorization } from "./signature.js";
import { deleteResultXml, listBucketsXml, listObjectsXml } from "./xml-bodies.js";

/** Most buckets, and the default, per GET Service page. */
const BUCKETS_PAGE_MAXIMUM = 2000;

/**
 * GET Service: the caller's own buckets, as COS lists only the requester's account's. A bucket is
 * the caller's when its access key created it (the emulator counts an access key as an account);
 * buckets created at start (no owner) are every key's. Paged as COS pages it: `marker` (exclusive,
 * UTF-8 byte order), `max-keys` (default and maximum 2000), `IsTruncated` and `NextMarker`.
 * @throws ProtocolError `InvalidArgument` (max-keys not an integer from 1)
 */
export function cosListBuckets(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const q = ex.query;
  const marker = q.get("marker") ?? "";
  const rawMax = q.get("max-keys");
  const maxKeys = rawMax === null || rawMax === "" ? BUCKETS_PAGE_MAXIMUM : parseNonNegativeInt(rawMax);
  if (maxKeys === undefined || maxKeys === 0) throw new ProtocolError("InvalidArgument", "max-keys must be an integer from 1 to 2000.");
  const limit = Math.min(maxKeys, BUCKETS_PAGE_MAXIMUM);
  const caller = requestAccessKey(ex);
  // A region's endpoint (cos.<region>.myqcloud.com) lists that region's buckets only, as COS documents
  // GET Service; service.cos.myqcloud.com and the emulator's own host list every region's.
  const region = route.hostRegion?.toLowerCase();
  const matching = ctx.store
    .listBuckets()
    .filter((b) => (b.owner === undefined || b.owner === caller) && (region === undefined || b.region.toLowerCase() === region) && compareKeys(b.name, marker) > 0);
  const page = matching.slice(0, limit);
  const nextMarker = matching.length > limit ? page[page.length - 1]!.name : undefined;
  return xmlResponse(200, listBucketsXml(page, { marker, maxKeys: limit, ...(nextMarker === undefined ? {} : { nextMarker }) }));
}

/** The access key a (verified) COS request was signed with: `q-ak` of its Authorization header or query. */
function requestAccessKey(ex: Exchange): string | undefined {
  const value = header(ex, "authorization");
  return (value !== undefined ? parseCosAuthorization(value) : parseCosQueryAuthorization(ex.query))?.accessKey;
}

/**
 * PUT Bucket. A name that is not `<name>-<APPID>` (digits after the last hyphen) is 400
 * `InvalidBucketName`. A bucket that exists is 409 `BucketAlreadyOwnedByYou` when the same access key
 * created it (what COS answers its owner, e.g. a retry whose first answer was lost), else 409
 * `BucketAlreadyExists`.
 */
export async function cosCreateBucket(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateBucketName(route.bucket!);
  // COS names a bucket `<name>-<APPID>`: a name without the APPID part is not one COS creates.
  if (!/^[a-z0-9][a-z0-9-]*-\d+$/.test(route.bucket!)) throw new ProtocolError("InvalidBucketName", "The bucket name must be <name>-<APPID>.");
  const owner = requestAccessKey(ex);
  const existing = ctx.store.buckets.get(route.bucket!);
  if (existing !== undefined && owner !== undefined && existing.owner === owner) {
    const body = cosErrorXml("BucketAlreadyOwnedByYou", "The bucket you tried to create already exists, and you own it.", route.bucket!, ex.requestId);
    return { status: 409, headers: { "content-type": "application/xml" }, body: Buffer.from(body) };
  }
  await ctx.store.createBucket(route.bucket!, route.hostRegion ?? ctx.config.region, owner);
  return emptyResponse(200);
}

/** DELETE Bucket. */
export async function cosDeleteBucket(_ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  await ctx.store.deleteBucket(route.bucket!);
  return emptyResponse(204);
}

/** HEAD Bucket. */
export function cosHeadBucket(_ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const b = ctx.store.bucket(route.bucket!);
  return emptyResponse(200, { "x-cos-bucket-region": b.region });
}

/** GET Bucket?location. */
export function cosBucketLocation(_ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const b = ctx.store.bucket(route.bucket!);
  return xmlResponse(200, renderXml(el("LocationConstraint", b.region)));
}

/** GET Bucket (list objects, max-keys ≤ 1000). */
export function cosListObjects(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const q = ex.query;
  const maxKeysRaw = q.get("max-keys");
  const maxKeys = maxKeysRaw === null || maxKeysRaw === "" ? 1000 : parseNonNegativeInt(maxKeysRaw);
  if (maxKeys === undefined) throw new ProtocolError("InvalidArgument", "max-keys must be a non-negative integer.");
  const echo = {
    bucket: route.bucket!,
    prefix: q.get("prefix") ?? "",
    delimiter: q.get("delimiter") ?? "",
    marker: q.get("marker") ?? "",
    maxKeys: Math.min(maxKeys, 1000),
    encodingType: q.get("encoding-type") || undefined,
  };
  const page = listPage(ctx.store.sortedKeys(route.bucket!), echo);
  const objects = page.keys.map((k) => ctx.store.object(route.bucket!, k));
  return xmlResponse(200, listObjectsXml(echo, page, objects));
}

/** POST Bucket?delete (Content-MD5 required, ≤ 1000 keys); a `delete-key-errors` fault's keys get an `<Error>` and stay. */
export async function cosDeleteObjects(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  ctx.store.bucket(route.bucket!);
  if (header(ex, "content-md5") === undefined) throw new ProtocolError("MissingContentMd5", "Missing required header for this request: Content-MD5.");
  const doc = await parseXmlBody(bodyBytes(await ctx.readBody(ex, { store: false, maxBytes: 2 * 1024 * 1024 })).toString("utf8"), "Delete");
  const quiet = childText(doc, "Quiet") === "true";
  const keys = children(doc, "Object").map((o) => childText(o, "Key") ?? "");
  if (keys.length > 1000) throw new ProtocolError("MalformedBody", "At most 1000 keys can be deleted at once.");
  const deleted: string[] = [];
  const errors: { key: string; code: string; message: string }[] = [];
  const refusal = deleteKeyRefusals(ctx.plan.faults, "cos");
  for (const k of keys) {
    if (k === "") {
      errors.push({ key: k, code: "InvalidArgument", message: "The key is empty." });
      continue;
    }
    const refused = refusal(k);
    if (refused !== undefined) {
      errors.push({ key: k, ...refused });
      continue;
    }
    await ctx.store.deleteObject(route.bucket!, k);
    deleted.push(k);
  }
  return xmlResponse(200, deleteResultXml(quiet ? [] : deleted, errors));
}
