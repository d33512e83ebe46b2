import { globalPairs, type ObjectInfo, type Storager, type WriteOptions } from "@stowage/core";
import { shownPath } from "../shown-path.js";
import type { CopyEnv } from "./copy-object.js";
import type { PlanItem } from "./planner.js";

/**
 * What a streamed copy keeps of its source beyond the bytes: the content type and user metadata
 * its listing reports, else those its GET's answer reports (`ReadOptions.onObject`), less what the
 * destination's write would refuse (left out with a warning, so the copy does not fail).
 */

/** The write options a streamed copy may still have to take from the source's answer. */
export interface Lacking {
  contentType: boolean;
  metadata: boolean;
}

/**
 * What the listing did not say of the source (`item.src`) and the destination would store, unless
 * `--content-type` / `--metadata` set it; undefined when nothing is lacking (a local source has
 * neither, and its type is guessed).
 * @throws nothing
 */
export function lackingFields(env: CopyEnv, item: PlanItem, from: Storager): Lacking | undefined {
  const dst = env.dst.store.features;
  const contentType = dst.contentType && from.features.contentType && item.src.contentType === undefined && env.writeOptions?.contentType === undefined;
  const metadata = dst.userMetadata && from.features.userMetadata && item.src.metadata === undefined && env.writeOptions?.metadata === undefined;
  return contentType || metadata ? { contentType, metadata } : undefined;
}

/**
 * Fills in `options` what `lacking` names from what the source's answer says of the object (the
 * copy then keeps what a stat of the source would have given it).
 * @throws nothing
 */
export function fillFromSource(options: WriteOptions, lacking: Lacking, object: ObjectInfo | undefined): void {
  if (lacking.contentType && object?.contentType !== undefined) options.contentType = object.contentType;
  if (lacking.metadata && object?.metadata !== undefined && Object.keys(object.metadata).length > 0) options.metadata = object.metadata;
}

/** What {@link dropUncarried} left out of a write's options: metadata keys, and whether the content type. */
export interface LeftOut {
  metadataKeys: string[];
  contentType: boolean;
}

/**
 * Leaves out of `options` what the copy took from its source (listing, stat or GET answer) and the
 * destination's write would refuse: user metadata entries core's `metadata` check refuses (a key
 * that is not an HTTP token; a value that is not printable ASCII, such as one another client stored
 * as UTF-8, which arrives as Latin-1 characters; a padded value) and a Content-Type its
 * `content_type` check refuses. The other entries are kept. What `--content-type` / `--metadata`
 * set (`given`) is never touched: the write refuses it as it should. Undefined when nothing was
 * left out.
 * @throws nothing
 */
export function dropUncarried(options: WriteOptions, given: { contentType?: string; metadata?: Record<string, string> } | undefined): LeftOut | undefined {
  const metadataKeys: string[] = [];
  if (given?.metadata === undefined && options.metadata !== undefined) {
    const kept: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.metadata)) {
      if (globalPairs.metadata.validate?.({ [key]: value }) === undefined) kept[key] = value;
      else metadataKeys.push(key);
    }
    if (metadataKeys.length > 0) {
      if (Object.keys(kept).length > 0) options.metadata = kept;
      else delete options.metadata;
    }
  }
  let contentType = false;
  if (given?.contentType === undefined && options.contentType !== undefined && globalPairs.contentType.validate?.(options.contentType) !== undefined) {
    delete options.contentType;
    contentType = true;
  }
  return metadataKeys.length > 0 || contentType ? { metadataKeys, contentType } : undefined;
}

/**
 * The warning for what {@link dropUncarried} left out: it names the metadata keys (escaped as
 * paths are), never the values.
 * @throws nothing
 */
export function leftOutWarning(left: LeftOut): string {
  const what: string[] = [];
  if (left.metadataKeys.length > 0) {
    const keys = left.metadataKeys.map((k) => `"${shownPath(k)}"`).join(", ");
    what.push(`user metadata ${keys} (a write takes only printable-ASCII values under HTTP-token keys)`);
  }
  if (left.contentType) what.push("the source's Content-Type (a write takes only printable ASCII)");
  return `leaving out ${what.join(" and ")}`;
}

/**
 * Before a streamed write: leaves out of `options` what the source gave that the write would refuse
 * ({@link dropUncarried}; such as a UTF-8 metadata value another client stored), so that the copy
 * goes on without it, and says so once for the object (`env.warn`).
 * @throws nothing
 */
export function leaveOutUncarried(env: CopyEnv, item: PlanItem, options: WriteOptions): void {
  const left = dropUncarried(options, env.writeOptions);
  if (left !== undefined) env.warn?.(item, leftOutWarning(left));
}
