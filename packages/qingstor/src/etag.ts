import { createHash } from "node:crypto";
import { bareEtag, combinePartCrcs, ErrorCode, storageError, type Part, type StorageError } from "@stowage/core";
import { UPLOAD_PARTS_MAXIMUM } from "./part-numbers.js";

/** The `InvalidArgument` error for a bad argument of the helpers here. */
function invalid(message: string): StorageError {
  return storageError(ErrorCode.InvalidArgument, message);
}

/** How a message names the kind of an argument of the wrong type (never its value). */
function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/**
 * The lower-case hex MD5 an ETag carries, when it is a plain MD5 (`"<32 hex>"`,
 * as QingStor returns for simple PUTs and parts); undefined for anything else
 * (a multipart `…-N` ETag, an appendable object's, none, or a value that is no string).
 * @throws nothing.
 */
export function plainMd5(etag: string | undefined): string | undefined {
  if (typeof etag !== "string") return undefined;
  const bare = bareEtag(etag);
  return /^[0-9a-f]{32}$/.test(bare) ? bare : undefined;
}

/** Hex form of a base64 Content-MD5. @throws nothing */
export function md5HexOfBase64(contentMd5: string): string {
  return Buffer.from(contentMd5, "base64").toString("hex");
}

/**
 * True when `etag` says the service stored something else than the bytes whose
 * Content-MD5 is `contentMd5`. False when either is missing or the ETag is no plain MD5.
 */
export function etagContradicts(etag: string | undefined, contentMd5: string | undefined): boolean {
  const md5 = plainMd5(etag);
  return md5 !== undefined && contentMd5 !== undefined && md5 !== md5HexOfBase64(contentMd5);
}

/**
 * The S3-convention ETag of a multipart object, `"<md5 of the parts' MD5 digests>-<count>"`: what
 * Stowage stores at Complete when it does not know every part's CRC-64 (see {@link completeEtag}).
 * Undefined when a part is not an object or its ETag is not a plain MD5.
 * @throws StorageError `InvalidArgument` when `parts` is not an array.
 */
export function multipartEtag(parts: readonly Pick<Part, "etag">[]): string | undefined {
  if (!Array.isArray(parts)) throw invalid(`multipartEtag: parts must be an array of parts, got ${kindOf(parts)}`);
  const hash = createHash("md5");
  for (const p of parts) {
    const md5 = p !== null && typeof p === "object" ? plainMd5(p.etag) : undefined;
    if (md5 === undefined) return undefined;
    hash.update(Buffer.from(md5, "hex"));
  }
  return `"${hash.digest("hex")}-${parts.length}"`;
}

/** Domain of the check digits of a {@link crc64Etag} (never changes: stored objects carry them). */
const CRC_ETAG_DOMAIN = "stowage-qingstor-crc64-etag/1";
/**
 * Most parts a CRC ETag names: what a QingStor upload can hold (part numbers 0..10000), not the
 * 10,000 Stowage writes, so that the ETag's range is QingStor's, as listings' are. Stowage makes a
 * CRC ETag only from parts whose CRC-64 it knows (parts this process wrote: at most 10,000); a
 * Complete of more parts (uploaded elsewhere) sends the MD5-of-MD5s ETag.
 */
const MAX_PARTS = UPLOAD_PARTS_MAXIMUM;

/** The 16 check hex digits of a CRC ETag: the first 64 bits of SHA-256(domain, crc hex, part count). */
function checkDigits(crcHex: string, parts: number): string {
  return createHash("sha256").update(`${CRC_ETAG_DOMAIN}\n${crcHex}\n${parts}`).digest("hex").slice(0, 16);
}

