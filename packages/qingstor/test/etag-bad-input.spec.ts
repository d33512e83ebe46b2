import { describe, expect, it } from "@jest/globals";
import { crc64, crc64Decimal, isStorageError } from "@stowage/core";
import { combinedCrc64, completeEtag, crc64Etag, crc64OfEtag, multipartEtag } from "../src/index.js";

// The exported ETag helpers: an argument of the wrong type or range is a StorageError
// `InvalidArgument` naming it; a part they cannot use gives undefined, as documented.

/** The InvalidArgument `fn` throws synchronously. */
function invalid(fn: () => unknown, names: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (!isStorageError(thrown)) throw new Error(`expected a StorageError InvalidArgument, got ${String(thrown)}`);
  expect(thrown.code).toBe("InvalidArgument");
  expect(thrown.message).toContain(names);
}

const md5a = "0cc175b9c0f1b6a831c399e269772661";
const partA = { etag: `"${md5a}"`, size: 1, crc64: crc64Decimal("a") };
const partB = { etag: `"${"b".repeat(32)}"`, size: 2, crc64: crc64Decimal("bc") };

describe("crc64Etag", () => {
  it("InvalidArgument for a crc64 that is not a decimal string below 2^64", () => {
    for (const v of [undefined, null, 42, {}, "", "x", "-1", (1n << 64n).toString()]) invalid(() => crc64Etag(v as never, 1), "crc64Etag: crc64");
  });
  it("InvalidArgument for a part count that is not 1..10001", () => {
    for (const n of [0, -1, 1.5, 10_002, "1", undefined]) invalid(() => crc64Etag("42", n as never), "crc64Etag: parts");
    expect(crc64OfEtag(crc64Etag("42", 10_001))).toBe("42");
  });
});

describe("combinedCrc64 and completeEtag", () => {
  it("InvalidArgument for parts that are not an array", () => {
    for (const v of [undefined, null, 42, {}]) {
      invalid(() => combinedCrc64(v as never), "combinedCrc64: parts");
      invalid(() => completeEtag(v as never), "completeEtag: parts");
      invalid(() => multipartEtag(v as never), "multipartEtag: parts");
    }
  });

  it("undefined for a part whose size or CRC-64 cannot be used (no throw, as documented)", () => {
    for (const bad of [{ size: -1 }, { size: 1.5 }, { size: "1" }, { size: undefined }, { size: {} }, { crc64: 5 }, { crc64: "x" }]) {
      const part = { ...partB, ...bad };
      expect(combinedCrc64([partA, part] as never)).toBeUndefined();
      // No CRC-64 to put in the ETag: the MD5-of-MD5s one is sent instead.
      expect(completeEtag([partA, part] as never)).toBe(multipartEtag([partA, partB]));
    }
    expect(combinedCrc64([partA, null] as never)).toBeUndefined();
    expect(completeEtag([partA, null] as never)).toBeUndefined();
  });

  it("well-formed parts still give the CRC ETag of their combined CRC-64", () => {
    expect(combinedCrc64([partA, partB])).toBe(crc64("abc").toString());
    expect(crc64OfEtag(completeEtag([partA, partB]))).toBe(crc64("abc").toString());
    expect(combinedCrc64([])).toBeUndefined();
  });
});
