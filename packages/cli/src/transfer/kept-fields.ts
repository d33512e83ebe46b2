import {
  ErrorCode,
  globalPairs,
  metadataSize,
  OBJECT_HEADERS,
  storageError,
  type ObjectHeaders,
  type ObjectInfo,
  type StorageFeatures,
  type Storager,
  type WriteOptions,
} from "@stowage/core";
import { shownPath } from "../shown-path.js";
import type { CopyEnv } from "./copy-object.js";
import { headerNameOf, type GivenFields } from "./given-fields.js";
import { headersLostInParts, inPartsReason } from "./in-parts.js";
import type { PlanItem } from "./planner.js";

/**
 * What a streamed copy keeps of its source beyond the bytes: the content type and user metadata
 * its listing reports, else those its GET's answer reports (`ReadOptions.onObject`), and the
 * {@link ObjectHeaders} (Cache-Control, Content-Disposition, Content-Encoding, Expires: no listing
 * reports them, a single object's stat does, else the GET's answer), less what the destination's
 * write would refuse or cannot store (left out with a warning, so the copy does not fail; a move
 * fails instead, keeping its source).
 */

/** The write options a streamed copy may still have to take from the source's answer. */
export interface Lacking {
  contentType: boolean;
  metadata: boolean;
  /** The source's headers to take from its answer (also those the destination cannot store: their loss is reported). */
  headers: Array<keyof ObjectHeaders>;
}

/**
 * What the listing did not say of the source (`item.src`) and the destination would store, unless
 * `--content-type` / `--metadata` set it, and the headers the source may have that neither the
 * listing (or stat) nor a flag gave; undefined when nothing is lacking (a local source has none of
 * them, and its type is guessed).
 * @throws nothing
 */
export function lackingFields(env: CopyEnv, item: PlanItem, from: Storager): Lacking | undefined {
  const dst = env.dst.store.features;
  const contentType = dst.contentType && from.features.contentType && item.src.contentType === undefined && env.writeOptions?.contentType === undefined;
  const metadata = dst.userMetadata && from.features.userMetadata && item.src.metadata === undefined && env.writeOptions?.metadata === undefined;
  const headers = OBJECT_HEADERS.map(([field]) => field).filter((f) => from.features[f] && item.src[f] === undefined && env.writeOptions?.[f] === undefined);
  return contentType || metadata || headers.length > 0 ? { contentType, metadata, headers } : undefined;
}

/**
 * Fills in `options` what `lacking` names from what the source's answer says of the object (the
 * copy then keeps what a stat of the source would have given it).
 * @throws nothing
 */
export function fillFromSource(options: WriteOptions, lacking: Lacking, object: ObjectInfo | undefined): void {
  if (lacking.contentType && object?.contentType !== undefined) options.contentType = object.contentType;
  if (lacking.metadata && object?.metadata !== undefined && Object.keys(object.metadata).length > 0) options.metadata = object.metadata;
  for (const field of lacking.headers) if (object?.[field] !== undefined) options[field] = object[field];
}

/**
 * The source's {@link ObjectHeaders} as its listing or stat (`src`) reports them: what a streamed
 * copy starts its write options with (those the destination cannot store are left out later, with
 * a warning: see {@link leaveOutUncarried}).
 * @throws nothing
 */
export function headersOf(src: ObjectHeaders): ObjectHeaders {
  const out: ObjectHeaders = {};
  for (const [field] of OBJECT_HEADERS) if (src[field] !== undefined) out[field] = src[field];
  return out;
}

/** What {@link dropUncarried} left out of a write's options: metadata keys, whether the content type, and headers. */
export interface LeftOut {
  /** Keys of entries a write refuses one by one (the key is no HTTP token, the value no printable ASCII). */
  metadataKeys: string[];
  /** Keys of entries left out so that the rest fits the destination's {@link LeftOut.metadataMaximum}. */
  oversizeKeys: string[];
  /** The destination's `limits.metadataMaximum`, when {@link LeftOut.oversizeKeys} is not empty. */
  metadataMaximum?: number;
  contentType: boolean;
  /** Headers the destination's check refuses (a value that is not printable ASCII); absent when none. */
  headers?: Array<keyof ObjectHeaders>;
  /** Headers the destination cannot store (it lacks the feature of the field's name); absent when none. */
  unstored?: Array<keyof ObjectHeaders>;
  /**
   * Headers the destination stores only with single-request writes (`objectHeadersSingleWriteOnly`:
   * QingStor) while this write goes in parts; absent when none.
   */
  inParts?: Array<keyof ObjectHeaders>;
}

