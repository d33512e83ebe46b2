import { describe, expect, it } from "@jest/globals";
import { presignedMethod, type DriverCall } from "@stowage/core";

describe("presignedMethod", () => {
  it.each(["GET", "PUT", "POST", "DELETE"] as const)("passes %s through", (method) => {
    expect(presignedMethod(method)).toBe(method);
  });

  it("refuses HEAD with InvalidArgument rather than signing it", () => {
    const head: DriverCall["method"] = "HEAD";
    expect(() => presignedMethod(head)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });
});
