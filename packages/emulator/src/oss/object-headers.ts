import type { AttributeNames } from "../common/object-attributes.js";
import { LETTERS_DIGITS_HYPHEN, standardObjectHeaders } from "../common/object-attributes.js";
import { restoreHeaderValue } from "../common/restore-state.js";
import type { Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { StoredObject, StoredSse } from "../store/types.js";
import { OssCodedError } from "./errors.js";

/**
 * OSS attribute header names and limits. The storage classes are the values OSS documents for
 * `x-oss-storage-class`, spelled as documented (other spellings are refused: the pages list exact
 * values, help page 0017-00000132); Archive, ColdArchive and DeepColdArchive objects must be restored
 * before a GetObject or a copy (help page 0016-00000404). A user metadata name takes letters, digits
 * and `-` only: another is refused with EC 0011-00000004 (its help page gives the EC, not the code or
 * status: 400 `InvalidArgument` is an assumption).
 */
export const OSS_ATTRIBUTES: AttributeNames = {
  metaPrefix: "x-oss-meta-",
  storageClassHeader: "x-oss-storage-class",
  defaultStorageClass: "Standard",
  maxMetadataBytes: 8192,
  checkMetadataName: (name) => {
    if (!LETTERS_DIGITS_HYPHEN.test(name)) {
      throw new OssCodedError("InvalidArgument", 400, "InvalidArgument", "The key of a user metadata header contains invalid characters.", "0011-00000004", {
        ArgumentName: `x-oss-meta-${name}`,
      });
    }
  },
  storageClasses: ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"],
  archive: { classes: ["Archive", "ColdArchive", "DeepColdArchive"], message: "The operation is not valid for the object's state" },
};

/** OSS CRC-64 header. */
export const OSS_CRC = "x-oss-hash-crc64ecma";

/** ETag as OSS prints it: quoted uppercase hex. */
export function ossEtag(etag: string): string {
  return `"${etag.toUpperCase()}"`;
}

/** The OSS operations that may encrypt the object they create: an AppendObject takes no KMS key id. */
export type OssSseWrite = "write" | "append";

/** 400 `code` naming an SSE header; no EC (OSS documents the rules, not the refusals' ECs). */
function sseRefusal(name: string, value: string | undefined, message: string, code = "InvalidArgument"): OssCodedError {
  const extra: Record<string, string> = { ArgumentName: name };
  if (value !== undefined) extra.ArgumentValue = value;
  return new OssCodedError("InvalidArgument", 400, code, message, "", extra);
}

/**
 * Reads the SSE a write asks for (`protocols.md` §2.7): `x-oss-server-side-encryption` (AES256, KMS,
 * SM4) and, with KMS only, `x-oss-server-side-data-encryption` (SM4) and
 * `x-oss-server-side-encryption-key-id`. An AppendObject (`operation` `append`) takes no key id:
 * OSS documents that appendable objects do not support a specified CMK id. An unknown algorithm is
 * `400 InvalidEncryptionAlgorithmError` (OSS's server-side encryption page); the other refusals are
 * `400 InvalidArgument` (an assumption: OSS documents the rules, not the answer), each with
 * `ArgumentName`; a key id is never echoed in one. OSS has no SSE-C.
 * @throws ProtocolError `InvalidArgument` (as OssCodedError, code `InvalidEncryptionAlgorithmError` or `InvalidArgument`)
 */
export function readOssSse(ex: Exchange, operation: OssSseWrite = "write"): StoredSse | undefined {
  const alg = header(ex, "x-oss-server-side-encryption");
  const data = header(ex, "x-oss-server-side-data-encryption");
  const keyId = header(ex, "x-oss-server-side-encryption-key-id");
  if (alg !== undefined && !["AES256", "KMS", "SM4"].includes(alg)) throw sseRefusal("x-oss-server-side-encryption", alg, "The encryption method specified is not supported.", "InvalidEncryptionAlgorithmError");
  if (data !== undefined && alg !== "KMS") throw sseRefusal("x-oss-server-side-data-encryption", data, "x-oss-server-side-data-encryption is valid only with x-oss-server-side-encryption: KMS.");
  if (data !== undefined && data !== "SM4") throw sseRefusal("x-oss-server-side-data-encryption", data, "The data encryption algorithm specified is not supported: it must be SM4.");
  if (keyId !== undefined && alg !== "KMS") throw sseRefusal("x-oss-server-side-encryption-key-id", undefined, "x-oss-server-side-encryption-key-id is valid only with x-oss-server-side-encryption: KMS.");
  if (keyId !== undefined && operation === "append") throw sseRefusal("x-oss-server-side-encryption-key-id", undefined, "Appendable objects do not support a specified CMK id.");
  if (alg === undefined) return undefined;
  const sse: StoredSse = { algorithm: alg };
  if (keyId !== undefined && keyId !== "") sse.kmsKeyId = keyId;
  if (data !== undefined) sse.dataEncryption = data;
  return sse;
}

/**
 * SSE response headers (PutObject, CopyObject, AppendObject, InitiateMultipartUpload, UploadPart,
 * CompleteMultipartUpload, GetObject, HeadObject): the algorithm, and with KMS the data
 * encryption and key id the object was written with.
 */
export function ossSseHeaders(sse: StoredSse | undefined): Record<string, string> {
  if (sse === undefined) return {};
  const h: Record<string, string> = { "x-oss-server-side-encryption": sse.algorithm };
  if (sse.dataEncryption !== undefined) h["x-oss-server-side-data-encryption"] = sse.dataEncryption;
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
