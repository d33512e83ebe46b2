import type { ObjectInfo, Storager, WriteOptions } from "@stowage/core";
import type { CopyEnv } from "./copy-object.js";
import type { PlanItem } from "./planner.js";

/**
 * What a streamed copy keeps of its source beyond the bytes: the content type and user metadata
 * its listing reports, else those its GET's answer reports (`ReadOptions.onObject`).
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
