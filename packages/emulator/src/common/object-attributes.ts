import type { Exchange } from "../server/exchange.js";
import { header, headersWithPrefix } from "../server/exchange.js";
import type { ObjectAttributes, StoredObject, StoredSse } from "../store/types.js";
import { ProtocolError } from "./protocol-error.js";
import { restorePhase } from "./restore-state.js";

/** A user metadata name of letters, digits and `-` only: all COS and OSS take (lower-case, as headers arrive). */
export const LETTERS_DIGITS_HYPHEN = /^[a-z0-9-]+$/;

/** Provider-specific header names used for object attributes. */
export interface AttributeNames {
  /** e.g. `x-cos-meta-` */
  metaPrefix: string;
  /** e.g. `x-cos-storage-class` */
  storageClassHeader: string;
  defaultStorageClass: string;
  /** Maximum total size of user metadata (names + values), bytes. */
  maxMetadataBytes: number;
  /**
   * Refuses a user metadata name (the header's rest, lower-case) the service does not take, with
   * the provider's error (COS, OSS: anything but letters, digits and `-`); absent: any name.
   */
  checkMetadataName?: (name: string) => void;
  /** Canonical spelling of a storage class (default: uppercase); only without {@link storageClasses}. */
  normalizeStorageClass?: (v: string) => string;
  /** The storage classes the service takes, spelled exactly; others are refused (`InvalidStorageClass`). */
  storageClasses?: readonly string[];
  /** The classes whose objects cannot be read or copied until restored, and the message of that refusal (`InvalidObjectState`). */
  archive?: { classes: readonly string[]; message: string };
}

/**
 * The storage class a request asks for (`names.defaultStorageClass` without the header): one of
 * `names.storageClasses` exactly when the provider lists them, else normalized (uppercase by default).
 * @throws ProtocolError `InvalidStorageClass` (a class outside `names.storageClasses`)
 */
export function storageClassOf(ex: Exchange, names: AttributeNames): string {
  const value = header(ex, names.storageClassHeader) || names.defaultStorageClass;
  if (names.storageClasses === undefined) return (names.normalizeStorageClass ?? ((v: string) => v.toUpperCase()))(value);
  if (!names.storageClasses.includes(value)) {
    throw new ProtocolError("InvalidStorageClass", `The storage class you specified is not valid: ${names.storageClassHeader} must be one of ${names.storageClasses.join(", ")}.`, {
      ArgumentName: names.storageClassHeader,
      ArgumentValue: value,
    });
  }
  return value;
}

/**
 * Refuses to read or copy an object stored in an archive class (`names.archive`) unless restored at
 * `now` (its restore done, its copy not expired: see `restore-state.ts`): the services answer 403
 * `InvalidObjectState` until then. HEAD is not refused.
 * @throws ProtocolError `InvalidObjectState`
 */
export function checkNotArchived(o: StoredObject, names: AttributeNames, now: number): void {
  if (names.archive?.classes.includes(o.storageClass) && restorePhase(o, now) !== "done") throw new ProtocolError("InvalidObjectState", names.archive.message);
}

/**
 * Reads content headers, user metadata and storage class from a request.
 * @throws ProtocolError `InvalidArgument` when metadata is too large, what `names.checkMetadataName` throws (a name the
 *   service does not take), `InvalidStorageClass` (see {@link storageClassOf})
 */
export function readAttributes(ex: Exchange, names: AttributeNames, sse?: StoredSse): ObjectAttributes {
  const entries: Array<[string, string]> = [];
  let metaBytes = 0;
  for (const [k, v] of headersWithPrefix(ex, names.metaPrefix)) {
    const name = k.slice(names.metaPrefix.length);
    names.checkMetadataName?.(name);
    entries.push([name, v]);
    metaBytes += Buffer.byteLength(name) + Buffer.byteLength(v);
  }
  // Own entries, `__proto__` too (an assignment of it would set the prototype: the name lost).
  const metadata: Record<string, string> = Object.fromEntries(entries);
  if (metaBytes > names.maxMetadataBytes) {
    throw new ProtocolError("InvalidArgument", `Your metadata headers exceed the maximum allowed metadata size (${names.maxMetadataBytes} bytes).`);
  }
  return {
    contentType: header(ex, "content-type") || "application/octet-stream",
    cacheControl: header(ex, "cache-control") || undefined,
    contentDisposition: header(ex, "content-disposition") || undefined,
    contentEncoding: header(ex, "content-encoding") || undefined,
    contentLanguage: header(ex, "content-language") || undefined,
    expires: header(ex, "expires") || undefined,
    metadata,
    storageClass: storageClassOf(ex, names),
    sse,
  };
}

/** Copies the content attributes of an existing object (metadata directive COPY). */
export function attributesOf(o: StoredObject): ObjectAttributes {
  const { contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage, expires, metadata, storageClass, sse } = o;
  return { contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage, expires, metadata: { ...metadata }, storageClass, sse };
}

/** Standard headers of an object on GET/HEAD (content type, ETag unless `undefined`, dates, user metadata). */
export function standardObjectHeaders(o: StoredObject, metaPrefix: string, etag: string | undefined): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": o.contentType,
    ...(etag === undefined ? {} : { etag }),
    "last-modified": new Date(o.lastModified).toUTCString(),
    "accept-ranges": "bytes",
  };
  if (o.cacheControl) h["cache-control"] = o.cacheControl;
  if (o.contentDisposition) h["content-disposition"] = o.contentDisposition;
  if (o.contentEncoding) h["content-encoding"] = o.contentEncoding;
  if (o.contentLanguage) h["content-language"] = o.contentLanguage;
  if (o.expires) h["expires"] = o.expires;
  for (const [k, v] of Object.entries(o.metadata)) h[metaPrefix + k] = v;
  return h;
}

const RESPONSE_OVERRIDES: readonly [string, string][] = [
  ["response-content-type", "content-type"],
  ["response-content-language", "content-language"],
  ["response-expires", "expires"],
  ["response-cache-control", "cache-control"],
  ["response-content-disposition", "content-disposition"],
  ["response-content-encoding", "content-encoding"],
];

/** Applies `response-*` query overrides (GET only) to response headers. */
export function applyResponseOverrides(ex: Exchange, h: Record<string, string>): void {
  for (const [q, name] of RESPONSE_OVERRIDES) {
    const v = ex.query.get(q);
    if (v !== null) h[name] = v;
  }
}

/**
 * Checks an object key: non-empty, at most `maxBytes` of UTF-8.
 * @throws ProtocolError `InvalidObjectName` (empty), `KeyTooLong` (over `maxBytes`)
 */
export function validateKey(key: string, maxBytes: number): void {
  if (key === "") throw new ProtocolError("InvalidObjectName", "The object name is empty.");
  if (Buffer.byteLength(key) > maxBytes) throw new ProtocolError("KeyTooLong", `The object name is longer than ${maxBytes} bytes.`);
}
