import { createRequire } from "node:module";

/** The part of crc64-ecma182.js we use: `crc64(buffer, prevDecimal)` → decimal string. */
interface Ecma182Module {
  crc64(buff: Buffer | string, prev?: string): string;
}

/**
 * crc64-ecma182.js allocates a copy of each input in a fixed 16 MiB heap and
 * aborts the whole process on a call over ~10 MiB, so inputs are fed in slices
 * of this size (4 MiB measured fastest; the limit is 8 MiB).
 */
export const CRC64_BACKEND_CHUNK = 4 * 1024 * 1024;

let lib: Ecma182Module | undefined;

/** Loads the CommonJS package on first use (it is ~1 MB of JavaScript). */
function load(): Ecma182Module {
  if (lib === undefined) {
    const require = createRequire(import.meta.url);
    lib = require("crc64-ecma182.js") as Ecma182Module;
  }
  return lib;
}

/**
 * CRC-64/XZ of `data` continuing from the final CRC `prev` (0 ≤ prev < 2^64),
 * computed by crc64-ecma182.js in slices of {@link CRC64_BACKEND_CHUNK} bytes.
 * The fallback when WebAssembly is unavailable (~500 MiB/s), and the reference
 * the WebAssembly backend is tested against.
 *
 * @throws nothing of its own (no StorageError); a failing `require` of the package propagates.
 */
export function crc64Ecma182(data: Uint8Array, prev: bigint): bigint {
  const backend = load();
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let crc = prev.toString();
  for (let at = 0; at < buf.length; at += CRC64_BACKEND_CHUNK) {
    crc = backend.crc64(buf.subarray(at, Math.min(buf.length, at + CRC64_BACKEND_CHUNK)), crc);
  }
  return BigInt(crc);
}
