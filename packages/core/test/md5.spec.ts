import { describe, expect, it } from "@jest/globals";
import { Md5, md5Base64, md5Hex } from "../src/integrity/md5.js";

describe("md5", () => {
  it("hashes RFC 1321 vectors", () => {
    expect(md5Hex(Buffer.alloc(0))).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(md5Hex(Buffer.from("abc"))).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(md5Base64(Buffer.from("abc"))).toBe("kAFQmDzST7DWlj99KOF/cg==");
  });

  it("streams like the one-shot functions", () => {
    const h = new Md5().update(Buffer.from("The quick brown fox ")).update("jumps over the lazy dog");
    expect(h.digestHex()).toBe("9e107d9d372bb6826bd81d3542a419d6");
    expect(h.digestBase64()).toBe(Buffer.from("9e107d9d372bb6826bd81d3542a419d6", "hex").toString("base64"));
  });

  it("refuses updates after a digest", () => {
    const h = new Md5().update("x");
    h.digestHex();
    expect(() => h.update("y")).toThrow(TypeError);
  });
});
