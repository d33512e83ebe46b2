import { describe, expect, it } from "@jest/globals";
import { etagConditionHeaders, etagConditionValue, withoutEtagConditions } from "../src/http/condition-headers.js";

describe("If-Match / If-None-Match headers from ifMatch / ifNoneMatch", () => {
  it("quotes each ETag, drops W/, keeps *, and writes the letters in the service's case", () => {
    expect(etagConditionValue('W/"AB", cd ,"-3"', "lower")).toBe('"ab", "cd", "-3"');
    expect(etagConditionValue('W/"ab", cd ,"-3"', "upper")).toBe('"AB", "CD", "-3"');
    expect(etagConditionValue('"*"', "lower")).toBe("*");
    expect(etagConditionHeaders({ ifMatch: "ab", ifNoneMatch: "*", contentType: "x" }, "upper")).toEqual({ "if-match": '"AB"', "if-none-match": "*" });
    expect(etagConditionHeaders({ contentType: "x" }, "lower")).toEqual({});
  });

  it("withoutEtagConditions drops ifMatch / ifNoneMatch and keeps the rest", () => {
    const plain = { contentType: "x" };
    expect(withoutEtagConditions(plain)).toBe(plain);
    expect(withoutEtagConditions({ ifMatch: "a", ifNoneMatch: "b", contentType: "x" })).toEqual({ contentType: "x" });
  });
});