/**
 * The keys to leave out of `metadata` so that the rest takes at most `maximum` bytes
 * (core `metadataSize`): the largest entries first (the fewest entries left out), in the given
 * order among entries of one size. None when it fits.
 */
function overLimit(metadata: Record<string, string>, maximum: number): string[] {
  let total = metadataSize(metadata);
  if (total <= maximum) return [];
  const bySize = Object.entries(metadata)
    .map(([key, value]) => ({ key, size: key.toLowerCase().length + value.length }))
    .sort((a, b) => b.size - a.size);
  const out: string[] = [];
  for (const { key, size } of bySize) {
    if (total <= maximum) break;
    out.push(key);
    total -= size;
  }
  return out;
}

/**
 * Leaves out of `options` what the copy took from its source (listing, stat or GET answer) and the
 * destination's write would refuse: user metadata entries core's `metadata` check refuses (a key
 * that is not an HTTP token; a value that is not printable ASCII, such as one another client stored
 * as UTF-8, which arrives as Latin-1 characters; a padded value); then, when the entries kept take
 * more than the destination's `metadataMaximum` bytes (core `metadataSize`; OSS keeps 8 KiB, COS and
 * QingStor 2 KiB), the largest entries until the rest fits; and a Content-Type its `content_type`
 * check refuses; and each of the {@link ObjectHeaders} the destination cannot store (`features`, when
 * given, lacks the feature of its name) or whose pair check refuses its value, or, when `inParts`
 * (the write goes in parts to a destination that stores them only with single-request writes), that
 * it would store. The other entries are kept. What the flags set (`given`) is never touched: the
 * write refuses it as it should. Undefined when nothing was left out.
 * @throws nothing
 */
export function dropUncarried(options: WriteOptions, given: GivenFields | undefined, metadataMaximum?: number, features?: StorageFeatures, inParts = false): LeftOut | undefined {
  const metadataKeys: string[] = [];
  let oversizeKeys: string[] = [];
  if (given?.metadata === undefined && options.metadata !== undefined) {
    const carried: Array<[string, string]> = [];
    for (const [key, value] of Object.entries(options.metadata)) {
      if (globalPairs.metadata.validate?.(Object.fromEntries([[key, value]])) === undefined) carried.push([key, value]);
      else metadataKeys.push(key);
    }
    // Own entries, `__proto__` too (an assignment of it would set the prototype: the key lost).
    const kept: Record<string, string> = Object.fromEntries(carried);
    if (metadataMaximum !== undefined) {
      oversizeKeys = overLimit(kept, metadataMaximum);
      for (const key of oversizeKeys) delete kept[key];
    }
    if (metadataKeys.length + oversizeKeys.length > 0) {
      if (Object.keys(kept).length > 0) options.metadata = kept;
      else delete options.metadata;
    }
  }
  let contentType = false;
  if (given?.contentType === undefined && options.contentType !== undefined && globalPairs.contentType.validate?.(options.contentType) !== undefined) {
    delete options.contentType;
    contentType = true;
  }
  const headers: Array<keyof ObjectHeaders> = [];
  const unstored: Array<keyof ObjectHeaders> = [];
  const single: Array<keyof ObjectHeaders> = [];
  for (const [field] of OBJECT_HEADERS) {
    if (given?.[field] !== undefined || options[field] === undefined) continue;
    if (features !== undefined && !features[field]) unstored.push(field);
    else if (globalPairs[field].validate?.(options[field]) !== undefined) headers.push(field);
    else if (inParts) single.push(field);
    else continue;
    delete options[field];
  }
  if (metadataKeys.length + oversizeKeys.length + headers.length + unstored.length + single.length === 0 && !contentType) return undefined;
  return {
    metadataKeys,
    oversizeKeys,
    ...(oversizeKeys.length > 0 ? { metadataMaximum } : {}),
    contentType,
    ...(headers.length > 0 ? { headers } : {}),
    ...(unstored.length > 0 ? { unstored } : {}),
    ...(single.length > 0 ? { inParts: single } : {}),
  };
}

