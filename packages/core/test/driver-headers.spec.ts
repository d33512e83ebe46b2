import { describe, expect, it } from "@jest/globals";
import {
  decodeListedName,
  headerFields,
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
  });

  it("rejects bad names, non-ASCII values and too much metadata, naming the service and limit", () => {
    expect(() => metadataToHeaders({ "bad name": "v" }, RULE)).toThrow(/header name/);
    expect(() => metadataToHeaders({ k: "é" }, RULE)).toThrow(/printable ASCII/);
    expect(() => metadataToHeaders({ k: "x".repeat(16) }, RULE)).toThrow(/17 bytes; V keeps at most 16/);
    expect(() => metadataToHeaders({ k: "x".repeat(15) }, RULE)).not.toThrow();
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
