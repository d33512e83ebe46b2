import { createHash } from "node:crypto";
import { crc64Combine, type Part } from "@stowage/core";

/**
 * The lower-case hex MD5 an ETag carries, when it is a plain MD5 (`"<32 hex>"`,
 * as QingStor returns for simple PUTs and parts); undefined for anything else
 * (a multipart `…-N` ETag, an appendable object's, none).
 */
export function plainMd5(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  const bare = etag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  return /^[0-9a-fA-F]{32}$/.test(bare) ? bare.toLowerCase() : undefined;
}

/** Hex form of a base64 Content-MD5. */
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
 * Undefined when a part's ETag is not a plain MD5.
 */
export function multipartEtag(parts: readonly Pick<Part, "etag">[]): string | undefined {
  const hash = createHash("md5");
  for (const p of parts) {
    const md5 = plainMd5(p.etag);
    if (md5 === undefined) return undefined;
    hash.update(Buffer.from(md5, "hex"));
  }
  return `"${hash.digest("hex")}-${parts.length}"`;
}

/** Domain of the check digits of a {@link crc64Etag} (never changes: stored objects carry them). */
const CRC_ETAG_DOMAIN = "stowage-qingstor-crc64-etag/1";
/** Most parts an upload has (QingStor part numbers 0..10000). */
const MAX_PARTS = 10_001;

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
 * @throws RangeError when `crc64` is not a decimal 64-bit value or `parts` is not 1..10001.
 */
export function crc64Etag(crc64: string, parts: number): string {
  if (!/^\d{1,20}$/.test(crc64) || BigInt(crc64) >= 1n << 64n) throw new RangeError(`not a CRC-64: ${crc64}`);
  if (!Number.isSafeInteger(parts) || parts < 1 || parts > MAX_PARTS) throw new RangeError(`not a part count: ${parts}`);
  const hex = BigInt(crc64).toString(16).padStart(16, "0");
  return `"${hex}${checkDigits(hex, parts)}-${parts}"`;
}

/**
 * The whole object's CRC-64 (decimal) a Stowage CRC ETag ({@link crc64Etag}) carries; undefined for
 * any other ETag (plain MD5, MD5 of MD5s, an appendable object's, none). Quotes, `W/` and case do not matter.
 * @throws nothing.
 */
export function crc64OfEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  const bare = etag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1").toLowerCase();
  const m = /^([0-9a-f]{16})([0-9a-f]{16})-([1-9]\d{0,4})$/.exec(bare);
  if (m === null) return undefined;
  const parts = Number(m[3]);
  if (parts > MAX_PARTS || checkDigits(m[1]!, parts) !== m[2]) return undefined;
  return BigInt(`0x${m[1]!}`).toString();
}

/**
 * The CRC-64 (decimal) of the object `parts` make, when every part carries its CRC-64 (core hashes
 * each part it sends); else undefined.
 * @throws nothing for well-formed parts (a part CRC that is not decimal gives undefined).
 */
export function combinedCrc64(parts: readonly Pick<Part, "size" | "crc64">[]): string | undefined {
  let crc = 0n;
  for (const p of parts) {
    if (p.crc64 === undefined || !/^\d{1,20}$/.test(p.crc64)) return undefined;
    crc = crc64Combine(crc, BigInt(p.crc64), p.size);
  }
  return parts.length === 0 ? undefined : crc.toString();
}

/**
 * The ETag Complete sends for `parts`: a CRC ETag ({@link crc64Etag}) when the object's CRC-64 is
 * known (`crc64`, or every part's), else the MD5-of-MD5s one ({@link multipartEtag}; undefined when a
 * part's ETag is no plain MD5).
 * @throws nothing.
 */
export function completeEtag(parts: readonly Pick<Part, "etag" | "size" | "crc64">[], crc64?: string): string | undefined {
  const crc = crc64 ?? combinedCrc64(parts);
  if (crc !== undefined && parts.length >= 1 && parts.length <= MAX_PARTS && /^\d{1,20}$/.test(crc) && BigInt(crc) < 1n << 64n) return crc64Etag(crc, parts.length);
  return multipartEtag(parts);
}
