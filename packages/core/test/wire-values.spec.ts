import { describe, expect, it } from "@jest/globals";
import { parseWholeNumber, parseWireDate } from "../src/http/wire-values.js";
import { xmlDate, xmlInt } from "../src/http/xml.js";

describe("parseWholeNumber", () => {
  it("reads decimal strings (white space around allowed) and whole JSON numbers of 0 or more", () => {
    expect(parseWholeNumber("0")).toBe(0);
    expect(parseWholeNumber(" 1234 ")).toBe(1234);
    expect(parseWholeNumber("9007199254740991")).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseWholeNumber(42)).toBe(42);
  });

  it("refuses what is no whole number of 0 or more, and anything above 2^53 - 1 (string or number)", () => {
    for (const v of [undefined, null, "", " ", "-1", "+1", "1.5", "1e3", "0x10", "12a", -1, 1.5, Number.NaN, Infinity, {}, []]) {
      expect(parseWholeNumber(v)).toBeUndefined();
    }
    expect(parseWholeNumber("9007199254740992")).toBeUndefined();
    expect(parseWholeNumber("99999999999999999999")).toBeUndefined();
    expect(parseWholeNumber(2 ** 53)).toBeUndefined();
  });

  it("is what xmlInt reads", () => {
    expect(xmlInt({ Size: " 12 " }, "Size")).toBe(12);
    expect(xmlInt({ Size: "99999999999999999999" }, "Size")).toBeUndefined();
    expect(xmlInt({}, "Size")).toBeUndefined();
  });
});

describe("parseWireDate", () => {
  it("reads HTTP and ISO dates, and JSON numbers as seconds since the epoch", () => {
    expect(parseWireDate("Wed, 21 Oct 2015 07:28:00 GMT")?.toISOString()).toBe("2015-10-21T07:28:00.000Z");
    expect(parseWireDate("2015-10-21T07:28:00.000Z")?.getTime()).toBe(Date.UTC(2015, 9, 21, 7, 28));
    expect(parseWireDate(1445412480)?.toISOString()).toBe("2015-10-21T07:28:00.000Z");
    expect(xmlDate({ LastModified: "2015-10-21T07:28:00.000Z" }, "LastModified")?.getTime()).toBe(Date.UTC(2015, 9, 21, 7, 28));
  });

  it("is undefined for what is no date", () => {
    for (const v of [undefined, null, "", "yesterday", {}, true, Number.NaN]) expect(parseWireDate(v)).toBeUndefined();
  });
});
