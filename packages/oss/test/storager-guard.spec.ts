import { describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { isOssStorager } from "../src/index.js";

// The guard narrows a Storager to Storager<OssOptions> (compile-time: test-consumer/); at run time it
// must say true of this driver's storagers only, and never throw on what a JavaScript caller passes.
describe("isOssStorager", () => {
  it("is true of a storager it opened (nothing sent)", () => {
    const store: Storager = newStorager("oss://examplebucket/?credential=hmac:AK:SK&endpoint=https:oss-cn-hangzhou.aliyuncs.com");
    expect(isOssStorager(store)).toBe(true);
  });

  it("is false of another service's storager", () => {
    const other = { info: { service: "cos", name: "", workDir: "/" } } as unknown as Storager;
    expect(isOssStorager(other)).toBe(false);
  });

  it("is false, never a throw, of what is no storager", () => {
    for (const value of [undefined, null, 0, "oss", {}, { info: null }, { info: {} }]) {
      expect(isOssStorager(value as unknown as Storager)).toBe(false);
    }
  });
});
