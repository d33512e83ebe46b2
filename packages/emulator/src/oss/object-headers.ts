import type { AttributeNames } from "../common/object-attributes.js";
import { standardObjectHeaders } from "../common/object-attributes.js";
import { ProtocolError } from "../common/protocol-error.js";
import { restoreHeaderValue } from "../common/restore-state.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { StoredObject, StoredSse } from "../store/types.js";

/**
 * OSS attribute header names and limits. The storage classes are the values OSS documents for
 * `x-oss-storage-class`, spelled as documented (other spellings are refused: the pages list exact
 * values, help page 0017-00000132); Archive, ColdArchive and DeepColdArchive objects must be restored
 * before a GetObject or a copy (help page 0016-00000404).
 */
export const OSS_ATTRIBUTES: AttributeNames = {
  metaPrefix: "x-oss-meta-",
  storageClassHeader: "x-oss-storage-class",
  defaultStorageClass: "Standard",
  maxMetadataBytes: 8192,
  storageClasses: ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"],
  archive: { classes: ["Archive", "ColdArchive", "DeepColdArchive"], message: "The operation is not valid for the object's state" },
};

/** OSS CRC-64 header. */
export const OSS_CRC = "x-oss-hash-crc64ecma";

/** ETag as OSS prints it: quoted uppercase hex. */
export function ossEtag(etag: string): string {
  return `"${etag.toUpperCase()}"`;
}

/**
 * Reads `x-oss-server-side-encryption` (AES256, KMS, SM4) and its key id.
 * OSS has no SSE-C.
 * @throws ProtocolError `InvalidArgument`
 */
export function readOssSse(ex: Exchange): StoredSse | undefined {
  const alg = header(ex, "x-oss-server-side-encryption");
  if (alg === undefined) return undefined;
  if (!["AES256", "KMS", "SM4"].includes(alg)) throw new ProtocolError("InvalidArgument", "The encryption method specified is not supported.", { ArgumentName: "x-oss-server-side-encryption", ArgumentValue: alg });
  return { algorithm: alg, kmsKeyId: header(ex, "x-oss-server-side-encryption-key-id") };
}

/** SSE response headers. */
export function ossSseHeaders(sse: StoredSse | undefined): Record<string, string> {
  if (sse === undefined) return {};
  const h: Record<string, string> = { "x-oss-server-side-encryption": sse.algorithm };
  if (sse.kmsKeyId) h["x-oss-server-side-encryption-key-id"] = sse.kmsKeyId;
  return h;
}

/** `Symlink` / `Normal` / `Appendable` / `Multipart`. */
export function ossObjectType(o: StoredObject): string {
  if (o.symlinkTarget !== undefined) return "Symlink";
  return o.kind === "appendable" ? "Appendable" : o.kind === "multipart" ? "Multipart" : "Normal";
}

/**
 * Headers of an object on GET/HEAD; an archived object's restore at `now` as `x-oss-restore`
 * (`ongoing-request="true"`, or `"false"` with the copy's `expiry-date`: OSS's HeadObject page).
 */
export function ossObjectHeaders(o: StoredObject, now?: number): Record<string, string> {
  const h = standardObjectHeaders(o, OSS_ATTRIBUTES.metaPrefix, ossEtag(o.etag));
  h["x-oss-object-type"] = ossObjectType(o);
  h["x-oss-storage-class"] = o.storageClass;
  const restore = now === undefined ? undefined : restoreHeaderValue(o, now);
  if (restore !== undefined) h["x-oss-restore"] = restore;
  if (o.crc64 !== undefined) h[OSS_CRC] = o.crc64;
  if (o.contentMd5 !== undefined) h["content-md5"] = o.contentMd5;
  if (o.kind === "appendable") h["x-oss-next-append-position"] = String(o.size);
  return { ...h, ...ossSseHeaders(o.sse) };
}
