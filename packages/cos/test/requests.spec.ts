import { createHash } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import * as req from "../src/requests.js";
import { sseCustomerHeaders, sseServerHeaders } from "../src/sse.js";

const KEY = Buffer.alloc(32, 7);
const md5 = (b: Buffer): string => createHash("md5").update(b).digest("base64");

describe("COS request builders", () => {
  it("PUT Object carries length, MD5, type, metadata, storage class and SSE", () => {
    const call = req.putObject(
      "dir/a b.txt",
      { data: Buffer.from("hi"), size: 2, contentMd5: "md5==" },
      { contentType: "text/plain", metadata: { Color: "blue" }, storageClass: "STANDARD_IA", serverSideEncryption: "AES256" },
      false,
    );
    expect(call).toMatchObject({ operation: "put_object", method: "PUT", key: "dir/a b.txt", query: [] });
    expect(call.headers).toEqual({
      "content-length": "2",
      "content-md5": "md5==",
      "content-type": "text/plain",
      "x-cos-meta-color": "blue",
      "x-cos-storage-class": "STANDARD_IA",
      "x-cos-server-side-encryption": "AES256",
    });
  });

  it("ifNotExists adds x-cos-forbid-overwrite: true to PUT Object, Initiate and Complete, and nothing without it", () => {
    const body = { data: Buffer.from("hi"), size: 2 };
    const parts = [{ index: 0, etag: '"e"' }];
    for (const [options, want] of [[{ ifNotExists: true }, "true"], [{ ifNotExists: false }, undefined], [{}, undefined]] as const) {
      expect(req.putObject("k", body, options, false).headers["x-cos-forbid-overwrite"]).toBe(want);
      expect(req.initiateMultipart("k", options, false).headers["x-cos-forbid-overwrite"]).toBe(want);
      expect(req.completeMultipart("k", "UP", parts, options).headers["x-cos-forbid-overwrite"]).toBe(want);
    }
    expect(req.completeMultipart("k", "UP", parts).headers["x-cos-forbid-overwrite"]).toBeUndefined();
  });

  it("GET Object turns offset/size into a Range", () => {
    expect(req.getObject("k", {}, {}, false).headers).toEqual({});
    expect(req.getObject("k", { offset: 5 }, {}, false).headers).toEqual({ range: "bytes=5-" });
    expect(req.getObject("k", { size: 4 }, {}, false).headers).toEqual({ range: "bytes=0-3" });
    expect(req.getObject("k", { offset: 2, size: 3 }, {}, false).headers).toEqual({ range: "bytes=2-4" });
  });

  it("HEAD and GET Object carry If-Match / If-None-Match only when asked, quoted and lower-cased", () => {
    expect(req.headObject("k", {}, false).headers).toEqual({});
    expect(req.getObject("k", { offset: 1, size: 2 }, {}, false).headers).toEqual({ range: "bytes=1-2" });
    const options = { ifMatch: '"ABCDEF0123"', ifNoneMatch: "*" };
    expect(req.headObject("k", options, false).headers).toEqual({ "if-match": '"abcdef0123"', "if-none-match": "*" });
    expect(req.getObject("k", { offset: 1, size: 2 }, options, false).headers).toEqual({ range: "bytes=1-2", "if-match": '"abcdef0123"', "if-none-match": "*" });
    expect(req.getObject("k", {}, { ifNoneMatch: "abc" }, false).headers).toEqual({ "if-none-match": '"abc"' });
    expect(req.headObject("k", { ifMatch: undefined }, false).headers).toEqual({});
  });

  it("condition values: every ETag of a list quoted, W/ dropped, * kept", () => {
    expect(req.conditionValue("*")).toBe("*");
    expect(req.conditionValue('"*"')).toBe("*");
    expect(req.conditionValue('W/"AB", cd ,"-3"')).toBe('"ab", "cd", "-3"');
    expect(req.conditionValue('"d41d8cd98f00b204e9800998ecf8427e"')).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  });


  it("batch delete sends quiet XML with its Content-MD5, and refuses more than 1000 keys", () => {
    const call = req.deleteObjects(["a", "b&c"]);
    const body = call.body as Buffer;
    expect(body.toString()).toBe('<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b&amp;c</Key></Object></Delete>');
    expect(call.query).toEqual([["delete", undefined]]);
    expect(call.headers["content-md5"]).toBe(md5(body));
    expect(() => req.deleteObjects(new Array(1001).fill("k"))).toThrow(/1 to 1000/);
  });

  it("list objects asks for url-encoded names", () => {
    expect(req.listObjects("p/", "/", "p/m", 100).query).toEqual([
      ["prefix", "p/"],
      ["delimiter", "/"],
      ["marker", "p/m"],
      ["max-keys", "100"],
      ["encoding-type", "url"],
    ]);
    expect(req.listObjects("", undefined, undefined, 1000).query).toEqual([["prefix", ""], ["max-keys", "1000"], ["encoding-type", "url"]]);
  });

  it("a presigned part upload signs its number, upload, size, Content-MD5 and SSE-C headers, and has no body", () => {
    const call = req.presignedUploadPart("k", "ID", 4, { size: 5, contentMd5: "m", serverSideEncryptionCustomerKey: KEY }, true);
    expect(call).toMatchObject({ operation: "upload_part", method: "PUT", key: "k", query: [["partNumber", "5"], ["uploadId", "ID"]] });
    expect(call.body).toBeUndefined();
    expect(call.headers).toMatchObject({ "content-length": "5", "content-md5": "m", "x-cos-server-side-encryption-customer-algorithm": "AES256" });
    expect(req.presignedUploadPart("k", "ID", 0, {}, false).headers).toEqual({});
    expect(() => req.presignedUploadPart("k", "ID", 0, { serverSideEncryptionCustomerKey: KEY }, false)).toThrow(/https/);
  });

  it("multipart calls number parts from 1 and complete lists them in order with ETags", () => {
    const part = req.uploadPart("k", "ID", 0, { data: Buffer.from("x"), size: 1, contentMd5: "m" }, {}, false);
    expect(part.query).toEqual([["partNumber", "1"], ["uploadId", "ID"]]);
    const complete = req.completeMultipart("k", "ID", [{ index: 0, etag: '"e0"' }, { index: 1, etag: '"e1"' }]);
    expect((complete.body as Buffer).toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"e0"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"e1"</ETag></Part></CompleteMultipartUpload>',
    );
    expect(complete.headers["content-md5"]).toBe(md5(complete.body as Buffer));
    expect(req.initiateMultipart("k", {}, false).query).toEqual([["uploads", undefined]]);
    expect(req.abortMultipart("k", "ID")).toMatchObject({ method: "DELETE", query: [["uploadId", "ID"]] });
    expect(req.listParts("k", "ID", "3").query).toEqual([["uploadId", "ID"], ["max-parts", "1000"], ["part-number-marker", "3"]]);
    const copy = req.uploadPartCopy("k", "ID", 2, "host/src", 10, 19, {}, false);
    expect(copy.headers).toEqual({ "x-cos-copy-source": "host/src", "x-cos-copy-source-range": "bytes=10-19" });
  });

  it("append sends the position and sets attributes only on the first append", () => {
    const first = req.appendObject("log", 0, { data: Buffer.alloc(0), size: 0 }, { contentType: "text/plain" }, false);
    expect(first.query).toEqual([["append", undefined], ["position", "0"]]);
    expect(first.headers["content-type"]).toBe("text/plain");
    const later = req.appendObject("log", 10, { data: Buffer.from("x"), size: 1 }, { contentType: "text/plain" }, false);
    expect(later.headers["content-type"]).toBeUndefined();
  });

  it("copy keeps metadata by default and replaces it when asked", () => {
    expect(req.copyObject("dst", "h/src", {}, false).headers).toEqual({ "x-cos-copy-source": "h/src" });
    expect(req.copyObject("dst", "h/src", {}, false, { contentType: "a/b", metadata: { k: "v" } }).headers).toEqual({
      "x-cos-copy-source": "h/src",
      "x-cos-metadata-directive": "Replaced",
      "x-cos-meta-k": "v",
      "content-type": "a/b",
    });
  });

  it("copy replacing attributes sends exactly the given content headers; ifNotExists adds x-cos-forbid-overwrite", () => {
    const call = req.copyObject("dst", "h/src", { ifNotExists: true, storageClass: "ARCHIVE" }, false, { headers: { "cache-control": "no-store" } }, "e");
    expect(call.headers).toEqual({
      "x-cos-copy-source": "h/src",
      "x-cos-copy-source-if-match": '"e"',
      "x-cos-forbid-overwrite": "true",
      "x-cos-storage-class": "ARCHIVE",
      "x-cos-metadata-directive": "Replaced",
      "cache-control": "no-store",
    });
  });

  it("refuses metadata that cannot travel in a header, or beyond 2 KB", () => {
    expect(() => req.metadataHeaders({ "bad name": "v" })).toThrow(/header name/);
    expect(() => req.metadataHeaders({ k: "é" })).toThrow(/printable ASCII/);
    expect(() => req.metadataHeaders({ k: "x".repeat(3000) })).toThrow(/2048/);
  });
});

