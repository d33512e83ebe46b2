import type { DriverCallOptions } from "@stowage/core";
import type { EntryAttributes } from "./store.js";

/**
 * The content attributes among a call's options: content type, storage class and (a copy of) the metadata.
 * @throws nothing.
 */
export function attributesOf(options: DriverCallOptions): EntryAttributes {
  const out: EntryAttributes = {};
  if (typeof options.contentType === "string") out.contentType = options.contentType;
  if (typeof options.storageClass === "string") out.storageClass = options.storageClass;
  if (options.metadata !== null && typeof options.metadata === "object") out.metadata = { ...(options.metadata as Record<string, string>) };
  return out;
}
