import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { typeName, wrongType } from "../errors/wrong-type.js";
import { parseCrc64 } from "./crc64.js";

// Polynomial arithmetic over GF(2) modulo the CRC-64/XZ polynomial, in the
// reflected bit order the CRC uses (bit 63 is x^0). Values travel as two
// unsigned 32-bit halves: plain numbers are much faster than BigInt here.

const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

let outHi = 0;
let outLo = 0;

/** (a · b) mod P, result in outHi/outLo. */
function multiply(aHi: number, aLo: number, bHi: number, bLo: number): void {
  let pHi = 0;
  let pLo = 0;
  for (let i = 0; i < 64; i++) {
    const bit = i < 32 ? (aHi >>> (31 - i)) & 1 : (aLo >>> (63 - i)) & 1;
    if (bit) {
      pHi ^= bHi;
      pLo ^= bLo;
      // Stop once a has no lower-order terms left.
      if (i < 32 ? (aHi & (2 ** (31 - i) - 1)) === 0 && aLo === 0 : (aLo & (2 ** (63 - i) - 1)) === 0) break;
    }
    const carry = bLo & 1;
    bLo = ((bLo >>> 1) | (bHi << 31)) >>> 0;
    bHi >>>= 1;
    if (carry) {
      bHi = (bHi ^ POLY_HI) >>> 0;
      bLo = (bLo ^ POLY_LO) >>> 0;
    }
  }
  outHi = pHi >>> 0;
  outLo = pLo >>> 0;
}

/** X2N[k] = x^(2^k) mod P as [hi, lo]; 72 entries cover lengths below 2^64 bytes. */
const X2N: Array<readonly [number, number]> = [[0x40000000, 0]];
for (let k = 1; k < 72; k++) {
  const [h, l] = X2N[k - 1]!;
  multiply(h, l, h, l);
  X2N.push([outHi, outLo]);
}

/** Recently used x^(8·len) mod P, so combining many equal-size parts costs one multiply each. */
const shiftCache = new Map<number, readonly [number, number]>();
const SHIFT_CACHE_MAX = 256;

/** x^(8·len) mod P: the operator that feeds `len` zero bytes through the CRC register. */
function byteShift(len: number | bigint): readonly [number, number] {
  const cacheKey = typeof len === "number" ? len : len <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(len) : undefined;
  if (cacheKey !== undefined) {
    const hit = shiftCache.get(cacheKey);
    if (hit) return hit;
  }
  let pHi = 0x80000000;
  let pLo = 0;
  let k = 3;
  if (cacheKey !== undefined) {
    for (let n = cacheKey; n > 0; n = Math.floor(n / 2), k++) {
      if (n % 2 === 1) {
        const [h, l] = X2N[k]!;
        multiply(h, l, pHi, pLo);
        pHi = outHi;
        pLo = outLo;
      }
    }
  } else {
    for (let n = BigInt(len); n > 0n; n >>= 1n, k++) {
      if (n & 1n) {
        const [h, l] = X2N[k]!;
        multiply(h, l, pHi, pLo);
        pHi = outHi;
        pLo = outLo;
      }
    }
  }
  const result = [pHi, pLo] as const;
  if (cacheKey !== undefined) {
    if (shiftCache.size >= SHIFT_CACHE_MAX) shiftCache.clear();
    shiftCache.set(cacheKey, result);
  }
  return result;
}

/**
 * CRC-64/XZ of `A‖B` from `crc1 = crc64(A)`, `crc2 = crc64(B)` and `len2 = B.length`,
 * without the bytes (multiplication by x^(8·len2) modulo the polynomial; results
 * equal zlib's GF(2) matrix method). Costs a few microseconds; repeated lengths are cached.
 *
 * @example crc64Combine(crc64("12345"), crc64("6789"), 4) === crc64("123456789")
 * @throws StorageError `InvalidArgument` when `crc1` or `crc2` is not a bigint, or `len2` is not a
 *   number or bigint, or is negative, fractional or at least 2^64.
 */
export function crc64Combine(crc1: bigint, crc2: bigint, len2: number | bigint): bigint {
  if (typeof crc1 !== "bigint") throw wrongType("crc64Combine", "crc1", "a bigint", crc1);
  if (typeof crc2 !== "bigint") throw wrongType("crc64Combine", "crc2", "a bigint", crc2);
  if (typeof len2 === "number" ? !Number.isSafeInteger(len2) || len2 < 0 : typeof len2 !== "bigint" || len2 < 0n || len2 >= 1n << 64n) {
    const shown = typeof len2 === "number" || typeof len2 === "bigint" ? String(len2) : typeName(len2);
    throw storageError(ErrorCode.InvalidArgument, `crc64Combine: len2 must be a whole number of bytes below 2^64, got ${shown}`);
  }
  if (len2 === 0 || len2 === 0n) return BigInt.asUintN(64, crc1);
  const a = BigInt.asUintN(64, crc1);
  const [sHi, sLo] = byteShift(len2);
  multiply(sHi, sLo, Number(a >> 32n), Number(a & 0xffffffffn));
  const shifted = (BigInt(outHi) << 32n) | BigInt(outLo);
  return shifted ^ BigInt.asUintN(64, crc2);
}

/**
 * The CRC-64 (decimal) and size of the object `parts` make, in the order given; `undefined` when a
 * part cannot be used: not an object, no CRC-64 (or one that is not a decimal number below 2^64),
 * or a size that is not a whole number of 0 or more (or a total above `Number.MAX_SAFE_INTEGER`).
 * Drivers use it to recognise an object a lost Complete answer made.
 * @throws StorageError `InvalidArgument` when `parts` is not an array (nothing for any part in one).
 */
export function combinePartCrcs(parts: ReadonlyArray<{ crc64?: string | undefined; size: number }>): { crc64: string; size: number } | undefined {
  if (!Array.isArray(parts)) throw wrongType("combinePartCrcs", "parts", "an array of parts", parts);
  let crc = 0n;
  let size = 0;
  for (const p of parts as ReadonlyArray<unknown>) {
    if (p === null || typeof p !== "object") return undefined;
    const { crc64, size: partSize } = p as { crc64?: unknown; size?: unknown };
    const partCrc = typeof crc64 === "string" ? parseCrc64(crc64) : undefined;
    if (partCrc === undefined || !Number.isSafeInteger(partSize) || (partSize as number) < 0) return undefined;
    crc = crc64Combine(crc, partCrc, partSize as number);
    size += partSize as number;
    if (!Number.isSafeInteger(size)) return undefined;
  }
  return { crc64: crc.toString(), size };
}
