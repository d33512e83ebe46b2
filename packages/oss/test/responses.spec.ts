import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import {
  decodeListedName,
  decodeToken,
  errorDocument,
  isSymlinkType,
  linkFromHeaders,
  objectFromHeaders,
  objectSize,
  parseErrorBody,
  parseInitiate,
  parseListBuckets,
  parseListObjects,
  parseListParts,
  parseListUploads,
  parseResultEtag,
} from "../src/responses.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("OSS response parsers on saved bodies", () => {
  it("reads a dir-mode ListObjectsV2 page: url-decoded names, prefixes as dirs, appendables, the storage class (not the Type), the next token", async () => {
    const page = await parseListObjects(fixture("list-objects-v2-dir.xml"));
    expect(page.items).toEqual([
      { key: "photos/2019/", mode: "dir" },
      {
        key: "photos/app.log",
        mode: "append",
        size: 4096,
        appendOffset: 4096,
        etag: '"0F7230CAA4BE94CCBDC99C5500000000"',
        lastModified: new Date("2019-05-24T11:21:40.000Z"),
        storageClass: "Standard",
        system: { objectType: "Appendable" },
      },
      {
        key: "photos/z+1 é.jpg",
        mode: "file",
        size: 13,
        etag: '"5B3C1A2E053D763E1B002CC607C5A0FE"',
        lastModified: new Date("2019-05-24T11:20:39.000Z"),
        storageClass: "IA",
        system: { objectType: "Normal" },
      },
    ]);
    expect(page.nextToken).toBe("CgJiYw==");
  });

  it("reads a flat page without encoding: dir markers are dirs, no token on the last page", async () => {
    const page = await parseListObjects(fixture("list-objects-v2-flat.xml"));
    expect(page.items.map((o) => [o.key, o.mode, o.size, o.storageClass])).toEqual([
      ["a/", "dir", 0, "Standard"],
      ["a/b.txt", "file", 11, "Archive"],
    ]);
    expect(page.nextToken).toBeUndefined();
  });

  it("decodes url-encoded names (+ is a space) and tokens (+ stays)", () => {
    expect(decodeListedName("a%2Bb+c%20d")).toBe("a+b c d");
    expect(decodeListedName("bad%zz")).toBe("bad%zz");
    expect(decodeToken("ab+c%3D")).toBe("ab+c=");
    expect(decodeToken("bad%zz")).toBe("bad%zz");
  });

  it("reads the UploadId of an initiate answer", async () => {
    expect(await parseInitiate(fixture("initiate.xml"))).toBe("0004B9894A22E5B1888A1E29F823****");
    expect(await parseInitiate(fixture("complete.xml"))).toBeUndefined();
  });

  it("reads complete, copy and copy-part results, and refuses a different document", async () => {
    expect(await parseResultEtag(fixture("complete.xml"), "CompleteMultipartUploadResult")).toEqual({ etag: '"B864DB6A936D376F9F8D3ED3BBE540****-3"' });
    expect(await parseResultEtag(fixture("copy-result.xml"), "CopyObjectResult")).toEqual({
      etag: '"5B3C1A2E053D763E1B002CC607C5****"',
      lastModified: new Date("2019-04-09T03:45:32.000Z"),
    });
    expect((await parseResultEtag(fixture("copy-part-result.xml"), "CopyPartResult"))?.etag).toBe('"5B3C1A2E053D763E1B002CC607C5****"');
    expect(await parseResultEtag(fixture("error-nosuchkey.xml"), "CompleteMultipartUploadResult")).toBeUndefined();
  });

  it("reads parts with 0-based indexes, their CRC64 and the next part-number marker", async () => {
    const page = await parseListParts(fixture("list-parts.xml"));
    expect(page.items.map((p) => [p.index, p.size, p.crc64])).toEqual([
      [0, 6291456, "6583902852472283588"],
      [1, 6291456, "5981764153023615706"],
    ]);
    expect(page.nextMarker).toBe("2");
  });

  it("reads in-progress uploads as part objects with decoded keys and next markers", async () => {
    const page = await parseListUploads(fixture("list-uploads.xml"));
    expect(page.items.map((o) => [o.key, o.mode, o.multipartId, o.storageClass])).toEqual([
      ["dir/a", "part", "0004B999EF518A1FE585B0C9360D****", undefined],
      ["dir/b c", "part", "0004B99B8E707874FC2D692FA5D7****", "IA"],
    ]);
    expect(page.next).toEqual({ keyMarker: "dir/b c", uploadIdMarker: "0004B99B8E707874FC2D692FA5D7****" });
  });

  it("reads the bucket list with regions (no oss- prefix) and the next marker", async () => {
    expect(await parseListBuckets(fixture("list-buckets.xml"))).toEqual({
      items: [
        { name: "app-base-oss", location: "cn-shanghai" },
        { name: "mybucket", location: "cn-hangzhou" },
      ],
      nextMarker: "mybucket10",
    });
  });

  it("reads error documents, from the body or from HEAD's x-oss-err header", async () => {
    const expected = { code: "NoSuchKey", message: "The specified key does not exist.", requestId: "5C3D8D2A0ACA54D87B43****", ec: "0026-00000001" };
    expect(await parseErrorBody(fixture("error-nosuchkey.xml"))).toEqual(expected);
    expect(await parseErrorBody(fixture("complete.xml"))).toBeUndefined();
    expect(await parseErrorBody(Buffer.alloc(0))).toBeUndefined();
    const header = fixture("error-nosuchkey.xml").toString("base64");
    expect(await errorDocument(Buffer.alloc(0), { "x-oss-err": header, "x-oss-ec": "0026-00000001" })).toEqual(expected);
    expect(await errorDocument(Buffer.alloc(0), { "x-oss-ec": "0026-00000001" })).toEqual({ ec: "0026-00000001" });
    expect(await errorDocument(Buffer.alloc(0), {})).toBeUndefined();
  });
});

