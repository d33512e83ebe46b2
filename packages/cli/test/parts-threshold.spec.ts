/**
 * What the CLI treats as a large object (checkpointed and resumable, in the large queue) is what core
 * writes in parts: above `--large-threshold`, or above the most one request carries (the service's
 * single-write limit; what one Buffer holds, 4 GiB on Node.js 20), whichever is lower.
 */
import { describe, expect, it } from "@jest/globals";
import { newStorager, SINGLE_REQUEST_MAXIMUM } from "@stowage/core";
import "@stowage/memory";
import { partsThreshold, withPartsThreshold } from "../src/transfer/in-parts.js";

const GiB = 1024 ** 3;

describe("withPartsThreshold", () => {
  const dst = newStorager("memory://parts-threshold/");

  it("cuts a --large-threshold above one request's most to it, so such objects are checkpointed as core sends them in parts", () => {
    const settings = { largeThreshold: 6 * GiB, partSize: 8 };
    const cut = withPartsThreshold(settings, dst);
    expect(cut.largeThreshold).toBe(Math.min(6 * GiB, SINGLE_REQUEST_MAXIMUM));
    expect(cut.largeThreshold).toBe(partsThreshold(dst, 6 * GiB));
    expect(cut.partSize).toBe(8);
    expect(settings.largeThreshold).toBe(6 * GiB);
  });

  it("leaves a threshold below it as it is (the same object)", () => {
    const settings = { largeThreshold: 5 * 1024 * 1024 };
    expect(withPartsThreshold(settings, dst)).toBe(settings);
  });
});
