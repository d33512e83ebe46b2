import { describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { isCosStorager } from "../src/index.js";

// The guard narrows a Storager to Storager<CosOptions> (compile-time: test-consumer/); at run time it
// must say true of this driver's storagers only, and never throw on what a JavaScript caller passes.
describe("isCosStorager", () => {
  it("is true of a storager it opened (nothing sent)", () => {
    const store: Storager = newStorager("cos://examplebucket-1250000000/?credential=hmac:AK:SK&location=ap-guangzhou");
    expect(isCosStorager(store)).toBe(true);
  });

  it("is false of another service's storager", () => {
    const other = { info: { service: "oss", name: "", workDir: "/" } } as unknown as Storager;
    expect(isCosStorager(other)).toBe(false);
  });

  it("is false, never a throw, of what is no storager", () => {
    for (const value of [undefined, null, 0, "cos", {}, { info: null }, { info: {} }]) {
      expect(isCosStorager(value as unknown as Storager)).toBe(false);
    }
  });
});