describe("object metadata from headers", () => {
  const headers = {
    "content-length": "1024",
    "content-type": "text/plain",
    "content-md5": "1B2M2Y8AsgTpgAmY7PhCfg==",
    etag: '"5B3C1A2E053D763E1B002CC607C5A0FE"',
    "last-modified": "Fri, 24 Feb 2012 06:07:48 GMT",
    "x-oss-hash-crc64ecma": "16749565679157681890",
    "x-oss-object-type": "Normal",
    "x-oss-storage-class": "IA",
    "x-oss-meta-color": "blue",
    "x-oss-meta-owner-name": "Ann",
    "x-oss-server-side-encryption": "KMS",
    "x-oss-server-side-data-encryption": "SM4",
    "x-oss-server-side-encryption-key-id": "9468da86-3509-4f8d-a61e-6eab1eac****",
    "x-oss-request-id": "5C3D9175B6FC201293AD****",
  };

  it("reads size, etag, type, Content-MD5, CRC64, date, storage class, user metadata and SSE under system", () => {
    expect(objectFromHeaders("a.txt", 200, headers)).toEqual({
      key: "a.txt",
      mode: "file",
      size: 1024,
      etag: '"5B3C1A2E053D763E1B002CC607C5A0FE"',
      contentType: "text/plain",
      contentMd5: "1B2M2Y8AsgTpgAmY7PhCfg==",
      crc64: "16749565679157681890",
      lastModified: new Date("2012-02-24T06:07:48Z"),
      storageClass: "IA",
      metadata: { color: "blue", "owner-name": "Ann" },
      system: {
        objectType: "Normal",
        serverSideEncryption: "KMS",
        serverSideDataEncryption: "SM4",
        serverSideEncryptionKeyId: "9468da86-3509-4f8d-a61e-6eab1eac****",
      },
    });
  });

  it("reports appendable objects with their next position, Standard by default, dirs by their key", () => {
    const o = objectFromHeaders("log", 200, { "content-length": "77", "x-oss-object-type": "Appendable", "x-oss-next-append-position": "77" });
    expect(o).toMatchObject({ mode: "append", size: 77, appendOffset: 77, storageClass: "Standard", system: { objectType: "Appendable" } });
    expect(objectFromHeaders("d/", 200, { "content-length": "0" }).mode).toBe("dir");
  });

  it("reads a GetSymlink answer as a link with the decoded target, and tells a symlink HEAD apart", () => {
    const headers = {
      "x-oss-symlink-target": "dir/t%20ar%2Bget%20%C3%A9.bin",
      etag: '"8D777F385D3DFEC8815D20F7496026DC"',
      "last-modified": "Fri, 01 Mar 2024 08:00:00 GMT",
      "x-oss-storage-class": "IA",
      "x-oss-meta-owner": "ann",
    };
    expect(linkFromHeaders("l", headers)).toEqual({
      key: "l",
      mode: "link",
      linkTarget: "/dir/t ar+get é.bin",
      etag: '"8D777F385D3DFEC8815D20F7496026DC"',
      lastModified: new Date("2024-03-01T08:00:00Z"),
      storageClass: "IA",
      metadata: { owner: "ann" },
      system: { objectType: "Symlink" },
    });
    expect(linkFromHeaders("l", { "x-oss-symlink-target": "a%ZZ" })?.linkTarget).toBe("/a%ZZ");
    expect(linkFromHeaders("l", { etag: '"x"' })).toBeUndefined();
    expect(isSymlinkType({ "x-oss-object-type": "Symlink" })).toBe(true);
    expect(isSymlinkType({ "x-oss-object-type": "Normal" })).toBe(false);
    expect(isSymlinkType({})).toBe(false);
  });

  it("lists a symlink as a link, without size or target", async () => {
    const page = await parseListObjects(fixture("list-objects-v2-symlink.xml"));
    expect(page.items).toEqual([
      {
        key: "s/link + 链接",
        mode: "link",
        etag: '"8D777F385D3DFEC8815D20F7496026DC"',
        lastModified: new Date("2024-03-01T08:00:00.000Z"),
        storageClass: "Standard",
        system: { objectType: "Symlink" },
      },
      { key: "s/target.bin", mode: "file", size: 11, etag: '"5EB63BBBE01EEED093CB22BB8F5ACDC3"', lastModified: new Date("2024-03-01T07:59:00.000Z"), storageClass: "Standard", system: { objectType: "Normal" } },
    ]);
  });

  it("takes the whole size of a 206 from Content-Range, and no Content-MD5 from a partial answer", () => {
    expect(objectSize(206, { "content-length": "10", "content-range": "bytes 0-9/4096" })).toBe(4096);
    expect(objectSize(200, { "content-length": "10" })).toBe(10);
    expect(objectFromHeaders("k", 206, { ...headers, "content-range": "bytes 0-9/1024" }).contentMd5).toBeUndefined();
  });
});

describe("OSS numbers beyond 2^53 - 1 (core parseWholeNumber)", () => {
  it("takes no next append position no number holds exactly (the size instead), and keeps one that fits", () => {
    const appendable = (next: string) => objectFromHeaders("a", 200, { "x-oss-object-type": "Appendable", "content-length": "5", "x-oss-next-append-position": next });
    expect(appendable("99999999999999999999").appendOffset).toBe(5);
    expect(appendable("7").appendOffset).toBe(7);
  });
});
