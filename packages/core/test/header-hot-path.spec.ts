/**
 * Helpers on every request's path that now take shortcuts (issue 4) give what they gave before:
 * `encodeKeyPath` returns a key of unreserved characters and `/` as it is, `metadataFromHeaders`
 * walks the header record's own names without an array per header, and `headerFields` says
 * "none" without listing what it found.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { encodeKeyPath, encodeRfc3986 } from "../src/http/http-request.js";
import { metadataFromHeaders } from "../src/http/metadata-headers.js";
import { headerFields } from "../src/http/response-headers.js";

/** What encodeKeyPath gave before its shortcut. */
const segmentwise = (key: string): string => key.split("/").map(encodeRfc3986).join("/");

describe("encodeKeyPath", () => {
  it("gives what encoding each segment gives, for plain keys and any other", () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9\-._~/]{0,30}$/);
    const any = fc.string({ unit: "grapheme", maxLength: 30 });
    fc.assert(
      fc.property(fc.oneof(plain, any), (key) => {
        expect(encodeKeyPath(key)).toBe(segmentwise(key));
      }),
      { numRuns: 500 },
    );
    expect(encodeKeyPath("dir/sub/file-1.0_~x")).toBe("dir/sub/file-1.0_~x");
    expect(encodeKeyPath("//a//")).toBe("//a//");
    expect(encodeKeyPath("a b/c!")).toBe("a%20b/c%21");
  });

  it("still refuses a key with a lone surrogate", () => {
    expect(() => encodeKeyPath("dir/\ud800")).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });
});

describe("metadataFromHeaders", () => {
  it("reads own headers only, from plain and prototype-less records alike", () => {
    const inherited = Object.create({ "x-v-meta-inherited": "no" }) as Record<string, string>;
    inherited["x-v-meta-own"] = "yes";
    inherited["etag"] = "e";
    expect(metadataFromHeaders(inherited, "x-v-meta-")).toEqual({ own: "yes" });

    const bare = Object.create(null) as Record<string, string | string[] | undefined>;
    bare["x-v-meta-a"] = "1";
    bare["x-v-meta-list"] = ["x", "y"];
    bare["x-v-meta-gone"] = undefined;
    bare["content-length"] = "3";
    expect(metadataFromHeaders(bare, "x-v-meta-")).toEqual({ a: "1", list: "x, y" });
    expect(metadataFromHeaders(Object.create(null), "x-v-meta-")).toBeUndefined();
  });

  it("keeps names such as __proto__ as entries of their own", () => {
    const out = metadataFromHeaders({ "x-v-meta-__proto__": "p", "x-v-meta-hasOwnProperty": "h" }, "x-v-meta-")!;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.entries(out)).toEqual([
      ["__proto__", "p"],
      ["hasOwnProperty", "h"],
    ]);
  });
});

describe("headerFields", () => {
  const table = [
    ["versionId", "x-v-version-id"],
    ["objectType", "x-v-object-type"],
  ] as const;

  it("gives the fields found, or undefined when none is", () => {
    expect(headerFields({ "x-v-object-type": "appendable", etag: "e" }, table)).toEqual({ objectType: "appendable" });
    expect(headerFields({ "x-v-version-id": "", "x-v-object-type": ["a", "b"] }, table)).toEqual({ versionId: "", objectType: "a, b" });
    expect(headerFields({ etag: "e" }, table)).toBeUndefined();
  });
});
