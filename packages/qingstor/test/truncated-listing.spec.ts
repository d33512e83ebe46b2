/**
 * A ListObjects answer with `has_more` that gives no way to go on is an error, never the end of the
 * listing; without `next_marker`, a page of keys continues after the last key QingStor sent (its own
 * order), not after the largest key, which could skip keys not listed yet. Forged JSON bodies.
 */
import { describe, expect, it } from "@jest/globals";
import { parseListBuckets, parseListObjects, parseListParts, parseListUploads } from "../src/responses.js";

const json = (doc: unknown): Buffer => Buffer.from(JSON.stringify(doc));
const keys = (...names: string[]): Array<{ key: string; size: number }> => names.map((key) => ({ key, size: 1 }));

describe("qingstor: truncated listing answers", () => {
  it("has_more with next_marker continues there", () => {
    expect(parseListObjects(json({ has_more: true, next_marker: "m", keys: keys("b", "a") })).nextMarker).toBe("m");
  });

  it("has_more without next_marker continues after the last key as sent, not the largest", () => {
    const page = parseListObjects(json({ has_more: true, keys: keys("c", "z", "b") }));
    expect(page.items.map((o) => o.key)).toEqual(["b", "c", "z"]);
    expect(page.nextMarker).toBe("b");
    expect(parseListObjects(json({ has_more: true, next_marker: "", keys: keys("y", "x") })).nextMarker).toBe("x");
  });

  it("has_more without next_marker is Unexpected (retryable) when the page is empty or holds common prefixes", () => {
    const unexpected = (doc: unknown): void => {
      try {
        parseListObjects(json(doc));
      } catch (e) {
        expect(e).toMatchObject({ code: "Unexpected", retryable: true });
        return;
      }
      throw new Error(`no error for ${JSON.stringify(doc)}`);
    };
    unexpected({ has_more: true });
    unexpected({ has_more: true, keys: [], common_prefixes: [] });
    unexpected({ has_more: true, common_prefixes: ["d/"] });
    unexpected({ has_more: true, common_prefixes: ["d/"], keys: keys("a") });
    expect(parseListObjects(json({ has_more: false })).nextMarker).toBeUndefined();
  });

  it("ListMultipartUploads: has_more with no next key marker and no upload is Unexpected", () => {
    expect(() => parseListUploads(json({ has_more: true, uploads: [] }))).toThrow(expect.objectContaining({ code: "Unexpected" }));
    expect(parseListUploads(json({ has_more: true, uploads: [{ key: "k", upload_id: "u" }] })).next).toEqual({ keyMarker: "k", uploadIdMarker: "u" });
  });

  it("a 200 that is no listing (an error document, no has_more, lists that are not lists) is Unexpected (retryable), never an empty last page", () => {
    const refused = (parse: (body: Buffer) => unknown, doc: unknown): void => {
      let error: unknown;
      try {
        parse(json(doc));
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: "Unexpected", retryable: true });
    };
    const errorDocument = { code: "internal_server_error", message: "m", request_id: "r", url: "u" };
    for (const parse of [(b: Buffer) => parseListObjects(b), parseListUploads, parseListParts, parseListBuckets]) {
      refused(parse, errorDocument);
      refused(parse, {});
    }
    refused((b) => parseListObjects(b), { common_prefixes: [] });
    refused((b) => parseListObjects(b), { has_more: "false", keys: [] });
    refused((b) => parseListObjects(b), { has_more: false, keys: { key: "a" } });
    refused((b) => parseListObjects(b), { has_more: false, common_prefixes: "d/" });
    refused(parseListUploads, { common_prefixes: [] });
    refused(parseListUploads, { has_more: false, uploads: {} });
    refused(parseListParts, { count: 1, object_parts: {} });
    refused(parseListBuckets, { buckets: {} });
    // Whole answers still read.
    expect(parseListObjects(json({ has_more: false, keys: null })).items).toEqual([]);
    expect(parseListUploads(json({ has_more: false }))).toEqual({ items: [] });
    expect(parseListParts(json({ count: 0 }))).toEqual([]);
    expect(parseListParts(json({ object_parts: [] }))).toEqual([]);
    expect(parseListBuckets(json({ count: 0 }))).toEqual({ items: [], count: 0 });
  });

  it("an answer of a service from before has_more (2019) pages by its next marker alone, and still needs its list", () => {
    expect(parseListObjects(json({ keys: keys("a") })).nextMarker).toBeUndefined();
    expect(parseListObjects(json({ keys: keys("a"), next_marker: "" })).nextMarker).toBeUndefined();
    expect(parseListObjects(json({ keys: keys("b", "a"), next_marker: "b" }))).toMatchObject({ nextMarker: "b", items: [{ key: "a" }, { key: "b" }] });
    expect(parseListUploads(json({ uploads: [] }))).toEqual({ items: [] });
    expect(parseListUploads(json({ uploads: [{ key: "k", upload_id: "u" }], next_key_marker: "k", next_upload_id_marker: "u" })).next).toEqual({ keyMarker: "k", uploadIdMarker: "u" });
    expect(() => parseListObjects(json({ keys: [], has_more: null, next_marker: "x" }))).not.toThrow();
  });
});
