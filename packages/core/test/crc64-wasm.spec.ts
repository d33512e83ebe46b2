import { describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { crc64, crc64Decimal, Crc64 } from "../src/integrity/crc64.js";
import { crc64Ecma182, CRC64_BACKEND_CHUNK } from "../src/integrity/crc64-ecma182.js";
import { CRC64_WASM_BASE64, CRC64_WASM_SOURCE_SHA256 } from "../src/integrity/crc64-wasm-bytes.js";
import { createCrc64Wasm, loadCrc64Wasm, type WebAssemblyApi } from "../src/integrity/crc64-wasm.js";

/** The test oracle: crc64-ecma182.js itself, fed ≤ 4 MiB per call (it aborts the process on ~11 MiB). */
const oracleLib = createRequire(import.meta.url)("crc64-ecma182.js") as {
  crc64(buf: Buffer, prev?: string): string;
};
function oracle(data: Uint8Array, prev = 0n): bigint {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let crc = prev.toString();
  for (let at = 0; at < buf.length; at += 4 * MiB) crc = oracleLib.crc64(buf.subarray(at, at + 4 * MiB), crc);
  return BigInt(crc);
}

/** The global WebAssembly API (its types are in lib "dom", which this project does not load). */
const WA = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

const MiB = 1024 * 1024;
const SCRATCH = 256 * 1024; // wasm/crc64.wat: scratchSize
const loaded = loadCrc64Wasm();
/** The WebAssembly backend under test; if it did not load, the first test fails and says so. */
const update = loaded ?? ((): never => {
  throw new Error("WebAssembly backend unavailable");
});

/** protocols.md §4.1 */
const VECTORS: Array<[string, bigint]> = [
  ["123456789", 11051210869376104954n],
  ["hello cos", 13242225731321912570n],
  ["a", 3675645893302102789n],
  ["hello world", 5981764153023615706n],
  ["The quick brown fox jumps over the lazy dog", 6583902852472283588n],
  ["This is a test of the emergency broadcast system.", 2871916124362751090n],
  ["123456789This is a test of the emergency broadcast system.", 7672622622872733320n],
];

/** A deterministic pseudo-random prev for case `i`, covering the high bit (signed i64 in wasm). */
function prevFor(i: number): bigint {
  return BigInt.asUintN(64, BigInt(i + 1) * 0x9e3779b97f4a7c15n);
}

describe("WebAssembly CRC-64 module", () => {
  it("loads on Node 20 (so crc64() does not fall back to crc64-ecma182.js)", () => {
    expect(typeof WA).toBe("object");
    expect(loaded).toBeDefined();
  });

  it("is shipped as a small precompiled module built from the committed .wat", () => {
    const bytes = Buffer.from(CRC64_WASM_BASE64, "base64");
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    expect(bytes.length).toBeLessThan(4096);
    const wat = readFileSync(new URL("../wasm/crc64.wat", import.meta.url), "utf8").replace(/\r\n/g, "\n");
    // If this fails, run `node packages/core/scripts/build-wasm.mjs` and commit the result.
    expect(createHash("sha256").update(wat).digest("hex")).toBe(CRC64_WASM_SOURCE_SHA256);
  });

  it("has fixed-size memory, so views over it are never detached", () => {
    const instance = new WA!.Instance(new WA!.Module(Buffer.from(CRC64_WASM_BASE64, "base64")));
    const memory = instance.exports["memory"] as { buffer: ArrayBuffer; grow(pages: number): number };
    const scratch = (instance.exports["scratch"] as { value: number }).value;
    const size = (instance.exports["scratchSize"] as { value: number }).value;
    expect(size).toBe(SCRATCH);
    expect(scratch + size).toBeLessThanOrEqual(memory.buffer.byteLength);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it("loads once and is the backend crc64() uses", () => {
    expect(loadCrc64Wasm()).toBe(update);
    const data = randomBytes(1000);
    expect(crc64(data, 5n)).toBe(update(data, 5n));
  });

  it("reports unavailability instead of throwing", () => {
    expect(createCrc64Wasm(undefined)).toBeUndefined();
    const broken = {
      Module: class {
        constructor() {
          throw new Error("no wasm here");
        }
      },
      Instance: class {},
    } as unknown as WebAssemblyApi;
    expect(createCrc64Wasm(broken)).toBeUndefined();
    const wrongExports = {
      Module: class {},
      Instance: class {
        readonly exports = { update: () => 0n };
      },
    } as unknown as WebAssemblyApi;
    expect(createCrc64Wasm(wrongExports)).toBeUndefined();
  });

  it("gives independent instances with the same results", () => {
    const other = createCrc64Wasm(WA);
    expect(other).toBeDefined();
    expect(other).not.toBe(update);
    const data = randomBytes(3 * SCRATCH + 5);
    expect(other!(data, 1n)).toBe(update(data, 1n));
  });
});

describe("WebAssembly backend against protocols.md §4 and crc64-ecma182.js", () => {
  it.each(VECTORS)("hashes %j", (input, expected) => {
    expect(update(Buffer.from(input, "utf8"), 0n)).toBe(expected);
    expect(oracle(Buffer.from(input, "utf8"))).toBe(expected);
  });

  it("hashes the 1 MiB vectors", () => {
    expect(update(Buffer.alloc(MiB), 0n)).toBe(6947770692288575170n);
    const ramp = Buffer.alloc(MiB);
    for (let i = 0; i < ramp.length; i++) ramp[i] = i & 0xff;
    expect(update(ramp, 0n)).toBe(12198584541786614250n);
  });

  it("matches on every length 0..300 at offsets 0..7, with and without prev", () => {
    // 24-byte blocks (3 lanes × 8 bytes): the braid starts at 48 bytes; every tail shape is covered.
    const backing = randomBytes(320);
    const plain = new Uint8Array(backing);
    let mismatches = 0;
    for (let len = 0; len <= 300; len++) {
      for (let off = 0; off < 8; off++) {
        const view = backing.subarray(off, off + len);
        const prev = prevFor(len * 8 + off);
        if (update(view, 0n) !== oracle(view)) mismatches++;
        if (update(view, prev) !== oracle(view, prev)) mismatches++;
        if (crc64(plain.subarray(off, off + len), prev) !== (len === 0 ? prev : oracle(view, prev))) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it("matches around the 256 KiB scratch boundary", () => {
    const backing = randomBytes(3 * SCRATCH + 64);
    for (const len of [SCRATCH - 25, SCRATCH - 1, SCRATCH, SCRATCH + 1, SCRATCH + 24, 2 * SCRATCH, 2 * SCRATCH + 47, 3 * SCRATCH + 61]) {
      for (const off of [0, 3]) {
        const view = backing.subarray(off, off + len);
        expect({ len, off, crc: update(view, prevFor(len)) }).toEqual({ len, off, crc: oracle(view, prevFor(len)) });
      }
    }
  });

  it("keeps prev values with the top bit set (signed i64 in WebAssembly)", () => {
    const data = Buffer.from("123456789");
    for (const prev of [1n << 63n, (1n << 64n) - 1n, (1n << 63n) + 1n, (1n << 63n) - 1n]) {
      expect(update(data, prev)).toBe(oracle(data, prev));
    }
    // crc64() reduces prev modulo 2^64, as before.
    expect(crc64(data, -1n)).toBe(oracle(data, (1n << 64n) - 1n));
    expect(crc64(data, (1n << 64n) + 5n)).toBe(oracle(data, 5n));
  });

  it("chains: crc(a‖b) === crc(b, crc(a)) at random split points", () => {
    const data = randomBytes(200_000);
    const whole = oracle(data);
    let at = 0;
    let crc = 0n;
    const h = new Crc64();
    for (let i = 0; at < data.length; i++) {
      const next = Math.min(data.length, at + 1 + ((i * 7919 + 13) % 40_000));
      crc = update(data.subarray(at, next), crc);
      h.update(new Uint8Array(data.buffer, data.byteOffset + at, next - at));
      at = next;
    }
    expect(crc).toBe(whole);
    expect(h.value).toBe(whole);
  });

  it("matches on random inputs, offsets and prev values (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.nat(7),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (bytes, off, prev) => {
          const backing = new Uint8Array(bytes.length + off);
          backing.set(bytes, off);
          const view = backing.subarray(off);
          return update(view, prev) === oracle(view, prev) && crc64(view, prev) === (bytes.length === 0 ? prev : oracle(view, prev));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("hashes a 64 MiB input like crc64-ecma182.js, in one call and in chained slices", () => {
    const big = randomBytes(64 * MiB);
    const expected = oracle(big);
    expect(update(big, 0n)).toBe(expected);
    expect(crc64Decimal(big)).toBe(expected.toString());
    // Unaligned start and odd slice sizes across the scratch boundary.
    const tail = big.subarray(3);
    let chained = crc64(big.subarray(0, 3));
    for (let at = 0; at < tail.length; at += 5 * MiB + 7) chained = crc64(tail.subarray(at, at + 5 * MiB + 7), chained);
    expect(chained).toBe(expected);
  });

  it("accepts views over a SharedArrayBuffer", () => {
    const shared = new Uint8Array(new SharedArrayBuffer(4096));
    shared.set(randomBytes(4096));
    const copy = Buffer.from(shared);
    expect(crc64(shared.subarray(5, 4000))).toBe(oracle(copy.subarray(5, 4000)));
  });
});

describe("crc64-ecma182.js fallback backend", () => {
  it("matches the vectors and the WebAssembly backend, chunked past CRC64_BACKEND_CHUNK", () => {
    expect(crc64Ecma182(Buffer.from("123456789"), 0n)).toBe(11051210869376104954n);
    expect(crc64Ecma182(new Uint8Array(Buffer.from("xx6789")).subarray(2), oracle(Buffer.from("12345")))).toBe(
      11051210869376104954n,
    );
    const data = randomBytes(2 * CRC64_BACKEND_CHUNK + 11);
    expect(crc64Ecma182(data, 9n)).toBe(update(data, 9n));
  });
});
