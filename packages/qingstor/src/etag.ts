import { createHash } from "node:crypto";
import type { Part } from "@stowage/core";

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
 * The ETag Stowage stores for a completed multipart object (QingStor computes
 * none): `"<md5 of the parts' MD5 digests>-<count>"`, the S3 convention. Undefined
 * when a part's ETag is not a plain MD5.
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
