import { describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { isQingStorStorager } from "../src/index.js";

// The guard narrows a Storager to Storager<QingStorOptions> (compile-time: test-consumer/); at run time it
// must say true of this driver's storagers only, and never throw on what a JavaScript caller passes.
describe("isQingStorStorager", () => {
  it("is true of a storager it opened (nothing sent)", () => {
    const store: Storager = newStorager("qingstor://my-bucket/?credential=hmac:AK:SK&endpoint=https:qingstor.com&location=pek3b");
    expect(isQingStorStorager(store)).toBe(true);
  });

  it("is false of another service's storager", () => {
    const other = { info: { service: "cos", name: "", workDir: "/" } } as unknown as Storager;
    expect(isQingStorStorager(other)).toBe(false);
  });

  it("is false, never a throw, of what is no storager", () => {
    for (const value of [undefined, null, 0, "qingstor", {}, { info: null }, { info: {} }]) {
      expect(isQingStorStorager(value as unknown as Storager)).toBe(false);
    }
  });
});
