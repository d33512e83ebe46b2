import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { encodeKeyPath, encodeRfc3986, queryString, requestUrl } from "../src/http/http-request.js";
import { buildXml, parseXml, xmlText } from "../src/http/xml.js";

/** What `fn` threw (fails the test when it returned). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("text no URL can carry is InvalidArgument, not a URIError", () => {
  const lone = ["\uD800", "a\uDC00b", "key/\uDBFF", "x\uD83D"];

  it("encodeRfc3986, encodeKeyPath, queryString and requestUrl refuse a lone surrogate without showing the text", () => {
    for (const text of lone) {
      for (const call of [
        () => encodeRfc3986(text),
        () => encodeKeyPath(`dir/${text}`),
        () => queryString([["response-content-disposition", text]]),
        () => queryString([[text, undefined]]),
        () => requestUrl({ protocol: "https", host: "h", path: "/k", query: [["prefix", text]] }),
      ]) {
        const e = thrown(call);
        expect(isStorageError(e, "InvalidArgument")).toBe(true);
        expect((e as Error).message).toContain("lone surrogate");
        expect((e as Error).message).not.toContain(text);
      }
    }
  });

  it("a whole surrogate pair still encodes as its UTF-8 bytes", () => {
    expect(encodeRfc3986("\uD83D\uDE00")).toBe("%F0%9F%98%80");
    expect(encodeKeyPath("a/\uD83D\uDE00 b")).toBe("a/%F0%9F%98%80%20b");
  });
});

describe("buildXml: text XML 1.0 cannot carry is InvalidArgument", () => {
  it("refuses control characters, U+FFFE, U+FFFF and lone surrogates in text", () => {
    for (const value of ["a\u0001b", "\u0000", "\u001F", "x\uFFFE", "\uFFFF", "\uD800", "a\uDC00"]) {
      const e = thrown(() => buildXml("CompleteMultipartUpload", { Part: [{ PartNumber: 1, ETag: value }] }));
      expect(isStorageError(e, "InvalidArgument")).toBe(true);
      expect((e as Error).message).toContain("CompleteMultipartUpload XML body");
    }
  });

  it("refuses an element name that is not an XML name", () => {
    expect(isStorageError(thrown(() => buildXml("Delete", { "a b": "x" })), "InvalidArgument")).toBe(true);
  });

  it("still renders tab, LF and characters beyond the BMP, which parse back", async () => {
    const text = "a\tb\nc\u00e9\uD83D\uDE00";
    const doc = await parseXml(buildXml("R", { Key: text }));
    expect(xmlText(doc.value, "Key")).toBe(text);
  });
});
