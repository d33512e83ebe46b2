import { ErrorCode, storageError, type CopyOptions, type ObjectInfo, type WriteOptions } from "@stowage/core";
import type { CliContext } from "../context.js";
import { formatBytes } from "../format.js";
import { SAME_NAME_NOTE } from "../identity.js";
import { sameAccount, type Endpoint } from "../locations.js";
import type { CopyEnv } from "./copy-object.js";
import type { GivenFields } from "./given-fields.js";
import { headersOf, leaveOutUncarried } from "./kept-fields.js";
import type { PlanItem } from "./planner.js";
import type { TransferSettings } from "./settings.js";
import { shownPath } from "../shown-path.js";

// A copy within one storage whose flags set attributes (`--content-type`, `--metadata`,
// `--cache-control`, `--content-disposition`, `--content-encoding`, `--expires`) stays the
// service's own copy where the storage copies with attributes (core feature `copyAttributes`).
// Such a copy's attributes are replaced as a whole, so it is given the whole set a streamed copy
// would write: the source's content type, user metadata and headers (from a stat of the source: a
// listing carries no headers, COS and OSS list no type or metadata either), each flag over the
// source's value (`--metadata` replacing the source's metadata, as on a streamed copy), less what the
// destination's write would refuse (kept-fields.ts: left out with a warning; a move fails, keeping
// its source). The storage class is the source's, as on every server-side copy.

/**
 * True when a server-side copy can carry `env.writeOptions`: there are none, or the shared storage
 * copies with attributes (`copyAttributes`).
 * @throws nothing
 */
export function carriesGiven(env: CopyEnv): boolean {
  return env.writeOptions === undefined || env.shared?.store.features.copyAttributes === true;
}

/**
 * The attributes a server-side copy of `item` is given: undefined without flags (the service then
 * keeps the source's own); else the source's (`item.src` when it is a stat's answer, `item.stated`;
 * else `stat`, the caller's stat of the source, or one stat of it) with the flags over them, less
 * what the destination cannot take.
 * @throws StorageError from the source's stat (`ObjectNotExist`, ...); `InvalidArgument` (mv: the
 *   destination cannot take all of the source's attributes; nothing written, the source kept)
 */
export async function copyAttributesFor(env: CopyEnv, item: PlanItem, stat?: ObjectInfo): Promise<CopyOptions | undefined> {
  if (env.writeOptions === undefined) return undefined;
  const src: ObjectInfo = item.stated === true ? item.src : (stat ?? (await env.src.store.stat(item.srcPath, { signal: env.signal })));
  const features = env.dst.store.features;
  const options: WriteOptions = {
    ...(src.contentType !== undefined && features.contentType ? { contentType: src.contentType } : {}),
    ...(src.metadata !== undefined && Object.keys(src.metadata).length > 0 && features.userMetadata ? { metadata: src.metadata } : {}),
    ...headersOf(src),
  };
  Object.assign(options, env.writeOptions);
  // A server-side copy has no parts threshold of its own: only the single-write limit counts
  // (QingStor copies over 5 GiB in parts, which carry no Cache-Control or Content-Encoding).
  leaveOutUncarried(env, item, options, Number.MAX_SAFE_INTEGER);
  const out: CopyOptions = {};
  if (options.contentType !== undefined) out.contentType = options.contentType;
  if (options.metadata !== undefined) out.metadata = options.metadata;
  Object.assign(out, headersOf(options));
  return out;
}

/**
 * True when `item` is copied onto itself (`cp --content-type X s:a s:a`: its attributes change in place).
 * @throws nothing
 */
export function inPlace(env: CopyEnv, item: PlanItem): boolean {
  return env.shared !== undefined && env.shared.aPrefix + item.srcPath === env.shared.bPrefix + item.dstPath;
}

/**
 * A single-object cp or mv whose source and destination are (or may be) one object: refused, unless
 * it is a cp with flags (`given`) onto the very same path in the same account, which changes the
 * object's attributes in place (`cp --content-type text/html s:a.html s:a.html`) with the service's
 * copy: that needs server-side copies on (no `--no-server-side`; a streamed copy would read what it
 * overwrites), a storage that copies with attributes (`copyAttributes`), one the CLI copies within
 * (an SSE-C location names the copy source's key) and an object within the copy limit. Returns when
 * it may go on.
 * @throws StorageError `InvalidArgument` (the same object, or maybe; with flags, why they cannot
 *   change it in place; for mv, a hint at cp)
 */
export async function refuseSameObject(
  ctx: CliContext,
  command: string,
  from: { endpoint: Endpoint; key: string; display: string; info: ObjectInfo; viaLink: boolean },
  to: { endpoint: Endpoint; key: string; display: string },
  settings: TransferSettings,
  given: GivenFields | undefined,
  move: boolean,
): Promise<void> {
  const src = from.endpoint;
  const dst = to.endpoint;
  const exact = sameAccount(src.loc, dst.loc) && src.dir + from.key === dst.dir + to.key && !from.viaLink;
  let why = given !== undefined && move && exact ? "; to change its attributes in place, cp it onto itself with the flags" : "";
  if (given !== undefined && !move && exact) {
    const features = src.store.features;
    const service = src.store.info.service;
    const limit = features.limits.copySizeMaximum;
    let reason: string | undefined;
    if (!settings.serverSide) reason = "--no-server-side streams every copy, and a streamed copy cannot read the object it overwrites";
    else if (!features.copyAttributes) reason = `${service} cannot set attributes on a copy (it lacks the copyAttributes feature)`;
    else if ((await ctx.locations.shared(src, dst)) === undefined) reason = `${service} cannot copy it server-side here (an SSE-C location must name the copy source's key)`;
    else if (limit !== undefined && (from.info.size ?? 0) > limit) reason = `the object is larger than the ${formatBytes(limit)} a server-side copy takes`;
    if (reason === undefined) return;
    why = `; its attributes cannot change in place: ${reason}`;
  }
  const note = move && src.loc.type !== "fs" ? `; ${SAME_NAME_NOTE}` : "";
  throw storageError(ErrorCode.InvalidArgument, `source and destination are (or may be) the same object (${shownPath(from.display)}, ${shownPath(to.display)})${why}${note}`, { op: command });
}
