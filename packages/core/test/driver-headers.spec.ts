import { describe, expect, it } from "@jest/globals";
import {
  decodeListedName,
  headerFields,
  LETTERS_DIGITS_HYPHEN,
  metadataFromHeaders,
  metadataToHeaders,
  objectSizeFromHeaders,
  parseUploadToken,
  uploadToken,
} from "../src/index.js";

const RULE = { prefix: "x-v-meta-", limit: 16, service: "V" };

describe("user metadata headers", () => {
  it("writes lower-cased names under the prefix, and reads them back", () => {
    expect(metadataToHeaders(undefined, RULE)).toEqual({});
    const headers = metadataToHeaders({ Color: "red", n: "1" }, RULE);
    expect(headers).toEqual({ "x-v-meta-color": "red", "x-v-meta-n": "1" });
    expect(metadataFromHeaders({ ...headers, etag: "e", "x-v-meta-list": ["a", "b"] as unknown as string }, "x-v-meta-")).toEqual({ color: "red", n: "1", list: "a, b" });
    expect(metadataFromHeaders({ etag: "e" }, "x-v-meta-")).toBeUndefined();
    // A name like an inherited member is an entry of its own, never the object's prototype.
    const odd = metadataFromHeaders({ "x-v-meta-__proto__": "p", "x-v-meta-constructor": "c" }, "x-v-meta-")!;
    expect(Object.keys(odd)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(JSON.stringify(odd)).toBe('{"__proto__":"p","constructor":"c"}');
  });

  it("rejects bad names, non-ASCII values and too much metadata, naming the service and limit", () => {
    expect(() => metadataToHeaders({ "bad name": "v" }, RULE)).toThrow(/header name/);
    expect(() => metadataToHeaders({ k: "é" }, RULE)).toThrow(/printable ASCII/);
    expect(() => metadataToHeaders({ k: "x".repeat(16) }, RULE)).toThrow(/17 bytes; V keeps at most 16/);
    expect(() => metadataToHeaders({ k: "x".repeat(15) }, RULE)).not.toThrow();
  });

  it("with a names rule (COS, OSS: letters, digits and -), refuses any other HTTP token as InvalidArgument naming the rule", () => {
    const narrow = { ...RULE, limit: 2048, names: LETTERS_DIGITS_HYPHEN };
    expect(metadataToHeaders({ "File-Type2": "v", "-": "w" }, narrow)).toEqual({ "x-v-meta-file-type2": "v", "x-v-meta--": "w" });
    for (const name of ["file_type", "a.b", "x+y", "q'q", "t~", "a|b", "Café"]) {
      expect(() => metadataToHeaders({ ok: "1", [name]: "v" }, narrow)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    }
    expect(() => metadataToHeaders({ File_Type: "v" }, narrow)).toThrow('metadata key "File_Type": V takes only letters, digits and "-" in metadata names');
    // Without the rule any HTTP token goes.
    expect(metadataToHeaders({ file_type: "v", "a.b": "w" }, RULE)).toEqual({ "x-v-meta-file_type": "v", "x-v-meta-a.b": "w" });
  });
});

describe("response headers", () => {
  it("takes the object size from Content-Range on a 206, else Content-Length", () => {
    expect(objectSizeFromHeaders(206, { "content-length": "10", "content-range": "bytes 0-9/4096" })).toBe(4096);
    expect(objectSizeFromHeaders(206, { "content-length": "10", "content-range": "bytes 0-9/*" })).toBeUndefined();
    expect(objectSizeFromHeaders(200, { "content-length": " 10 " })).toBe(10);
    expect(objectSizeFromHeaders(200, { "content-length": "-1" })).toBeUndefined();
    expect(objectSizeFromHeaders(200, {})).toBeUndefined();
  });

  it("refuses a size no number holds exactly (above 2^53 - 1) as Unexpected naming the header, never a rounded size", () => {
    const max = String(Number.MAX_SAFE_INTEGER);
    expect(objectSizeFromHeaders(200, { "content-length": max })).toBe(Number.MAX_SAFE_INTEGER);
    expect(objectSizeFromHeaders(206, { "content-range": `bytes 0-9/${max}` })).toBe(Number.MAX_SAFE_INTEGER);
    // 2^53 + 1 reads as 2^53 through Number(): another size.
    const over = "9007199254740993";
    const refused = (status: number, headers: Record<string, string>): unknown => {
      try {
        return objectSizeFromHeaders(status, headers);
      } catch (e) {
        return e;
      }
    };
    expect(refused(200, { "content-length": over })).toMatchObject({ code: "Unexpected", retryable: false, statusCode: 200, detail: expect.stringContaining(`Content-Length gives the object's size as ${over}`) });
    expect(refused(206, { "content-length": "10", "content-range": `bytes 0-9/${over}` })).toMatchObject({ code: "Unexpected", statusCode: 206, detail: expect.stringContaining("Content-Range") });
    const long = "9".repeat(400);
    const e = refused(200, { "content-length": long }) as Error & { detail: string };
    expect(e.detail).toContain("a number of 400 digits");
    expect(e.detail).not.toContain(long);
  });

  it("collects the present headers of a table, or nothing", () => {
    const table = [["objectType", "x-v-object-type"], ["versionId", "x-v-version-id"]] as const;
    expect(headerFields({ "x-v-version-id": "v1" }, table)).toEqual({ versionId: "v1" });
    expect(headerFields({}, table)).toBeUndefined();
  });
});

describe("listing helpers", () => {
  it("decodes url-encoded listed names, leaving bad encodings alone", () => {
    expect(decodeListedName("a%2Bb+c%20d")).toBe("a+b c d");
    expect(decodeListedName("bad%zz")).toBe("bad%zz");
  });

  it("round-trips uploads tokens and rejects foreign ones", () => {
    const token = uploadToken({ key: "k/1", id: "u1" });
    expect(parseUploadToken(token)).toEqual({ key: "k/1", id: "u1" });
    for (const bad of ["", "x", "[1,2]", '["a"]', '{"a":1}']) expect(() => parseUploadToken(bad)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });
});