/** `the source's Cache-Control and Expires`. */
function sourceHeaders(fields: ReadonlyArray<keyof ObjectHeaders>): string {
  const names = fields.map(headerNameOf);
  return `the source's ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`}`;
}

/**
 * What {@link dropUncarried} left out, and why, in words: the metadata keys (escaped as paths are)
 * and header names, never the values. `inParts`: why {@link LeftOut.inParts} were (see in-parts.ts).
 */
function leftOutText(left: LeftOut, service = "the destination", inParts?: string): string {
  const keys = (list: string[]): string => list.map((k) => `"${shownPath(k)}"`).join(", ");
  const what: string[] = [];
  if (left.metadataKeys.length > 0) what.push(`user metadata ${keys(left.metadataKeys)} (a write takes only printable-ASCII values under HTTP-token keys)`);
  if (left.oversizeKeys.length > 0) {
    what.push(`user metadata ${keys(left.oversizeKeys)} (the destination keeps at most ${left.metadataMaximum} bytes of names and values; the largest left out)`);
  }
  if (left.contentType) what.push("the source's Content-Type (a write takes only printable ASCII)");
  if (left.headers !== undefined) {
    const expires = left.headers.includes("httpExpires") ? "; Expires only an HTTP date such as Fri, 01 Jan 2027 00:00:00 GMT" : "";
    what.push(`${sourceHeaders(left.headers)} (a write takes only printable ASCII, at most 4,096 characters${expires})`);
  }
  if (left.unstored !== undefined) {
    what.push(`${sourceHeaders(left.unstored)} (${service} does not store ${left.unstored.length === 1 ? "it" : "them"})`);
  }
  if (left.inParts !== undefined) what.push(`${sourceHeaders(left.inParts)} (${inParts ?? `${service} stores them only with single-request writes, and this object goes in parts`})`);
  return what.join(" and ");
}

/**
 * The warning for what {@link dropUncarried} left out: it names the metadata keys (escaped as
 * paths are) and the headers, never the values; `service` names the destination's service.
 * @throws nothing
 */
export function leftOutWarning(left: LeftOut, service?: string, inParts?: string): string {
  return `leaving out ${leftOutText(left, service, inParts)}`;
}

/**
 * Before a streamed write (or a server-side copy carrying attributes: see attribute-copy.ts): leaves
 * out of `options` what the source gave that the write would refuse
 * or cannot store ({@link dropUncarried}; such as a UTF-8 metadata value another client stored, more
 * metadata than the destination keeps, a Cache-Control for fs, or one for QingStor when the object
 * goes in parts: see in-parts.ts), so that the copy goes on without it, and says so once for the
 * object (`env.warn`). A move (`env.move`) never leaves anything out:
 * its source would be deleted with the only copy of what was left out, so the object fails before
 * anything is written, and the source stays as it is. `largeThreshold`: the size above which the
 * copy goes in parts (a streamed one: `--large-threshold`; a server-side one: none of its own, so
 * only the destination's single-write limit counts).
 * @throws StorageError `InvalidArgument` (a move that would leave something out: nothing written,
 *   the source kept; the message names the metadata keys and headers, never the values)
 */
export function leaveOutUncarried(env: CopyEnv, item: PlanItem, options: WriteOptions, largeThreshold = env.settings.largeThreshold): void {
  const dst = env.dst.store;
  const features = dst.features;
  const inParts = headersLostInParts(dst, largeThreshold, item.size);
  const left = dropUncarried(options, env.writeOptions, features.limits.metadataMaximum, features, inParts);
  if (left === undefined) return;
  const service = dst.info.service;
  const why = left.inParts === undefined ? undefined : inPartsReason(dst, item.size, left.inParts.length);
  if (env.move) {
    throw storageError(
      ErrorCode.InvalidArgument,
      `not moved: the destination cannot take ${leftOutText(left, service, why)}; nothing was written and the source is kept (cp copies it without them)`,
      { op: "move", service, path: item.dstPath },
    );
  }
  env.warn?.(item, leftOutWarning(left, service, why));
}
