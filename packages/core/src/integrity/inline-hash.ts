import { crc64 } from "./crc64.js";
import type { HashJobMessage } from "./hash-worker.js";
import { md5Base64 } from "./md5.js";

/** What `HashPool.hash` (hash-pool.ts) computed. */
export interface PartHashes {
  /** CRC-64/XZ of the bytes. */
  crc64: bigint;
  /** Base64 MD5 of the bytes, when asked for. */
  md5?: string;
}

/** The algorithm of one hashing job: `md5` (base64 digest) or `crc64` (decimal). */
export type HashAlgorithm = HashJobMessage["algorithm"];

/**
 * One algorithm over `data` on the calling thread, in the form a worker answers
 * with: the base64 MD5, or the CRC-64 in decimal.
 *
 * @throws nothing.
 */
export function inlineHash(algorithm: HashAlgorithm, data: Buffer): string {
  return algorithm === "md5" ? md5Base64(data) : crc64(data).toString();
}

/**
 * The CRC-64 (and, with `md5`, the base64 MD5) of `data` on the calling thread.
 *
 * @throws nothing.
 */
export function inlineHashes(data: Buffer, md5: boolean): PartHashes {
  const crc = crc64(data);
  return md5 ? { crc64: crc, md5: md5Base64(data) } : { crc64: crc };
}
