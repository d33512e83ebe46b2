import { OBJECT_HEADERS, type DriverCallOptions } from "@stowage/core";
import { assignAttributes, type EntryAttributes } from "./store.js";

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

/** True when a copy's options replace the source's attributes: any of content type, metadata or an object header (storage class alone does not). @throws nothing. */
export function replacesAttributes(given: EntryAttributes): boolean {
  return Object.keys(given).some((k) => k !== "storageClass");
}

/**
 * The attributes a copy gets (feature `copyAttributes`): given a content type, metadata or an
 * object header, exactly those given (none of the source's others: the services' REPLACE); without
 * any, the source's. The storage class is the one given, else the source's. Core has already left
 * out what open-time defaults filled in, so only the call's own attributes are here.
 * @throws nothing.
 */
export function copiedAttributes(source: EntryAttributes, options: DriverCallOptions): EntryAttributes {
  const given = attributesOf(options);
  const out: EntryAttributes = {};
  assignAttributes(out, replacesAttributes(given) ? given : source);
  const storageClass = given.storageClass ?? source.storageClass;
  if (storageClass === undefined) delete out.storageClass;
  else out.storageClass = storageClass;
  return out;
}
