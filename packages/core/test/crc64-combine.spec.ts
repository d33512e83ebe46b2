import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isStorageError } from "../src/errors/storage-error.js";
import { crc64 } from "../src/integrity/crc64.js";
import { combinePartCrcs, crc64Combine } from "../src/integrity/crc64-combine.js";

describe("crc64Combine", () => {
  it("combines the §4.1 vector", () => {
    const a = crc64("123456789");
    const b = crc64("This is a test of the emergency broadcast system.");
    expect(crc64Combine(a, b, 49)).toBe(7672622622872733320n);
    expect(crc64Combine(a, b, 49n)).toBe(7672622622872733320n);
  });

  it("combines 12345 and 6789 into the check value", () => {
    expect(crc64Combine(crc64("12345"), crc64("6789"), 4)).toBe(11051210869376104954n);
  });

  it("treats a zero first CRC as an empty prefix", () => {
    for (const s of ["a", "hello world", "123456789"]) {
      expect(crc64Combine(0n, crc64(s), Buffer.byteLength(s))).toBe(crc64(s));
    }
  });

  it("returns crc1 for len2 = 0", () => {
    expect(crc64Combine(crc64("abc"), 0n, 0)).toBe(crc64("abc"));
    expect(crc64Combine(crc64("abc"), 0n, 0n)).toBe(crc64("abc"));
  });

  it("handles lengths beyond 32 bits (matches zero-byte feeding)", () => {
    // crc(A‖Z) for Z = n zero bytes, checked by composing smaller shifts.
    const a = crc64("abc");
    const z1 = crc64(Buffer.alloc(1 << 20));
    const z2 = crc64Combine(z1, z1, 1 << 20); // crc of 2 MiB zeros
    expect(z2).toBe(crc64(Buffer.alloc(2 << 20)));
    const big = 2 ** 40;
    const viaTwoSteps = crc64Combine(crc64Combine(a, 0n, big), 0n, big);
    expect(crc64Combine(a, 0n, 2 * big)).toBe(viaTwoSteps);
    expect(crc64Combine(a, 0n, BigInt(2 * big))).toBe(viaTwoSteps);
    expect(crc64Combine(a, 0n, (1n << 63n) + 5n)).toBe(crc64Combine(crc64Combine(a, 0n, 1n << 63n), 0n, 5));
  });

  it("rejects invalid lengths with InvalidArgument", () => {
    for (const bad of [-1, 1.5, Number.NaN, -1n, 1n << 64n]) {
      let caught: unknown;
      try {
        crc64Combine(1n, 2n, bad);
      } catch (e) {
        caught = e;
      }
      expect(isStorageError(caught, "InvalidArgument")).toBe(true);
    }
  });

  it("equals the CRC of the concatenation for random splits", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const buf = Buffer.from(bytes);
        const points = [...new Set(cuts.map((c) => (buf.length === 0 ? 0 : c % (buf.length + 1))))].sort((x, y) => x - y);
        const bounds = [0, ...points, buf.length];
        let acc = 0n;
        for (let i = 0; i + 1 < bounds.length; i++) {
          const piece = buf.subarray(bounds[i], bounds[i + 1]);
          acc = crc64Combine(acc, crc64(piece), piece.length);
        }
        expect(acc).toBe(crc64(buf));
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with chained updates for a pair split anywhere", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), fc.nat(), (bytes, cut) => {
        const buf = Buffer.from(bytes);
        const at = cut % (buf.length + 1);
        const a = buf.subarray(0, at);
        const b = buf.subarray(at);
        expect(crc64Combine(crc64(a), crc64(b), b.length)).toBe(crc64(b, crc64(a)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("combinePartCrcs", () => {
  it("is the CRC-64 and size of the parts joined in order, or undefined when a part lacks its CRC-64", () => {
    const parts = ["12345", "6789", ""].map((s) => ({ crc64: crc64(s).toString(), size: Buffer.byteLength(s) }));
    expect(combinePartCrcs(parts)).toEqual({ crc64: crc64("123456789").toString(), size: 9 });
    expect(combinePartCrcs([{ crc64: ` ${crc64("ab")} `, size: 2 }])).toEqual({ crc64: crc64("ab").toString(), size: 2 });
    expect(combinePartCrcs([...parts, { size: 3 }])).toBeUndefined();
    expect(combinePartCrcs([{ crc64: "0x12", size: 1 }])).toBeUndefined();
    expect(combinePartCrcs([])).toEqual({ crc64: "0", size: 0 });
  });
});
