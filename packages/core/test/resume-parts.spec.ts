import { createHash } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { crc64 } from "../src/integrity/crc64.js";
import { alreadyStored } from "../src/multipart/resume-parts.js";

const DATA = Buffer.from("hello part");
const md5Hex = createHash("md5").update(DATA).digest("hex");
const hashes = { crc64: crc64(DATA), md5: createHash("md5").update(DATA).digest("base64") };

describe("alreadyStored", () => {
  it("keeps a part whose MD5 ETag matches, whatever its quotes, W/ prefix or case", () => {
    for (const etag of [`"${md5Hex}"`, md5Hex, `W/"${md5Hex}"`, `"${md5Hex.toUpperCase()}"`, ` "${md5Hex}" `]) {
      expect(alreadyStored({ index: 0, size: DATA.length, etag }, DATA.length, hashes)).toBe(true);
    }
  });

  it("does not keep another MD5, another size, or a part without ETag or MD5 to compare", () => {
    expect(alreadyStored({ index: 0, size: DATA.length, etag: `"${"0".repeat(32)}"` }, DATA.length, hashes)).toBe(false);
    expect(alreadyStored({ index: 0, size: DATA.length + 1, etag: `"${md5Hex}"` }, DATA.length, hashes)).toBe(false);
    expect(alreadyStored({ index: 0, size: DATA.length, etag: "" }, DATA.length, hashes)).toBe(false);
    expect(alreadyStored({ index: 0, size: DATA.length, etag: `"${md5Hex}"` }, DATA.length, { crc64: hashes.crc64 })).toBe(false);
  });

  it("judges by the CRC-64 when the part has one", () => {
    expect(alreadyStored({ index: 0, size: DATA.length, etag: "x", crc64: hashes.crc64.toString() }, DATA.length, hashes)).toBe(true);
    expect(alreadyStored({ index: 0, size: DATA.length, etag: `"${md5Hex}"`, crc64: "1" }, DATA.length, hashes)).toBe(false);
  });
});
