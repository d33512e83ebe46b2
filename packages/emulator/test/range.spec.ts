import { describe, expect, it } from "@jest/globals";
import { contentRange, parseCopyRange, parseRange } from "../src/common/range.js";

describe("parseRange", () => {
  it("serves satisfiable ranges, clamped to the object", () => {
    expect(parseRange("bytes=0-9", 100, true)).toEqual({ start: 0, end: 10 });
    expect(parseRange("bytes=90-200", 100, true)).toEqual({ start: 90, end: 100 });
    expect(parseRange("bytes=95-", 100, true)).toEqual({ start: 95, end: 100 });
    expect(parseRange("bytes=-10", 100, true)).toEqual({ start: 90, end: 100 });
    expect(contentRange({ start: 90, end: 100 }, 100)).toBe("bytes 90-99/100");
  });

  it("answers InvalidRange for a range starting at or past the end, open-ended or not, with Content-Range bytes */size", () => {
    for (const header of ["bytes=100-", "bytes=150-", "bytes=100-120", "bytes=-0"]) {
      expect(() => parseRange(header, 100, true)).toThrow(expect.objectContaining({ kind: "InvalidRange", headers: { "content-range": "bytes */100" } }));
      expect(parseRange(header, 100, false)).toBeUndefined();
    }
  });

  it("without strict (OSS's default) ignores any range not within the object: an end past it, a suffix longer than it", () => {
    expect(parseRange("bytes=0-99", 100, false)).toEqual({ start: 0, end: 100 });
    expect(parseRange("bytes=-100", 100, false)).toEqual({ start: 0, end: 100 });
    expect(parseRange("bytes=95-", 100, false)).toEqual({ start: 95, end: 100 });
    expect(parseRange("bytes=90-100", 100, false)).toBeUndefined();
    expect(parseRange("bytes=2-1000", 100, false)).toBeUndefined();
    expect(parseRange("bytes=-101", 100, false)).toBeUndefined();
    // With strict, as RFC 7233: cut to the object.
    expect(parseRange("bytes=-101", 100, true)).toEqual({ start: 0, end: 100 });
  });

  it("ignores malformed and absent headers (whole object)", () => {
    expect(parseRange(undefined, 100, true)).toBeUndefined();
    expect(parseRange("bytes=9-3", 100, true)).toBeUndefined();
    expect(parseRange("bytes=-", 100, true)).toBeUndefined();
    expect(parseRange("items=0-1", 100, true)).toBeUndefined();
    expect(parseRange("bytes=0-1,5-6", 100, true)).toBeUndefined();
  });
});

describe("parseCopyRange", () => {
  it("takes bytes=first-last within the source", () => {
    expect(parseCopyRange("bytes=0-99", 100)).toEqual({ start: 0, end: 100 });
    expect(parseCopyRange("bytes=5-5", 100)).toEqual({ start: 5, end: 6 });
  });

  it("refuses anything else with InvalidArgument, never cutting it to the source", () => {
    for (const header of ["bytes=0-100", "bytes=90-1000", "bytes=100-100", "bytes=-10", "bytes=5-", "bytes=9-3", "bytes=0-1,5-6", "items=0-1", ""]) {
      expect(() => parseCopyRange(header, 100)).toThrow(expect.objectContaining({ kind: "InvalidArgument" }));
    }
  });
});
