import { createHash } from "node:crypto";
import type { Route } from "../common/operations.js";
import { validateBucketName } from "../common/path-style.js";
import { ProtocolError } from "../common/protocol-error.js";
import { emptyResponse, parseNonNegativeInt, xmlResponse } from "../common/responses.js";
import { childText, children, el, parseXmlBody, renderXml } from "../common/xml.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { bodyBytes } from "../server/request-body.js";
import { compareKeys, listPage } from "../store/listing.js";
import type { StoredBucket } from "../store/types.js";
import { ossAccessKey } from "./auth.js";
import { OssCodedError } from "./errors.js";
import { bucketInfoXml, deleteResultXml, listBucketsXml, listObjectsXml } from "./xml-bodies.js";

/**
 * True when `bucket` is the caller's: its access key created it, or it was created at start (no
 * owner; every key's). The emulator counts an access key as an account.
 */
function ownedBy(bucket: StoredBucket, caller: string | undefined): boolean {
  return bucket.owner === undefined || bucket.owner === caller;
}

/**
 * ListBuckets (GetService): the caller's own buckets (see {@link ownedBy}), as OSS lists only the
 * requester's; `prefix`, `marker` (exclusive) and `max-keys` (default 100, max 1000) paging.
 */
export function ossListBuckets(ex: Exchange, _route: Route, ctx: HandlerContext): EmulatorResponse {
  const q = ex.query;
  const prefix = q.get("prefix") ?? "";
  const marker = q.get("marker") ?? "";
  const maxKeys = q.get("max-keys") ? parseNonNegativeInt(q.get("max-keys")!) : 100;
  if (maxKeys === undefined || maxKeys === 0) throw new ProtocolError("InvalidArgument", "max-keys must be an integer from 1 to 1000.");
  const limit = Math.min(maxKeys, 1000);
  const caller = ossAccessKey(ex);
  const matching = ctx.store
    .listBuckets()
    .filter((b) => ownedBy(b, caller) && b.name.startsWith(prefix) && compareKeys(b.name, marker) > 0)
    .sort((a, b) => compareKeys(a.name, b.name));
  const page = matching.slice(0, limit);
  const more = matching.length > limit ? { nextMarker: page[page.length - 1]!.name } : {};
  return xmlResponse(200, listBucketsXml(page, { prefix, marker, maxKeys: limit, ...more }));
}

/**
 * PutBucket; the bucket is owned by the access key that signed the request (see {@link ossListBuckets}).
 * An existing bucket is 409 `BucketAlreadyExists` for everyone, its owner included, as OSS answers.
 */
export async function ossCreateBucket(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateBucketName(route.bucket!);
  await ctx.store.createBucket(route.bucket!, route.hostRegion ?? ctx.config.region, ossAccessKey(ex));
  return emptyResponse(200, { location: `/${route.bucket}` });
}

/** DeleteBucket (204). */
export async function ossDeleteBucket(_ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  await ctx.store.deleteBucket(route.bucket!);
  return emptyResponse(204);
}

/**
 * GetBucketInfo (`?bucketInfo`) and HEAD. GetBucketInfo answers only the bucket's owner (see
 * {@link ownedBy}), as OSS lets only the owner view bucket info by default: another key gets 403
 * `AccessDenied`. HEAD answers any accepted key.
 * @throws ProtocolError `NoSuchBucket`, `AccessDenied`
 */
export function ossBucketInfo(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const b = ctx.store.bucket(route.bucket!);
  if (ex.method === "HEAD") return emptyResponse(200, { "x-oss-bucket-region": b.region });
  if (!ownedBy(b, ossAccessKey(ex))) throw new ProtocolError("AccessDenied", "You have no right to access this bucket: only its owner may view its info.");
  return xmlResponse(200, bucketInfoXml(b));
}

/** GetBucketLocation. */
export function ossBucketLocation(_ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  return xmlResponse(200, renderXml(el("LocationConstraint", `oss-${ctx.store.bucket(route.bucket!).region}`)));
}

/** What a continuation token's check covers, so a token is only good for the bucket that issued it. */
function tokenCheck(bucket: string, marker: string): string {
  return createHash("sha256").update(JSON.stringify(["oss-continuation-token", bucket, marker]), "utf8").digest("base64url").slice(0, 16);
}

/** The continuation token after `marker`: the marker (base64url) and a check of it. */
function tokenEncode(bucket: string, marker: string): string {
  return `${Buffer.from(marker, "utf8").toString("base64url")}.${tokenCheck(bucket, marker)}`;
}

