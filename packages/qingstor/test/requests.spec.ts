import { createHash } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { multipartEtag, plainMd5, etagContradicts } from "../src/etag.js";
import * as req from "../src/requests.js";
import { copySourceSseHeaders, sseHeaders } from "../src/sse.js";

const KEY = Buffer.alloc(32, 7);
const md5 = (b: Buffer): string => createHash("md5").update(b).digest("base64");

describe("QingStor request builders", () => {
  it("PutObject carries length, MD5, type, metadata and storage class", () => {
    const call = req.putObject("dir/a b.txt", { data: Buffer.from("hi"), size: 2, contentMd5: "md5==" }, { contentType: "text/plain", metadata: { Color: "blue" }, storageClass: "STANDARD_IA" }, false);
    expect(call).toMatchObject({ operation: "put_object", method: "PUT", key: "dir/a b.txt", query: [] });
    expect(call.headers).toEqual({
      "content-length": "2",
      "content-md5": "md5==",
      "content-type": "text/plain",
      "x-qs-meta-color": "blue",
      "x-qs-storage-class": "STANDARD_IA",
    });
  });

  it("refuses storage classes QingStor does not have", () => {
    expect(() => req.putObject("k", { data: Buffer.alloc(0), size: 0 }, { storageClass: "ARCHIVE" }, false)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    expect(req.storageClassHeader("STANDARD")).toEqual({ "x-qs-storage-class": "STANDARD" });
  });

  it("GetObject turns offset/size into a Range", () => {
    expect(req.getObject("k", {}, {}, false).headers).toEqual({});
    expect(req.getObject("k", { offset: 5 }, {}, false).headers).toEqual({ range: "bytes=5-" });
    expect(req.getObject("k", { size: 4 }, {}, false).headers).toEqual({ range: "bytes=0-3" });
    expect(req.getObject("k", { offset: 2, size: 3 }, {}, false).headers).toEqual({ range: "bytes=2-4" });
  });

  it("HeadObject and GetObject carry If-Match / If-None-Match only when asked, quoted, letters as given and in lower case (QingStor compares the strings)", () => {
    expect(req.headObject("k", {}, false).headers).toEqual({});
    expect(req.getObject("k", { offset: 1, size: 2 }, {}, false).headers).toEqual({ range: "bytes=1-2" });
    // An ETag another client stored at Complete, as HEAD answers it: sent as it is (and in lower case, as QingStor computes ETags).
    const options = { ifMatch: '"9B2D7A0C1E5F-1"', ifNoneMatch: "*" };
    const sent = { "if-match": '"9B2D7A0C1E5F-1", "9b2d7a0c1e5f-1"', "if-none-match": "*" };
    expect(req.headObject("k", options, false).headers).toEqual(sent);
    expect(req.getObject("k", { offset: 1, size: 2 }, options, false).headers).toEqual({ range: "bytes=1-2", ...sent });
    expect(req.getObject("k", {}, { ifNoneMatch: "abc" }, false).headers).toEqual({ "if-none-match": '"abc"' });
    expect(req.headObject("k", { ifMatch: undefined }, false).headers).toEqual({});
  });

  it("condition values: every ETag of a list quoted, W/ dropped, * kept, letters as given, then in lower case where that differs", () => {
    expect(req.conditionValue("*")).toBe("*");
    expect(req.conditionValue('"*"')).toBe("*");
    expect(req.conditionValue('W/"AB", cd ,"0f-3"')).toBe('"AB", "ab", "cd", "0f-3"');
    expect(req.conditionValue('"Ab", "ab", *')).toBe('"Ab", "ab", *');
    expect(req.conditionValue('"d41d8cd98f00b204e9800998ecf8427e"')).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  });


  it("DeleteMultipleObjects sends quiet JSON with its Content-MD5, and refuses more than 1000 keys", () => {
    const call = req.deleteObjects(["a", 'b"c']);
    const body = call.body as Buffer;
    expect(JSON.parse(body.toString())).toEqual({ objects: [{ key: "a" }, { key: 'b"c' }], quiet: true });
    expect(call).toMatchObject({ method: "POST", query: [["delete", undefined]] });
    expect(call.headers).toEqual({ "content-type": "application/json", "content-length": String(body.length), "content-md5": md5(body) });
    expect(() => req.deleteObjects(new Array(1001).fill("k"))).toThrow(/1 to 1000/);
    expect(() => req.deleteObjects([])).toThrow(/1 to 1000/);
  });

  it("ListObjects pages with marker and limit", () => {
    expect(req.listObjects("p/", "/", "p/m", 100).query).toEqual([
      ["prefix", "p/"],
      ["delimiter", "/"],
      ["marker", "p/m"],
      ["limit", "100"],
    ]);
    expect(req.listObjects("", undefined, undefined, 1000).query).toEqual([["prefix", ""], ["limit", "1000"]]);
  });

  it("a presigned part upload keeps the 0-based number and signs Content-Type, size, Content-MD5 and SSE-C headers, with no body", () => {
    const call = req.presignedUploadPart("k", "ID", 4, { size: 5, contentMd5: "m", encryptionCustomerKey: KEY }, true);
    expect(call).toMatchObject({ operation: "upload_multipart", method: "PUT", key: "k", query: [["part_number", "4"], ["upload_id", "ID"]] });
    expect(call.body).toBeUndefined();
    expect(call.headers).toMatchObject({ "content-type": "application/octet-stream", "content-length": "5", "content-md5": "m", "x-qs-encryption-customer-algorithm": "AES256" });
    // Always a Content-Type (fetch would otherwise type a string or Blob body itself), never the object's.
    expect(req.presignedUploadPart("k", "ID", 0, { contentType: "text/plain" }, false).headers).toEqual({ "content-type": "application/octet-stream" });
    expect(() => req.presignedUploadPart("k", "ID", 0, { encryptionCustomerKey: KEY }, false)).toThrow(/https/);
  });

  it("multipart calls keep QingStor's 0-based part numbers; complete sends the parts in JSON and the chosen ETag", () => {
    const part = req.uploadPart("k", "ID", 0, { data: Buffer.from("x"), size: 1, contentMd5: "m" }, {}, false);
    expect(part.query).toEqual([["part_number", "0"], ["upload_id", "ID"]]);
    expect(part.headers).toEqual({ "content-length": "1", "content-md5": "m" });
    const complete = req.completeMultipart("k", "ID", [{ index: 0, etag: '"e0"' }, { index: 1, etag: '"e1"' }], '"abc-2"', {}, false);
    expect(JSON.parse((complete.body as Buffer).toString())).toEqual({ object_parts: [{ part_number: 0, etag: '"e0"' }, { part_number: 1, etag: '"e1"' }] });
    expect(complete.headers["content-md5"]).toBe(md5(complete.body as Buffer));
    expect(complete.headers["etag"]).toBe('"abc-2"');
    expect(complete.query).toEqual([["upload_id", "ID"]]);
    expect(req.initiateMultipart("k", { contentType: "a/b" }, false)).toMatchObject({ method: "POST", query: [["uploads", undefined]], headers: { "content-type": "a/b" } });
    expect(req.abortMultipart("k", "ID")).toMatchObject({ method: "DELETE", query: [["upload_id", "ID"]] });
    expect(req.listParts("k", "ID", 3, 1000).query).toEqual([["upload_id", "ID"], ["limit", "1000"], ["part_number_marker", "3"]]);
    expect(req.listUploads("p/", "k", "u", 10).query).toEqual([["uploads", undefined], ["prefix", "p/"], ["limit", "10"], ["key_marker", "k"], ["upload_id_marker", "u"]]);
    const copy = req.uploadPartCopy("k", "ID", 2, "/b/src", 10, 19, {}, false);
    expect(copy.headers).toEqual({ "content-length": "0", "x-qs-copy-source": "/b/src", "x-qs-copy-range": "bytes=10-19" });
  });

  it("append sends the position and sets attributes only on the first append", () => {
    const first = req.appendObject("log", 0, { data: Buffer.alloc(0), size: 0 }, { contentType: "text/plain", storageClass: "STANDARD" }, false);
    expect(first.query).toEqual([["append", undefined], ["position", "0"]]);
    expect(first.headers).toMatchObject({ "content-type": "text/plain", "x-qs-storage-class": "STANDARD" });
    const later = req.appendObject("log", 10, { data: Buffer.from("x"), size: 1 }, { contentType: "text/plain" }, false);
    expect(later.headers).toEqual({ "content-length": "1" });
  });

  it("copy, move and fetch are PUTs with a source header", () => {
    expect(req.copyObject("dst", "/b/src%20x", {}, false)).toMatchObject({ method: "PUT", key: "dst", headers: { "x-qs-copy-source": "/b/src%20x" } });
    expect(req.copyObject("dst", "/b/src%20x", {}, false).headers["x-qs-storage-class"]).toBeUndefined();
    // A copy keeps the source's storage class (QingStor would store STANDARD); an unknown class is not sent.
    expect(req.copyObject("dst", "/b/src", {}, false, "STANDARD_IA").headers["x-qs-storage-class"]).toBe("STANDARD_IA");
    expect(req.copyObject("dst", "/b/src", {}, false, "GLACIER").headers["x-qs-storage-class"]).toBeUndefined();
    expect(req.moveObject("dst", "/b/src")).toMatchObject({ method: "PUT", headers: { "x-qs-move-source": "/b/src" } });
    expect(req.fetchObject("k", "https://example.com/a")).toMatchObject({ method: "PUT", headers: { "x-qs-fetch-source": "https://example.com/a" } });
    // QingStor decodes the header once: every `%` goes out as `%25`, so one decoding gives the URL back.
    const href = "https://example.com/a%2520b/%E4%B8%AD?sig=x%2By%3D&p=%25|";
    expect(req.fetchObject("k", href).headers["x-qs-fetch-source"]).toBe("https://example.com/a%252520b/%25E4%25B8%25AD?sig=x%252By%253D&p=%2525%7C");
    expect(decodeURIComponent(req.fetchObject("k", href).headers["x-qs-fetch-source"]!)).toBe(href);
  });

  it("ListBuckets puts limit and offset where they belong (go-storage swapped them)", () => {
    expect(req.listBuckets(200, 100).query).toEqual([["limit", "100"], ["offset", "200"]]);
  });

  it("refuses metadata that cannot travel in a header, or beyond 2 KB", () => {
    expect(() => req.metadataHeaders({ "bad name": "v" })).toThrow(/header name/);
    expect(() => req.metadataHeaders({ k: "é" })).toThrow(/printable ASCII/);
    expect(() => req.metadataHeaders({ k: "x".repeat(3000) })).toThrow(/2048/);
  });
});

describe("SSE-C headers", () => {
  it("send algorithm, base64 key and key MD5 over https, for the object and a copy source", () => {
    expect(sseHeaders({ encryptionCustomerKey: KEY }, true)).toEqual({
      "x-qs-encryption-customer-algorithm": "AES256",
      "x-qs-encryption-customer-key": KEY.toString("base64"),
      "x-qs-encryption-customer-key-md5": md5(KEY),
    });
    expect(copySourceSseHeaders({ copySourceEncryptionCustomerKey: KEY }, true)).toEqual({
      "x-qs-copy-source-encryption-customer-algorithm": "AES256",
      "x-qs-copy-source-encryption-customer-key": KEY.toString("base64"),
      "x-qs-copy-source-encryption-customer-key-md5": md5(KEY),
    });
    const part = req.uploadPart("k", "ID", 1, { data: Buffer.alloc(1), size: 1 }, { encryptionCustomerKey: KEY }, true);
    expect(part.headers["x-qs-encryption-customer-key-md5"]).toBe(md5(KEY));
  });

  it("are refused over plain http with InvalidArgument before anything is sent", () => {
    expect(() => req.headObject("k", { encryptionCustomerKey: KEY }, false)).toThrow(expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("https") }));
    expect(() => sseHeaders({ encryptionCustomerAlgorithm: "AES256" }, true)).toThrow(/without its customer key/);
    expect(() => sseHeaders({ encryptionCustomerKey: Buffer.alloc(16) }, true)).toThrow(/32 bytes/);
  });

  it("never go on appends (appendable objects cannot be encrypted)", () => {
    const call = req.appendObject("log", 0, { data: Buffer.alloc(0), size: 0 }, { encryptionCustomerKey: KEY }, false);
    expect(Object.keys(call.headers).some((h) => h.includes("encryption"))).toBe(false);
  });
});

describe("ETags", () => {
  it("recognise plain MD5 ETags only", () => {
    expect(plainMd5('"D41D8CD98F00B204E9800998ECF8427E"')).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(plainMd5('"abc-2"')).toBeUndefined();
    expect(plainMd5(undefined)).toBeUndefined();
    expect(etagContradicts('"d41d8cd98f00b204e9800998ecf8427e"', md5(Buffer.alloc(0)))).toBe(false);
    expect(etagContradicts('"d41d8cd98f00b204e9800998ecf8427e"', md5(Buffer.from("x")))).toBe(true);
    expect(etagContradicts('"abc-2"', md5(Buffer.from("x")))).toBe(false);
  });

  it("build the S3-style ETag of a multipart object from the parts' MD5s", () => {
    const a = createHash("md5").update("a").digest();
    const b = createHash("md5").update("b").digest();
    const expected = createHash("md5").update(Buffer.concat([a, b])).digest("hex");
    expect(multipartEtag([{ etag: `"${a.toString("hex")}"` }, { etag: b.toString("hex") }])).toBe(`"${expected}-2"`);
    expect(multipartEtag([{ etag: '"not-md5"' }])).toBeUndefined();
  });
});
