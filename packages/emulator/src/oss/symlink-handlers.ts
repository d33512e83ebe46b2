import { safeDecode } from "../common/encoding.js";
import { readAttributes } from "../common/object-attributes.js";
import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { emptyResponse } from "../common/responses.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { notSymlink } from "./errors.js";
import { checkForbidOverwrite, validateOssKey } from "./object-handlers.js";
import { OSS_ATTRIBUTES, ossEtag } from "./object-headers.js";
import { encodeSymlinkTarget, installSymlink, SYMLINK_TARGET_HEADER } from "./symlinks.js";

/** PutSymlink (`PUT ?symlink`, `x-oss-symlink-target`); user metadata and storage class are the link's. */
export async function ossPutSymlink(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  validateOssKey(route.key!);
  const raw = header(ex, SYMLINK_TARGET_HEADER);
  const target = raw === undefined ? undefined : safeDecode(raw);
  if (target === undefined || target === "") {
    throw new ProtocolError("InvalidArgument", "x-oss-symlink-target is missing or not URL-encoded.", { ArgumentName: SYMLINK_TARGET_HEADER, ArgumentValue: raw ?? "" });
  }
  validateOssKey(target);
  const attrs = readAttributes(ex, OSS_ATTRIBUTES);
  const guard = checkForbidOverwrite(ex, route, ctx);
  await ctx.readBody(ex, { store: false, maxBytes: 1024 * 1024 });
  const o = await installSymlink(ctx.store, route.bucket!, route.key!, target, attrs, guard);
  return emptyResponse(200, { etag: ossEtag(o.etag) });
}

/** GetSymlink (`GET ?symlink`): 200 with the encoded target, or 404 `NoSuchKey`, or 400 `NotSymlink`. */
export function ossGetSymlink(_ex: Exchange, route: Route, ctx: HandlerContext): EmulatorResponse {
  const o = ctx.store.object(route.bucket!, route.key!);
  if (o.symlinkTarget === undefined) throw notSymlink();
  const h: Record<string, string> = {
    [SYMLINK_TARGET_HEADER]: encodeSymlinkTarget(o.symlinkTarget),
    etag: ossEtag(o.etag),
    "last-modified": new Date(o.lastModified).toUTCString(),
    "x-oss-storage-class": o.storageClass,
  };
  for (const [k, v] of Object.entries(o.metadata)) h[OSS_ATTRIBUTES.metaPrefix + k] = v;
  return emptyResponse(200, h);
}
