import { describe, expect, it } from "@jest/globals";
import { contentRange, parseRange } from "../src/common/range.js";

describe("parseRange", () => {
  it("serves satisfiable ranges, clamped to the object", () => {
    expect(parseRange("bytes=0-9", 100, true)).toEqual({ start: 0, end: 10 });
    expect(parseRange("bytes=90-200", 100, true)).toEqual({ start: 90, end: 100 });
    expect(parseRange("bytes=95-", 100, true)).toEqual({ start: 95, end: 100 });
    expect(parseRange("bytes=-10", 100, true)).toEqual({ start: 90, end: 100 });
    expect(contentRange({ start: 90, end: 100 }, 100)).toBe("bytes 90-99/100");
  });

  it("answers InvalidRange for a range starting at or past the end, open-ended or not", () => {
    for (const header of ["bytes=100-", "bytes=150-", "bytes=100-120", "bytes=-0"]) {
      expect(() => parseRange(header, 100, true)).toThrow(expect.objectContaining({ kind: "InvalidRange" }));
      expect(parseRange(header, 100, false)).toBeUndefined();
    }
  });

  it("ignores malformed and absent headers (whole object)", () => {
    expect(parseRange(undefined, 100, true)).toBeUndefined();
    expect(parseRange("bytes=9-3", 100, true)).toBeUndefined();
    expect(parseRange("bytes=-", 100, true)).toBeUndefined();
    expect(parseRange("items=0-1", 100, true)).toBeUndefined();
    expect(parseRange("bytes=0-1,5-6", 100, true)).toBeUndefined();
  });
});
