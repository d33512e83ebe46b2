import { OBJECT_HEADERS, type DriverCallOptions } from "@stowage/core";
import type { EntryAttributes } from "./store.js";

/**
 * The content attributes among a call's options: content type, storage class, (a copy of) the
 * metadata and the other object headers (Cache-Control, Content-Disposition, ...).
 * @throws nothing.
 */
export function attributesOf(options: DriverCallOptions): EntryAttributes {
  const out: EntryAttributes = {};
  if (typeof options.contentType === "string") out.contentType = options.contentType;
  if (typeof options.storageClass === "string") out.storageClass = options.storageClass;
  if (options.metadata !== null && typeof options.metadata === "object") out.metadata = { ...(options.metadata as Record<string, string>) };
  for (const [field] of OBJECT_HEADERS) {
    const value = options[field];
    if (typeof value === "string") out[field] = value;
  }
  return out;
}
