import { describe, expect, it } from "@jest/globals";
import { Crc64, crc64, crc64Decimal, crc64Equal } from "../src/integrity/crc64.js";

const VECTORS: Array<[string, string]> = [
  ["123456789", "11051210869376104954"],
  ["hello cos", "13242225731321912570"],
  ["", "0"],
  ["a", "3675645893302102789"],
  ["hello world", "5981764153023615706"],
  ["The quick brown fox jumps over the lazy dog", "6583902852472283588"],
  ["This is a test of the emergency broadcast system.", "2871916124362751090"],
  ["123456789This is a test of the emergency broadcast system.", "7672622622872733320"],
];

const MiB = 1024 * 1024;

describe("crc64 (CRC-64/XZ)", () => {
  it.each(VECTORS)("hashes %j to %s", (input, expected) => {
    expect(crc64Decimal(input)).toBe(expected);
    expect(crc64(Buffer.from(input, "utf8"))).toBe(BigInt(expected));
  });

  it("matches the hex form of the check value", () => {
    expect(crc64("123456789").toString(16)).toBe("995dc9bbdf1939fa");
  });

  it("returns 0n for empty input and keeps prev", () => {
    expect(crc64(new Uint8Array(0))).toBe(0n);
    expect(crc64("", 42n)).toBe(42n);
  });

  it("hashes 1 MiB of zeros", () => {
    expect(crc64Decimal(Buffer.alloc(MiB))).toBe("6947770692288575170");
  });

  it("hashes 1 MiB of i & 0xFF", () => {
    const buf = Buffer.alloc(MiB);
    for (let i = 0; i < buf.length; i++) buf[i] = i & 0xff;
    expect(crc64Decimal(buf)).toBe("12198584541786614250");
  });

  it("chains through prev", () => {
    expect(crc64("6789", crc64("12345"))).toBe(11051210869376104954n);
  });

  it("accepts a plain Uint8Array view with an offset", () => {
    const backing = new Uint8Array(Buffer.from("xx123456789yy"));
    expect(crc64(backing.subarray(2, 11))).toBe(11051210869376104954n);
  });

  it("hashes a 20 MiB buffer in one call (chunked internally) like in slices", () => {
    const big = Buffer.alloc(20 * MiB);
    for (let i = 0; i < big.length; i += 4099) big[i] = (i * 31) & 0xff;
    const whole = crc64(big);
    let chained = 0n;
    for (let at = 0; at < big.length; at += 3 * MiB + 17) chained = crc64(big.subarray(at, at + 3 * MiB + 17), chained);
    expect(whole).toBe(chained);
    expect(new Crc64().update(big).value).toBe(whole);
  });
});

describe("Crc64", () => {
  it("streams updates and digests as decimal", () => {
    const h = new Crc64();
    expect(h.value).toBe(0n);
    expect(h.digest()).toBe("0");
    h.update("12345").update(Buffer.from("6789"));
    expect(h.value).toBe(11051210869376104954n);
    expect(h.digest()).toBe("11051210869376104954");
    // Reading does not end the hash.
    h.update("This is a test of the emergency broadcast system.");
    expect(h.digest()).toBe("7672622622872733320");
  });

  it("continues from an initial value", () => {
    expect(new Crc64(crc64("12345")).update("6789").digest()).toBe("11051210869376104954");
  });
});

describe("crc64Equal", () => {
  it("compares decimal strings and bigints numerically", () => {
    expect(crc64Equal("42", 42n)).toBe(true);
    expect(crc64Equal("0042", "42")).toBe(true);
    expect(crc64Equal(" 42 ", "42")).toBe(true);
    expect(crc64Equal("43", "42")).toBe(false);
  });

  it("never matches unparsable values", () => {
    expect(crc64Equal("", "0")).toBe(false);
    expect(crc64Equal("0x2a", 42n)).toBe(false);
    expect(crc64Equal("abc", "abc")).toBe(false);
    expect(crc64Equal("18446744073709551616", "18446744073709551616")).toBe(false);
  });
});
