import { describe, expect, it } from "@jest/globals";
import { checkRangeAnswer } from "../src/http/response-headers.js";

const refused = (status: number, contentRange: string | undefined, offset: number, size?: number): string | undefined => {
  try {
    checkRangeAnswer(status, contentRange, offset, size);
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe("checkRangeAnswer", () => {
  it("accepts the range asked for, cut at the object's end", () => {
    expect(refused(206, "bytes 20-29/100", 20, 10)).toBeUndefined();
    expect(refused(206, "bytes 90-99/100", 90, 50)).toBeUndefined();
    expect(refused(206, "bytes 90-99/100", 90)).toBeUndefined();
    expect(refused(206, "bytes 20-29/*", 20, 10)).toBeUndefined();
  });

  it("refuses another start; fewer or more bytes are core's to handle (resume, length check)", () => {
    expect(refused(206, "bytes 15-24/100", 20, 10)).toBe("IntegrityMismatch");
    expect(refused(206, "bytes 25-29/100", 20)).toBe("IntegrityMismatch");
    expect(refused(206, "bytes 20-24/100", 20, 10)).toBeUndefined();
    expect(refused(206, "bytes 20-49/100", 20)).toBeUndefined();
  });

  it("has nothing to check on another status or without a Content-Range it can read", () => {
    expect(refused(200, "bytes 15-24/100", 20, 10)).toBeUndefined();
    expect(refused(206, undefined, 20, 10)).toBeUndefined();
    expect(refused(206, "items 1-2/3", 20, 10)).toBeUndefined();
  });
});
