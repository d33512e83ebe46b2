import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { checkPartIndex, DEFAULT_PART_SIZE, HASH_WINDOW, partCount, planCopyParts, planPartSize, readAheadFor } from "../src/multipart/part-plan.js";

const MiB = 1024 * 1024;

describe("planPartSize", () => {
  it("uses the request or the default, raised to the minimum", () => {
    expect(planPartSize({})).toBe(DEFAULT_PART_SIZE);
    expect(planPartSize({ partSize: 5 * MiB })).toBe(5 * MiB);
    expect(planPartSize({ partSize: 1000, multipartSizeMinimum: MiB })).toBe(MiB);
  });

  it("raises the part size to a whole MiB so the parts fit the count limit", () => {
    const size = 100_000 * MiB;
    const partSize = planPartSize({ size, partSize: 8 * MiB, multipartNumberMaximum: 10_000 });
    expect(partSize).toBe(10 * MiB);
    expect(partCount(size, partSize)).toBeLessThanOrEqual(10_000);
  });

  it("fails when the body cannot fit the limits", () => {
    const e = (() => {
      try {
        return planPartSize({ size: 10 * MiB, multipartNumberMaximum: 2, multipartSizeMaximum: 4 * MiB });
      } catch (x) {
        return x;
      }
    })();
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect(planPartSize({ size: 10 * MiB, multipartNumberMaximum: 3, multipartSizeMaximum: 4 * MiB })).toBe(4 * MiB);
  });

  it("rejects bad part sizes", () => {
    for (const partSize of [0, -1, 1.5]) expect(() => planPartSize({ partSize })).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    expect(() => planPartSize({ partSize: 6 * MiB, multipartSizeMaximum: 5 * MiB })).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });

  it("plans for an expected size (no size given) as for that size plus 1/16, so a body that grows a little still fits", () => {
    const limits = { multipartNumberMaximum: 10_000, multipartSizeMaximum: 5 * 1024 * MiB };
    // 100,000 MiB given as size: 10 MiB parts; expected: planned for 106,250 MiB, 11 MiB parts.
    expect(planPartSize({ size: 100_000 * MiB, partSize: 8 * MiB, ...limits })).toBe(10 * MiB);
    expect(planPartSize({ expectedSize: 100_000 * MiB, partSize: 8 * MiB, ...limits })).toBe(11 * MiB);
    // Well within the limit, nothing changes; a size given wins over the expected one.
    expect(planPartSize({ expectedSize: 1000 * MiB, partSize: 8 * MiB, ...limits })).toBe(8 * MiB);
    expect(planPartSize({ size: 1000 * MiB, expectedSize: 100_000 * MiB, partSize: 8 * MiB, ...limits })).toBe(8 * MiB);
    // With 16-byte parts, 160,001 bytes expected: 1 MiB parts (a whole MiB, as for a size).
    expect(planPartSize({ expectedSize: 160_001, partSize: 16, multipartNumberMaximum: 10_000 })).toBe(MiB);
  });

  it("an expected size the headroom would push past the largest parts gets them; one past them is refused, naming both figures", () => {
    const limits = { multipartNumberMaximum: 4, multipartSizeMaximum: 4 * MiB };
    expect(planPartSize({ expectedSize: 16 * MiB, partSize: MiB, ...limits })).toBe(4 * MiB);
    // It used to be ignored: 1 MiB parts, and a body of that length failed after 4 MiB were sent.
    expect(() => planPartSize({ expectedSize: 16 * MiB + 1, partSize: MiB, ...limits })).toThrow(
      expect.objectContaining({
        code: "InvalidArgument",
        message: expect.stringContaining(`a body expected to hold ${16 * MiB + 1} bytes does not fit in one object: the service stores at most ${16 * MiB} bytes (4 parts of at most ${4 * MiB} bytes)`),
      }),
    );
    expect(() => planPartSize({ size: 16 * MiB + 1, partSize: MiB, ...limits })).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    // A service's real limits (10,000 parts of 5 GiB): 60 TiB expected is refused, 48 TiB gets 5 GiB parts.
    const cloud = { multipartNumberMaximum: 10_000, multipartSizeMaximum: 5 * 1024 * MiB };
    expect(() => planPartSize({ expectedSize: 60 * 1024 * 1024 * MiB, ...cloud })).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    expect(planPartSize({ expectedSize: 48 * 1024 * 1024 * MiB, ...cloud })).toBe(5 * 1024 * MiB);
    // Without a largest part size there is nothing to be past.
    expect(planPartSize({ expectedSize: 16 * MiB + 1, partSize: MiB, multipartNumberMaximum: 4 })).toBe(5 * MiB);
  });

  it("refuses an expected size that is not a whole number of 0 or more", () => {
    for (const expectedSize of [-1, 1.5, NaN, "8" as unknown as number]) {
      expect(() => planPartSize({ expectedSize })).toThrow(expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("planPartSize: expectedSize must be a whole number") }));
    }
  });

  it("counts an empty body as one part", () => {
    expect(partCount(0, 10)).toBe(1);
    expect(partCount(21, 10)).toBe(3);
  });
});

describe("readAheadFor", () => {
  it("keeps up to HASH_WINDOW parts in memory, never more than twice the concurrency", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 32].map(readAheadFor)).toEqual([1, 2, 3, 2, 1, 0, 0, 0, 0]);
    for (let c = 1; c <= 16; c++) {
      const ahead = readAheadFor(c);
      expect(ahead).toBeGreaterThanOrEqual(0);
      expect(ahead).toBeLessThanOrEqual(c);
      expect(c + ahead).toBe(Math.max(c, Math.min(2 * c, HASH_WINDOW)));
    }
  });
});

describe("checkPartIndex", () => {
  it("accepts whole numbers from 0, below the part limit when there is one", () => {
    for (const [index, max] of [[0, undefined], [123_456, undefined], [0, 10_000], [9999, 10_000]] as const) expect(() => checkPartIndex(index, max)).not.toThrow();
    for (const [index, max] of [[-1, undefined], [1.5, undefined], [NaN, undefined], [2 ** 53, undefined], [10_000, 10_000], [-1, 10_000]] as const) {
      expect(() => checkPartIndex(index, max)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    }
    expect(() => checkPartIndex(10_000, 10_000)).toThrow(/0\.\.9999, got 10000/);
  });
});

describe("planCopyParts", () => {
  const limits = { multipartSizeMaximum: 5 * 1024 * MiB, multipartNumberMaximum: 10_000 };
  it("keeps the driver's range size while the copy fits the part limit, raises it to a whole MiB when not", () => {
    expect(planCopyParts(0, 512 * MiB, limits)).toEqual({ partSize: 512 * MiB, count: 1 });
    expect(planCopyParts(10_000 * 512 * MiB, 512 * MiB, limits)).toEqual({ partSize: 512 * MiB, count: 10_000 });
    expect(planCopyParts(20_000 * MiB + 1, MiB, limits)).toEqual({ partSize: 3 * MiB, count: 6667 });
    expect(planCopyParts(10_000 * 5 * 1024 * MiB, 512 * MiB, limits)).toEqual({ partSize: 5 * 1024 * MiB, count: 10_000 });
  });

  it("refuses a copy the largest parts cannot cover", () => {
    expect(() => planCopyParts(10_000 * 5 * 1024 * MiB + 1, 512 * MiB, limits)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });
});