/**
 * The ETag Stowage stores for a multipart object whose CRC-64/ECMA-182 it knows (QingStor computes
 * no ETag for one and keeps the one Complete sends): `"<c><k>-<parts>"`, the shape of an S3 multipart
 * ETag (32 lower-case hex digits, `-`, the part count), where `<c>` is the CRC-64 as 16 hex digits
 * and `<k>` 16 check digits (SHA-256 of a fixed domain string, `<c>` and the part count).
 * {@link crc64OfEtag} takes an ETag for one only when its check digits match: an MD5-of-MD5s ETag
 * another tool stored passes by accident with a chance of 2^-64.
 * @throws StorageError `InvalidArgument` when `crc64` is not a decimal string below 2^64 or `parts` is not a whole number 1..10001.
 */
export function crc64Etag(crc64: string, parts: number): string {
  if (typeof crc64 !== "string" || !/^\d{1,20}$/.test(crc64) || BigInt(crc64) >= 1n << 64n) {
    throw invalid(`crc64Etag: crc64 must be a decimal string below 2^64, got ${typeof crc64 === "string" ? JSON.stringify(crc64.slice(0, 40)) : kindOf(crc64)}`);
  }
  if (!Number.isSafeInteger(parts) || parts < 1 || parts > MAX_PARTS) {
    throw invalid(`crc64Etag: parts must be a whole number 1..${MAX_PARTS}, got ${typeof parts === "number" ? parts : kindOf(parts)}`);
  }
  const hex = BigInt(crc64).toString(16).padStart(16, "0");
  return `"${hex}${checkDigits(hex, parts)}-${parts}"`;
}

/**
 * The whole object's CRC-64 (decimal) a Stowage CRC ETag ({@link crc64Etag}) carries; undefined for
 * any other ETag (plain MD5, MD5 of MD5s, an appendable object's, none). Quotes, `W/` and case do not matter.
 * @throws nothing.
 */
export function crc64OfEtag(etag: string | undefined): string | undefined {
  if (typeof etag !== "string") return undefined;
  const bare = bareEtag(etag);
  const m = /^([0-9a-f]{16})([0-9a-f]{16})-([1-9]\d{0,4})$/.exec(bare);
  if (m === null) return undefined;
  const parts = Number(m[3]);
  if (parts > MAX_PARTS || checkDigits(m[1]!, parts) !== m[2]) return undefined;
  return BigInt(`0x${m[1]!}`).toString();
}

/**
 * The CRC-64 (decimal) of the object `parts` make, when every part carries its CRC-64 (core hashes
 * each part it sends); undefined when there are no parts or a part cannot be used (not an object, no
 * CRC-64 or one that is not a decimal string below 2^64, a size that is not a whole number of 0 or more).
 * @throws StorageError `InvalidArgument` when `parts` is not an array (nothing for any part in one).
 */
export function combinedCrc64(parts: readonly Pick<Part, "size" | "crc64">[]): string | undefined {
  if (!Array.isArray(parts)) throw invalid(`combinedCrc64: parts must be an array of parts, got ${kindOf(parts)}`);
  return parts.length === 0 ? undefined : combinePartCrcs(parts)?.crc64;
}

/**
 * The ETag Complete sends for `parts`: a CRC ETag ({@link crc64Etag}) when the object's CRC-64 is
 * known (`crc64`, or every part's), else the MD5-of-MD5s one ({@link multipartEtag}); undefined when
 * neither can be made (a part's ETag is no plain MD5, or a part is not an object).
 * @throws StorageError `InvalidArgument` when `parts` is not an array (nothing for any part in one).
 */
export function completeEtag(parts: readonly Pick<Part, "etag" | "size" | "crc64">[], crc64?: string): string | undefined {
  if (!Array.isArray(parts)) throw invalid(`completeEtag: parts must be an array of parts, got ${kindOf(parts)}`);
  const crc = crc64 ?? combinedCrc64(parts);
  if (typeof crc === "string" && parts.length >= 1 && parts.length <= MAX_PARTS && /^\d{1,20}$/.test(crc) && BigInt(crc) < 1n << 64n) return crc64Etag(crc, parts.length);
  return multipartEtag(parts);
}