describe("SSE headers", () => {
  it("SSE-C sends algorithm, base64 key and key MD5 over https", () => {
    expect(sseCustomerHeaders({ serverSideEncryptionCustomerKey: KEY }, true)).toEqual({
      "x-cos-server-side-encryption-customer-algorithm": "AES256",
      "x-cos-server-side-encryption-customer-key": KEY.toString("base64"),
      "x-cos-server-side-encryption-customer-key-MD5": md5(KEY),
    });
    const copy = req.copyObject("d", "h/s", { copySourceServerSideEncryptionCustomerKey: KEY }, true);
    expect(copy.headers["x-cos-copy-source-server-side-encryption-customer-key"]).toBe(KEY.toString("base64"));
  });

  it("SSE-C over plain http is refused with InvalidArgument before anything is sent", () => {
    expect(() => req.headObject("k", { serverSideEncryptionCustomerKey: KEY }, false)).toThrow(expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("https") }));
    expect(() => sseCustomerHeaders({ serverSideEncryptionCustomerAlgorithm: "AES256" }, true)).toThrow(/without its customer key/);
  });

  it("SSE-KMS adds key id and context only with cos/kms", () => {
    expect(sseServerHeaders({ serverSideEncryption: "cos/kms", serverSideEncryptionCosKmsKeyId: "kid", serverSideEncryptionContext: "e30=" })).toEqual({
      "x-cos-server-side-encryption": "cos/kms",
      "x-cos-server-side-encryption-cos-kms-key-id": "kid",
      "x-cos-server-side-encryption-context": "e30=",
    });
    expect(() => sseServerHeaders({ serverSideEncryption: "AES256", serverSideEncryptionCosKmsKeyId: "kid" })).toThrow(/cos\/kms/);
    expect(() => sseServerHeaders({ serverSideEncryption: "AES256", serverSideEncryptionCustomerKey: KEY })).toThrow(/SSE-C/);
  });
});