/**
 * The marker inside a continuation token this emulator issued for `bucket`. OSS answers 400
 * `InvalidArgument` to a token it did not issue, and so does the emulator.
 * @throws ProtocolError `InvalidArgument`
 */
function tokenDecode(bucket: string, token: string): string {
  const [body, check, extra] = token.split(".");
  const marker = body !== undefined && /^[A-Za-z0-9_-]*$/.test(body) ? Buffer.from(body, "base64url").toString("utf8") : undefined;
  if (extra !== undefined || marker === undefined || check === undefined || tokenEncode(bucket, marker) !== token) {
    throw new ProtocolError("InvalidArgument", "The continuation-token is not valid.", { ArgumentName: "continuation-token" });
  }
  return marker;
}

/**
 * The `encoding-type` of a listing (objects or multipart uploads) or a DeleteMultipleObjects: none, or `url` (the one value OSS
 * documents for them). Any other is refused as OSS refuses an unknown encoding (help page
 * 0017-00000235, which also names `url2` and `base64` for other operations: the emulator encodes
 * neither, so it refuses them here too rather than answer them unencoded).
 * @throws OssCodedError 400 `InvalidArgument`, EC 0017-00000235
 */
export function encodingTypeOf(ex: Exchange): "url" | undefined {
  const value = ex.query.get("encoding-type");
  if (value === null || value === "") return undefined;
  if (value === "url") return value;
  throw new OssCodedError("InvalidArgument", 400, "InvalidArgument", "Invalid Encoding Method specified in Request", "0017-00000235", { ArgumentName: "encoding-type", ArgumentValue: value });
}

/**
 * ListObjects (V1, max-keys default 100) and ListObjectsV2 (`list-type=2`, whose continuation tokens
 * are checked: one this emulator did not issue for the bucket is 400 `InvalidArgument`). Archived
 * objects with a restore state carry `<RestoreInfo>` (see `listObjectsXml`). An `encoding-type` other
 * than `url` is 400 (see `encodingTypeOf`).
 */
export function ossListObjects(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const q = ex.query;
  const rawMax = q.get("max-keys");
  const maxKeys = rawMax === null || rawMax === "" ? 100 : parseNonNegativeInt(rawMax);
  if (maxKeys === undefined || maxKeys > 1000) throw new ProtocolError("InvalidArgument", "max-keys must be between 0 and 1000.", { ArgumentName: "max-keys" });
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") ?? "";
  const encodingType = encodingTypeOf(ex);
  const v2 = q.get("list-type") === "2";
  let marker: string;
  if (v2) {
    const token = q.get("continuation-token");
    marker = token !== null && token !== "" ? tokenDecode(route.bucket!, token) : (q.get("start-after") ?? "");
  } else marker = q.get("marker") ?? "";
  const page = listPage(ctx.store.sortedKeys(route.bucket!), { prefix, delimiter, marker, maxKeys });
  const objects = page.keys.map((k) => ctx.store.object(route.bucket!, k));
  const echo = {
    bucket: route.bucket!,
    prefix,
    delimiter,
    maxKeys,
    encodingType,
    marker: v2 ? undefined : marker,
    v2: v2
      ? {
          continuationToken: q.get("continuation-token") ?? undefined,
          startAfter: q.get("start-after") ?? undefined,
          nextToken: page.nextMarker !== undefined ? tokenEncode(route.bucket!, page.nextMarker) : undefined,
          fetchOwner: q.get("fetch-owner") === "true",
        }
      : undefined,
  };
  return xmlResponse(200, listObjectsXml(echo, page, objects, ctx.now));
}

/** DeleteMultipleObjects (Content-MD5 required, ≤ 1000 keys; `encoding-type` as on listings). */
export async function ossDeleteObjects(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  ctx.store.bucket(route.bucket!);
  const encodingType = encodingTypeOf(ex);
  if (header(ex, "content-md5") === undefined) throw new ProtocolError("InvalidArgument", "Missing required header for this request: Content-MD5.");
  const doc = await parseXmlBody(bodyBytes(await ctx.readBody(ex, { store: false, maxBytes: 2 * 1024 * 1024 })).toString("utf8"), "Delete");
  const quiet = childText(doc, "Quiet") === "true";
  const keys = children(doc, "Object").map((o) => childText(o, "Key") ?? "");
  if (keys.length > 1000) throw new ProtocolError("MalformedBody", "At most 1000 keys can be deleted at once.");
  for (const k of keys) if (k !== "") await ctx.store.deleteObject(route.bucket!, k);
  return xmlResponse(200, deleteResultXml(quiet ? [] : keys.filter((k) => k !== ""), encodingType));
}
