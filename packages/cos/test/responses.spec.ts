import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import {
  decodeListedName,
  objectFromHeaders,
  objectSize,
  parseDeleteErrors,
  parseErrorBody,
  parseInitiate,
  parseListBuckets,
  parseListObjects,
  parseListParts,
  parseListUploads,
  parseResultEtag,
} from "../src/responses.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("COS response parsers on saved bodies", () => {
  it("reads a dir-mode listing: url-decoded names, prefixes as dirs, the next marker", async () => {
    const page = await parseListObjects(fixture("list-objects-dir.xml"));
    expect(page.items).toEqual([
      { key: "photos/2019/", mode: "dir" },
      {
        key: "photos/z+1 é.jpg",
        mode: "file",
        size: 13,
        etag: '"ee8de918d05640145b18f70f4c3aa602"',
        lastModified: new Date("2019-05-24T11:20:39.000Z"),
        storageClass: "STANDARD_IA",
      },
    ]);
    expect(page.nextMarker).toBe("photos/z+1 é.jpg");
  });

  it("reads a flat listing without encoding: dir markers are dirs, no marker on the last page", async () => {
    const page = await parseListObjects(fixture("list-objects-flat.xml"));
    expect(page.items.map((o) => [o.key, o.mode, o.size])).toEqual([
      ["a/", "dir", 0],
      ["a/b.txt", "file", 11],
    ]);
    expect(page.nextMarker).toBeUndefined();
  });

  it("decodes url-encoded names (+ is a space)", () => {
    expect(decodeListedName("a%2Bb+c%20d")).toBe("a+b c d");
    expect(decodeListedName("bad%zz")).toBe("bad%zz");
  });

  it("reads the UploadId of an initiate answer", async () => {
    expect(await parseInitiate(fixture("initiate.xml"))).toBe("1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361");
  });

  it("reads complete and copy results, and refuses a different document", async () => {
    expect(await parseResultEtag(fixture("complete.xml"), "CompleteMultipartUploadResult")).toEqual({ etag: '"aa259a62513358f69e98e72e59856d88-3"' });
    expect(await parseResultEtag(fixture("copy-result.xml"), "CopyObjectResult")).toEqual({
      etag: '"ee8de918d05640145b18f70f4c3aa602"',
      crc64: "16749565679157681890",
      lastModified: new Date("2020-03-24T02:35:21Z"),
    });
    expect(await parseResultEtag(fixture("complete-error-200.xml"), "CompleteMultipartUploadResult")).toBeUndefined();
  });

  it("finds the <Error> of a 200 answer behind whitespace", async () => {
    expect(await parseErrorBody(fixture("complete-error-200.xml"))).toEqual({
      code: "InternalError",
      message: "We encountered an internal error. Please try again.",
      requestId: "NWU3YjYzMjNfMjdjMDJhMDlfNzE2XzE1****",
    });
    expect(await parseErrorBody(fixture("complete.xml"))).toBeUndefined();
    expect(await parseErrorBody(Buffer.alloc(0))).toBeUndefined();
  });

  it("reads parts with 0-based indexes and the next part-number marker", async () => {
    const page = await parseListParts(fixture("list-parts.xml"));
    expect(page.items.map((p) => [p.index, p.size, p.etag])).toEqual([
      [0, 1048576, '"e1e5ae32bbe4f8b4d0fc2edd7b9e3e1c"'],
      [1, 1048576, '"d05a2d2a7e5d1c4b2bd5c16d7ce3a0f4"'],
    ]);
    expect(page.nextMarker).toBe("2");
  });

  it("reads in-progress uploads as part objects with decoded keys and next markers", async () => {
    const page = await parseListUploads(fixture("list-uploads.xml"));
    expect(page.items.map((o) => [o.key, o.mode, o.multipartId, o.storageClass])).toEqual([
      ["dir/a", "part", "15851307a07c1e5b", "STANDARD"],
      ["dir/b c", "part", "1585130821cbb7df", "STANDARD_IA"],
    ]);
    expect(page.next).toEqual({ keyMarker: "dir/b c", uploadIdMarker: "1585130821cbb7df" });
  });

  it("reads the failures of a batch delete", async () => {
    expect(await parseDeleteErrors(fixture("delete-result.xml"))).toEqual([
      { key: "locked.txt", code: "AccessDenied", message: "Access Denied." },
      { key: "gone.txt", code: "NoSuchKey", message: "The specified key does not exist." },
    ]);
  });

  it("reads the bucket list", async () => {
    expect(await parseListBuckets(fixture("list-buckets.xml"))).toEqual({
      items: [
        { name: "examplebucket1-1250000000", location: "ap-beijing" },
        { name: "examplebucket2-1250000000", location: "ap-guangzhou" },
      ],
    });
  });
});

describe("object metadata from headers", () => {
  const headers = {
    "content-length": "1024",
    "content-type": "text/plain",
    etag: '"ee8de918d05640145b18f70f4c3aa602"',
    "last-modified": "Wed, 28 Oct 2020 07:30:15 GMT",
    "x-cos-hash-crc64ecma": "16749565679157681890",
    "x-cos-meta-color": "blue",
    "x-cos-meta-owner-name": "Ann",
    "x-cos-server-side-encryption": "AES256",
    "x-cos-request-id": "NWU3YjYz",
  };

  it("reads size, etag, type, CRC64, date, user metadata, STANDARD by default and SSE under system", () => {
    expect(objectFromHeaders("a.txt", 200, headers)).toEqual({
      key: "a.txt",
      mode: "file",
      size: 1024,
      etag: '"ee8de918d05640145b18f70f4c3aa602"',
      contentType: "text/plain",
      crc64: "16749565679157681890",
      lastModified: new Date("2020-10-28T07:30:15Z"),
      storageClass: "STANDARD",
      metadata: { color: "blue", "owner-name": "Ann" },
      system: { serverSideEncryption: "AES256" },
    });
  });

  it("reports appendable objects with their append offset, and dirs by their key", () => {
    const o = objectFromHeaders("log", 200, { "content-length": "77", "x-cos-object-type": "appendable", "x-cos-storage-class": "STANDARD_IA" });
    expect(o).toMatchObject({ mode: "append", size: 77, appendOffset: 77, storageClass: "STANDARD_IA", system: { objectType: "appendable" } });
    expect(objectFromHeaders("d/", 200, { "content-length": "0" }).mode).toBe("dir");
  });

  it("takes the whole size of a 206 from Content-Range", () => {
    expect(objectSize(206, { "content-length": "10", "content-range": "bytes 0-9/4096" })).toBe(4096);
    expect(objectSize(200, { "content-length": "10" })).toBe(10);
  });
});

describe("COS numbers beyond 2^53 - 1 (core parseWholeNumber)", () => {
  it("leaves out a listed Size no number holds exactly, and keeps one that fits", async () => {
    const listing = (size: string): Buffer =>
      Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>${size}</Size></Contents></ListBucketResult>`);
    expect((await parseListObjects(listing("99999999999999999999"))).items).toEqual([{ key: "k", mode: "file" }]);
    expect((await parseListObjects(listing("9007199254740991"))).items).toEqual([{ key: "k", mode: "file", size: Number.MAX_SAFE_INTEGER }]);
  });
});
