import type { Route } from "../common/operations.js";
import { validateBucketName } from "../common/path-style.js";
import { ProtocolError } from "../common/protocol-error.js";
import { emptyResponse, jsonResponse, parseNonNegativeInt } from "../common/responses.js";
import { deleteKeyRefusals } from "../faults/delete-key-errors.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { bodyBytes } from "../server/request-body.js";
import { listPage } from "../store/listing.js";
import { qingStorAccessKey } from "./auth.js";
import { listBucketsJson, listObjectsJson } from "./json-bodies.js";

function baseUrl(ex: Exchange): string {
  const secure = (ex.req.socket as { encrypted?: boolean }).encrypted === true;
  return `${secure ? "https" : "http"}://${ex.req.socket.localAddress ?? "127.0.0.1"}:${ex.req.socket.localPort ?? 0}`;
}

/**
 * ListBuckets (GET Service): the caller's own buckets, as QingStor lists only the requester's. A
 * bucket is the caller's when its access key created it; buckets created at start (no owner) are
 * every key's. Optional `Location` header filter, `offset`/`limit` paging; `count` is the total.
 */
export function qsListBuckets(ex: Exchange, _route: Route, ctx: HandlerContext): EmulatorResponse {
  const q = ex.query;
  const offset = q.get("offset") ? parseNonNegativeInt(q.get("offset")!) : 0;
  const limit = q.get("limit") ? parseNonNegativeInt(q.get("limit")!) : 100;
  if (offset === undefined || limit === undefined) throw new ProtocolError("InvalidArgument", "offset and limit must be non-negative integers.");
  const location = ex.req.headers["location"];
  const zone = typeof location === "string" && location !== "" ? location : undefined;
  const caller = qingStorAccessKey(ex);
  const all = ctx.store.listBuckets().filter((b) => (b.owner === undefined || b.owner === caller) && (zone === undefined || b.region === zone));
  return jsonResponse(200, listBucketsJson(all.slice(offset, offset + Math.min(limit, 1000)), all.length, baseUrl(ex)));
}

/**
 * PutBucket (201); the bucket is owned by the access key that signed the request (see
 * {@link qsListBuckets}). An existing bucket is 409 `bucket_already_exists` for everyone, its owner included.
 */
export async function qsCreateBucket(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateBucketName(route.bucket!, "qingstor");
  await ctx.store.createBucket(route.bucket!, ctx.config.region, qingStorAccessKey(ex));
  return emptyResponse(201);
}

/** DeleteBucket (204). */
export async function qsDeleteBucket(_ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  await ctx.store.deleteBucket(route.bucket!);
  return emptyResponse(204);
}

/**
 * HeadBucket and GetBucketLocation: answered for any accepted key. The emulator keeps no ACLs, so
 * another key's bucket answers as a public-read one of another account does on QingStor (200).
 */
export function qsHeadBucket(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const b = ctx.store.bucket(route.bucket!);
  if (ex.method === "GET") return jsonResponse(200, { location: b.region });
  return emptyResponse(200);
}

/** ListObjects (`limit` default 100, max 1000). */
export function qsListObjects(ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const q = ex.query;
  const rawLimit = q.get("limit");
  const limit = rawLimit === null || rawLimit === "" ? 100 : parseNonNegativeInt(rawLimit);
  if (limit === undefined) throw new ProtocolError("InvalidArgument", "limit must be a non-negative integer.");
  const echo = { bucket: route.bucket!, prefix: q.get("prefix") ?? "", delimiter: q.get("delimiter") ?? "", marker: q.get("marker") ?? "", limit: Math.min(limit, 1000) };
  const page = listPage(ctx.store.sortedKeys(route.bucket!), { ...echo, maxKeys: echo.limit });
  const objects = page.keys.map((k) => ctx.store.object(route.bucket!, k));
  return jsonResponse(200, listObjectsJson(echo, page, objects));
}

interface DeleteDoc {
  objects?: { key?: unknown }[];
  quiet?: unknown;
}

/** DeleteMultipleObjects (Content-MD5 required, ≤ 1000 keys); a `delete-key-errors` fault's keys get an `errors` entry and stay. */
export async function qsDeleteObjects(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  ctx.store.bucket(route.bucket!);
  if (header(ex, "content-md5") === undefined) throw new ProtocolError("InvalidArgument", "Content-MD5 is required.");
  let doc: DeleteDoc;
  try {
    doc = JSON.parse(bodyBytes(await ctx.readBody(ex, { store: false, maxBytes: 2 * 1024 * 1024 })).toString("utf8")) as DeleteDoc;
  } catch {
    throw new ProtocolError("MalformedBody", "The request body is not valid JSON.");
  }
  const objects: unknown = doc?.objects ?? [];
  if (!Array.isArray(objects)) throw new ProtocolError("MalformedBody", "objects must be a list of { key } entries.");
  const keys = objects.map((o: { key?: unknown } | null | undefined) => (typeof o?.key === "string" ? o.key : ""));
  if (keys.length > 1000) throw new ProtocolError("MalformedBody", "At most 1000 keys can be deleted at once.");
  const deleted: { key: string }[] = [];
  const errors: { key: string; code: string; message: string }[] = [];
  const refusal = deleteKeyRefusals(ctx.plan.faults, "qingstor");
  for (const key of keys) {
    if (key === "") {
      errors.push({ key, code: "invalid_object_name", message: "The key is empty." });
      continue;
    }
    const refused = refusal(key);
    if (refused !== undefined) {
      errors.push({ key, ...refused });
      continue;
    }
    await ctx.store.deleteObject(route.bucket!, key);
    deleted.push({ key });
  }
  // Quiet mode leaves `deleted` out of the answer, as QingStor documents.
  return jsonResponse(200, doc.quiet === true ? { errors } : { deleted, errors });
}
