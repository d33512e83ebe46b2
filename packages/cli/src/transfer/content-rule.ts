import { bareEtag, type ObjectInfo } from "@stowage/core";
import type { Endpoint } from "../locations.js";
import type { StoredObject } from "../verify.js";

// Which same-size pairs `sync` settles by content rather than by times, where that is cheap (a
// local read, or a checksum the other side lists) and reliable (a checksum the service states).

/**
 * Which side of a sync is a local file with no CRC-64 facing a service that has one (listed, or
 * on a stat): then equal sizes are decided by hashing the local file, never by times — a copy's
 * time is when it was made, so times alone would re-send every object on each round trip.
 */
export interface LocalVsCrc {
  srcLocal: boolean;
  dstLocal: boolean;
}

/** {@link LocalVsCrc} of two endpoints: fs on one side, a service reporting CRC-64s on the other. @throws nothing */
export function localVsCrc(src: Endpoint, dst: Endpoint): LocalVsCrc {
  const crc = (e: Endpoint): boolean => e.loc.type !== "fs" && e.store.features.crc64 === true;
  return { srcLocal: src.loc.type === "fs" && crc(dst), dstLocal: dst.loc.type === "fs" && crc(src) };
}

/**
 * The MD5 (base64, the Content-MD5 form) that `info`'s ETag states, where the service's ETag is one:
 * a QingStor object's ETag of 32 hex digits (what QingStor answers a single PutObject with, as
 * `@stowage/qingstor`'s `plainMd5` reads it). Never a multipart ETag (`…-N`: neither QingStor's
 * MD5-of-MD5s nor Stowage's CRC ETag is an MD5 of the bytes), nor one of a location opened with an
 * SSE-C key (an encrypted object's ETag need not be its plain bytes' MD5), nor of another service
 * (COS and OSS report CRC-64s, compared instead). Undefined otherwise.
 * @throws nothing
 */
export function md5OfEtag(e: Endpoint, info: ObjectInfo): string | undefined {
  if (e.loc.type !== "qingstor" || info.mode !== "file" || info.etag === undefined) return undefined;
  if (/(^|&)(copy_source_)?encryption_customer_/.test(e.loc.query)) return undefined;
  const bare = bareEtag(info.etag);
  return /^[0-9a-f]{32}$/.test(bare) ? Buffer.from(bare, "hex").toString("base64") : undefined;
}

/**
 * True when a same-size pair that the times would copy ("source newer") is cheap to settle by
 * content instead: two local files (both read and hashed), or a local file against an object whose
 * listing states a checksum ({@link md5OfEtag}, or a CRC-64: QingStor's CRC ETag of a multipart
 * object Stowage completed), where only the local file is read. Elsewhere the times decide.
 * @throws nothing
 */
export function settledByContent(src: Endpoint, dst: Endpoint, s: ObjectInfo, d: ObjectInfo): boolean {
  const local = (e: Endpoint): boolean => e.loc.type === "fs";
  const stated = (e: Endpoint, info: ObjectInfo): boolean => info.crc64 !== undefined || md5OfEtag(e, info) !== undefined;
  if (local(src) && local(dst)) return true;
  if (local(src)) return stated(dst, d);
  if (local(dst)) return stated(src, s);
  return false;
}

/** One side of a compare, with the MD5 its ETag states ({@link md5OfEtag}) as its `contentMd5`. @throws nothing */
export function comparable(e: Endpoint, store: StoredObject["store"], path: string, info: ObjectInfo): StoredObject {
  const md5 = info.contentMd5 === undefined ? md5OfEtag(e, info) : undefined;
  return { store, path, info: md5 === undefined ? info : { ...info, contentMd5: md5 } };
}
