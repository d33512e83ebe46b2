import { createHash } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import * as req from "../src/requests.js";
import { sseHeaders } from "../src/sse.js";

const md5 = (b: Buffer): string => createHash("md5").update(b).digest("base64");

describe("OSS request builders", () => {
  it("PutObject carries length, MD5, type, metadata, storage class and SSE", () => {
    const call = req.putObject(
      "dir/a b.txt",
      { data: Buffer.from("hi"), size: 2, contentMd5: "md5==" },
      { contentType: "text/plain", metadata: { Color: "blue" }, storageClass: "IA", serverSideEncryption: "KMS", serverSideEncryptionKeyId: "cmk" },
    );
    expect(call).toMatchObject({ operation: "put_object", method: "PUT", key: "dir/a b.txt", query: [] });
    expect(call.headers).toEqual({
      "content-length": "2",
      "content-md5": "md5==",
      "content-type": "text/plain",
      "x-oss-meta-color": "blue",
      "x-oss-storage-class": "IA",
      "x-oss-server-side-encryption": "KMS",
      "x-oss-server-side-encryption-key-id": "cmk",
    });
  });

  it("ifNotExists adds x-oss-forbid-overwrite: true to PutObject, Initiate and Complete, and nothing without it", () => {
    const body = { data: Buffer.from("hi"), size: 2 };
    const parts = [{ index: 0, etag: '"E"' }];
    for (const [options, want] of [[{ ifNotExists: true }, "true"], [{ ifNotExists: false }, undefined], [{}, undefined]] as const) {
      expect(req.putObject("k", body, options).headers["x-oss-forbid-overwrite"]).toBe(want);
      expect(req.initiateMultipart("k", options).headers["x-oss-forbid-overwrite"]).toBe(want);
      expect(req.completeMultipart("k", "UP", parts, options).headers["x-oss-forbid-overwrite"]).toBe(want);
    }
    expect(req.completeMultipart("k", "UP", parts).headers["x-oss-forbid-overwrite"]).toBeUndefined();
  });

  it("HEAD is a full HeadObject, not ?objectMeta", () => {
    expect(req.headObject("k")).toEqual({ operation: "head_object", method: "HEAD", key: "k", query: [], headers: {} });
  });

  it("PutSymlink sends ?symlink and the target URL-encoded as ali-oss does (/ kept); GetSymlink is GET ?symlink", () => {
    const put = req.putSymlink("links/a b", "dir/t ar+get é~!*.bin");
    expect(put).toEqual({
      operation: "put_symlink",
      method: "PUT",
      key: "links/a b",
      query: [["symlink", undefined]],
      headers: { "x-oss-symlink-target": "dir/t%20ar%2Bget%20%C3%A9~!*.bin" },
    });
    expect(req.getSymlink("links/a b")).toEqual({ operation: "get_symlink", method: "GET", key: "links/a b", query: [["symlink", undefined]], headers: {} });
    for (const key of ["plain", "a/b/c", "100%/x?y#z&", "😀 ünï", "+ +"]) expect(decodeURIComponent(req.encodeSymlinkTarget(key))).toBe(key);
    expect(req.encodeSymlinkTarget("😀")).toBe("%F0%9F%98%80");
  });

  it("GetObject turns offset/size into a standard Range (a bare Range only when asked)", () => {
    expect(req.getObject("k", {}).headers).toEqual({});
    expect(req.getObject("k", { offset: 5 }).headers).toEqual({ range: "bytes=5-", "x-oss-range-behavior": "standard" });
    expect(req.getObject("k", { size: 4 }).headers).toEqual({ range: "bytes=0-3", "x-oss-range-behavior": "standard" });
    expect(req.getObject("k", { offset: 2, size: 3 }, false).headers).toEqual({ range: "bytes=2-4" });
  });

  it("HeadObject and GetObject carry If-Match / If-None-Match only when asked, quoted and upper-cased", () => {
    expect(req.headObject("k", {}).headers).toEqual({});
    expect(req.getObject("k", { offset: 1, size: 2 }, true, {}).headers).toEqual({ range: "bytes=1-2", "x-oss-range-behavior": "standard" });
    const options = { ifMatch: '"abcdef0123"', ifNoneMatch: "*" };
    expect(req.headObject("k", options)).toEqual({
      operation: "head_object",
      method: "HEAD",
      key: "k",
      query: [],
      headers: { "if-match": '"ABCDEF0123"', "if-none-match": "*" },
    });
    expect(req.getObject("k", { offset: 1, size: 2 }, true, options).headers).toEqual({
      range: "bytes=1-2",
      "x-oss-range-behavior": "standard",
      "if-match": '"ABCDEF0123"',
      "if-none-match": "*",
    });
    expect(req.getObject("k", {}, true, { ifNoneMatch: "abc" }).headers).toEqual({ "if-none-match": '"ABC"' });
    expect(req.getObject("k", {}, true, { ifMatch: undefined }).headers).toEqual({});
  });

  it("condition values: every ETag of a list quoted, W/ dropped, * kept", () => {
    expect(req.conditionValue("*")).toBe("*");
    expect(req.conditionValue('"*"')).toBe("*");
    expect(req.conditionValue('W/"ab", cd ,"-3"')).toBe('"AB", "CD", "-3"');
    expect(req.conditionValue('"5B3C1A2E053D763E1B002CC607C5A0FE"')).toBe('"5B3C1A2E053D763E1B002CC607C5A0FE"');
  });


  it("batch delete sends quiet XML with its Content-MD5, and refuses 0 or more than 1000 keys", () => {
    const call = req.deleteObjects(["a", "b&c"]);
    const body = call.body as Buffer;
    expect(body.toString()).toBe('<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b&amp;c</Key></Object></Delete>');
    expect(call.query).toEqual([["delete", undefined]]);
    expect(call.headers).toEqual({ "content-type": "application/xml", "content-md5": md5(body), "content-length": String(body.length) });
    expect(() => req.deleteObjects(new Array(1001).fill("k"))).toThrow(/1 to 1000/);
    expect(() => req.deleteObjects([])).toThrow(/1 to 1000/);
  });

  it("lists with ListObjectsV2, url-encoded names and continuation tokens", () => {
    expect(req.listObjectsV2("p/", "/", "tok+/=", 100).query).toEqual([
      ["list-type", "2"],
      ["prefix", "p/"],
      ["delimiter", "/"],
      ["continuation-token", "tok+/="],
      ["max-keys", "100"],
      ["encoding-type", "url"],
    ]);
    expect(req.listObjectsV2("", undefined, undefined, 1000).query).toEqual([["list-type", "2"], ["prefix", ""], ["max-keys", "1000"], ["encoding-type", "url"]]);
    // start-after places a first page; with a continuation token it is left out.
    expect(req.listObjectsV2("p/", undefined, undefined, 10, "p/k").query).toContainEqual(["start-after", "p/k"]);
    expect(req.listObjectsV2("p/", undefined, "tok", 10, "p/k").query.some(([k]) => k === "start-after")).toBe(false);
  });

  it("a presigned part upload signs its number, upload, Content-Type, size and Content-MD5, and has no body", () => {
    const call = req.presignedUploadPart("k", "ID", 4, { size: 5, contentMd5: "m" });
    const headers = { "content-type": "application/octet-stream", "content-length": "5", "content-md5": "m" };
    expect(call).toEqual({ operation: "upload_part", method: "PUT", key: "k", query: [["partNumber", "5"], ["uploadId", "ID"]], headers });
    // Always a Content-Type (fetch would otherwise type a string or Blob body itself), never the object's.
    expect(req.presignedUploadPart("k", "ID", 0, { contentType: "text/plain" }).headers).toEqual({ "content-type": "application/octet-stream" });
  });

  it("multipart calls number parts from 1; complete lists them in order with ETags and Content-MD5", () => {
    const part = req.uploadPart("k", "ID", 0, { data: Buffer.from("x"), size: 1, contentMd5: "m" });
    expect(part.query).toEqual([["partNumber", "1"], ["uploadId", "ID"]]);
    expect(part.headers).toEqual({ "content-length": "1", "content-md5": "m" });
    const complete = req.completeMultipart("k", "ID", [{ index: 0, etag: '"E0"' }, { index: 1, etag: '"E1"' }]);
    expect((complete.body as Buffer).toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"E0"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"E1"</ETag></Part></CompleteMultipartUpload>',
    );
    expect(complete.headers["content-md5"]).toBe(md5(complete.body as Buffer));
    expect(req.initiateMultipart("k", { storageClass: "IA" })).toMatchObject({ query: [["uploads", undefined]], headers: { "x-oss-storage-class": "IA" } });
    expect(req.abortMultipart("k", "ID")).toMatchObject({ method: "DELETE", query: [["uploadId", "ID"]] });
    expect(req.listParts("k", "ID", "3").query).toEqual([["uploadId", "ID"], ["max-parts", "1000"], ["part-number-marker", "3"]]);
    expect(req.listUploads("p/", "k", "u", 50).query).toEqual([
      ["uploads", undefined],
      ["prefix", "p/"],
      ["max-uploads", "50"],
      ["encoding-type", "url"],
      ["key-marker", "k"],
      ["upload-id-marker", "u"],
    ]);
    const copy = req.uploadPartCopy("k", "ID", 2, "/b/src", 10, 19);
    expect(copy.query).toEqual([["partNumber", "3"], ["uploadId", "ID"]]);
    expect(copy.headers).toEqual({ "x-oss-copy-source": "/b/src", "x-oss-copy-source-range": "bytes=10-19" });
  });

  it("append sends the position and sets attributes only on the first append", () => {
    const first = req.appendObject("log", 0, { data: Buffer.alloc(0), size: 0 }, { contentType: "text/plain", serverSideEncryption: "AES256" });
    expect(first.query).toEqual([["append", undefined], ["position", "0"]]);
    expect(first.headers).toEqual({ "content-type": "text/plain", "x-oss-server-side-encryption": "AES256", "content-length": "0" });
    const later = req.appendObject("log", 10, { data: Buffer.from("x"), size: 1, contentMd5: "m" }, { contentType: "text/plain" });
    expect(later.headers).toEqual({ "content-length": "1", "content-md5": "m" });
  });

  it("copy keeps metadata by default and replaces it when asked", () => {
    expect(req.copyObject("dst", "/b/src", {}).headers).toEqual({ "x-oss-copy-source": "/b/src" });
    expect(req.copyObject("dst", "/b/src", { serverSideEncryption: "SM4" }, { contentType: "a/b", metadata: { k: "v" } }).headers).toEqual({
      "x-oss-copy-source": "/b/src",
      "x-oss-server-side-encryption": "SM4",
      "x-oss-metadata-directive": "REPLACE",
      "x-oss-meta-k": "v",
      "content-type": "a/b",
    });
  });

  it("copy replacing attributes sends exactly the given content headers; ifNotExists adds x-oss-forbid-overwrite to CopyObject and PutSymlink", () => {
    expect(req.copyObject("dst", "/b/src", { ifNotExists: true, storageClass: "IA" }, { headers: { "cache-control": "no-store" } }).headers).toEqual({
      "x-oss-copy-source": "/b/src",
      "x-oss-forbid-overwrite": "true",
      "x-oss-storage-class": "IA",
      "x-oss-metadata-directive": "REPLACE",
      "cache-control": "no-store",
    });
    expect(req.putSymlink("l", "t", { ifNotExists: true }).headers).toEqual({ "x-oss-symlink-target": "t", "x-oss-forbid-overwrite": "true" });
    expect(req.putSymlink("l", "t").headers).toEqual({ "x-oss-symlink-target": "t" });
  });

  it("bucket calls: ListBuckets pages with markers and a prefix, PutBucket and DeleteBucket", () => {
    expect(req.listBuckets(undefined).query).toEqual([["max-keys", "1000"]]);
    expect(req.listBuckets("m").query).toEqual([["max-keys", "1000"], ["marker", "m"]]);
    expect(req.listBuckets(undefined, "name").query).toEqual([["max-keys", "1000"], ["prefix", "name"]]);
    expect(req.listBuckets("m", "name").query).toEqual([["max-keys", "1000"], ["prefix", "name"], ["marker", "m"]]);
    expect(req.listBuckets(undefined, "").query).toEqual([["max-keys", "1000"]]);
    expect(req.putBucket()).toMatchObject({ method: "PUT", headers: { "content-length": "0" } });
    expect(req.deleteBucket()).toMatchObject({ method: "DELETE" });
  });

  it("refuses metadata that cannot travel in a header, or beyond 8 KB", () => {
    expect(() => req.metadataHeaders({ "bad name": "v" })).toThrow(/header name/);
    expect(() => req.metadataHeaders({ k: "é" })).toThrow(/printable ASCII/);
    expect(() => req.metadataHeaders({ k: "x".repeat(9000) })).toThrow(/8192/);
  });
});

describe("SSE headers (go-storage §3.6 names)", () => {
  it("AES256 and SM4 send the algorithm only", () => {
    expect(sseHeaders({ serverSideEncryption: "AES256" })).toEqual({ "x-oss-server-side-encryption": "AES256" });
    expect(sseHeaders({ serverSideEncryption: "SM4" })).toEqual({ "x-oss-server-side-encryption": "SM4" });
    expect(sseHeaders({})).toEqual({});
  });

  it("KMS adds the data algorithm and the key id", () => {
    expect(sseHeaders({ serverSideEncryption: "KMS", serverSideDataEncryption: "SM4", serverSideEncryptionKeyId: "cmk-1" })).toEqual({
      "x-oss-server-side-encryption": "KMS",
      "x-oss-server-side-data-encryption": "SM4",
      "x-oss-server-side-encryption-key-id": "cmk-1",
    });
  });

  it("refuses KMS details without KMS, with InvalidArgument", () => {
    expect(() => sseHeaders({ serverSideEncryption: "AES256", serverSideEncryptionKeyId: "cmk" })).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    expect(() => sseHeaders({ serverSideDataEncryption: "SM4" })).toThrow(/KMS/);
  });
});
