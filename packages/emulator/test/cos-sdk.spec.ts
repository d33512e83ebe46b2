import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import COS from "cos-nodejs-sdk-v5";
import { crc64 } from "@stowage/core";
import { startEmulator, type Emulator } from "../src/index.js";

const BUCKET = "sdk-1250000000";
const REGION = "ap-guangzhou";
const AK = "AKIDemulatortest";
const SK = "emulator-secret";

let emu: Emulator;
let cos: COS;
let tmp: string;

/** Path-style client (`Domain: 127.0.0.1:PORT/{Bucket}`). */
function pathClient(secret = SK): COS {
  return new COS({ SecretId: AK, SecretKey: secret, Protocol: "http:", Domain: `127.0.0.1:${emu.port}/{Bucket}`, ServiceDomain: `127.0.0.1:${emu.port}` } as COS.COSOptions);
}

beforeAll(async () => {
  emu = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK }, region: REGION });
  cos = pathClient();
  tmp = await mkdtemp(join(tmpdir(), "cos-emu-"));
});

afterAll(async () => {
  await emu.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe("cos-nodejs-sdk-v5 against the emulator", () => {
  it("puts, heads, gets with range, and deletes an object", async () => {
    const Key = "dir/a b+c~(x)*.txt";
    const body = Buffer.from("hello cos");
    const put = await cos.putObject({ Bucket: BUCKET, Region: REGION, Key, Body: body, ContentType: "text/plain", Headers: { "x-cos-meta-color": "blue" } });
    expect(put.statusCode).toBe(200);
    expect(put.ETag).toBe(`"${createHash("md5").update(body).digest("hex")}"`);
    expect(put.headers?.["x-cos-hash-crc64ecma"]).toBe("13242225731321912570");

    const head = await cos.headObject({ Bucket: BUCKET, Region: REGION, Key });
    expect(head.headers?.["content-length"]).toBe("9");
    expect(head.headers?.["content-type"]).toBe("text/plain");
    expect(head.headers?.["x-cos-meta-color"]).toBe("blue");
    expect(head.headers?.["x-cos-object-type"]).toBe("normal");

    const get = await cos.getObject({ Bucket: BUCKET, Region: REGION, Key });
    expect(get.Body.toString()).toBe("hello cos");
    expect(get.headers?.["x-cos-hash-crc64ecma"]).toBe(crc64(body).toString());

    const range = await cos.getObject({ Bucket: BUCKET, Region: REGION, Key, Range: "bytes=6-8" });
    expect(range.statusCode).toBe(206);
    expect(range.Body.toString()).toBe("cos");
    expect(range.headers?.["content-range"]).toBe("bytes 6-8/9");

    const del = await cos.deleteObject({ Bucket: BUCKET, Region: REGION, Key });
    expect(del.statusCode).toBe(204);
    const again = await cos.deleteObject({ Bucket: BUCKET, Region: REGION, Key });
    expect(again.statusCode).toBe(204);
    await expect(cos.headObject({ Bucket: BUCKET, Region: REGION, Key })).rejects.toMatchObject({ statusCode: 404 });
    await expect(cos.getObject({ Bucket: BUCKET, Region: REGION, Key })).rejects.toMatchObject({ code: "NoSuchKey", statusCode: 404 });
  });

  it("checks Content-MD5 and keeps the storage class", async () => {
    const wrong = createHash("md5").update("something else").digest("base64");
    await expect(cos.putObject({ Bucket: BUCKET, Region: REGION, Key: "md5.txt", Body: "payload", ContentMD5: wrong } as COS.PutObjectParams)).rejects.toMatchObject({ code: "BadDigest", statusCode: 400 });
    const right = createHash("md5").update("payload").digest("base64");
    await cos.putObject({ Bucket: BUCKET, Region: REGION, Key: "md5.txt", Body: "payload", ContentMD5: right, StorageClass: "STANDARD_IA" } as COS.PutObjectParams);
    const head = await cos.headObject({ Bucket: BUCKET, Region: REGION, Key: "md5.txt" });
    expect(head.headers?.["x-cos-storage-class"]).toBe("STANDARD_IA");
  });

  it("lists with prefix, delimiter and real paging", async () => {
    const keys = ["list/a", "list/b", "list/c/1", "list/c/2", "list/d", "list/e/1", "list/f", "list/g"];
    for (const Key of keys) await cos.putObject({ Bucket: BUCKET, Region: REGION, Key, Body: Buffer.from(Key) });
    const seen: string[] = [];
    const prefixes: string[] = [];
    let Marker = "";
    let pages = 0;
    for (; pages < 20; pages++) {
      const r = await cos.getBucket({ Bucket: BUCKET, Region: REGION, Prefix: "list/", Delimiter: "/", MaxKeys: 3, Marker });
      seen.push(...r.Contents.map((c) => c.Key));
      prefixes.push(...r.CommonPrefixes.map((p) => p.Prefix));
      expect(r.Contents.length + r.CommonPrefixes.length).toBeLessThanOrEqual(3);
      if (r.IsTruncated !== "true") break;
      Marker = r.NextMarker!;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(["list/a", "list/b", "list/d", "list/f", "list/g"]);
    expect(prefixes).toEqual(["list/c/", "list/e/"]);
    const flat = await cos.getBucket({ Bucket: BUCKET, Region: REGION, Prefix: "list/c/" });
    expect(flat.Contents.map((c) => c.Key)).toEqual(["list/c/1", "list/c/2"]);
    expect(flat.Contents[0]!.Size).toBe("8");
  });

  it("uploads a file in parts with sliceUploadFile; the CRC64 combines the parts", async () => {
    const data = randomBytes(2.5 * 1024 * 1024);
    const FilePath = join(tmp, "big.bin");
    await writeFile(FilePath, data);
    const r = await cos.sliceUploadFile({ Bucket: BUCKET, Region: REGION, Key: "big.bin", FilePath, ChunkSize: 1024 * 1024 } as COS.SliceUploadFileParams);
    expect(r.statusCode).toBe(200);
    expect(r.headers?.["x-cos-hash-crc64ecma"]).toBe(crc64(data).toString());
    const get = await cos.getObject({ Bucket: BUCKET, Region: REGION, Key: "big.bin" });
    expect(Buffer.compare(get.Body, data)).toBe(0);
    expect(get.headers?.["x-cos-hash-crc64ecma"]).toBe(crc64(data).toString());
    expect(get.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect(emu.stats().byOperation.UploadPart).toBe(3);
    expect(emu.stats().byOperation.ListMultipartUploads).toBeGreaterThanOrEqual(1);
  });

  it("uploadFile sends small files in one PUT", async () => {
    const FilePath = join(tmp, "small.txt");
    await writeFile(FilePath, "small file");
    const r = await cos.uploadFile({ Bucket: BUCKET, Region: REGION, Key: "small.txt", FilePath });
    expect(r.statusCode).toBe(200);
    const get = await cos.getObject({ Bucket: BUCKET, Region: REGION, Key: "small.txt" });
    expect(get.Body.toString()).toBe("small file");
  });

  it("multipart by hand: list parts, list uploads, abort, and part-size rules", async () => {
    const init = await cos.multipartInit({ Bucket: BUCKET, Region: REGION, Key: "mp.bin" });
    const UploadId = init.UploadId;
    const small = Buffer.alloc(1000, 1);
    await cos.multipartUpload({ Bucket: BUCKET, Region: REGION, Key: "mp.bin", UploadId, PartNumber: 1, Body: small });
    await cos.multipartUpload({ Bucket: BUCKET, Region: REGION, Key: "mp.bin", UploadId, PartNumber: 2, Body: small });
    const parts = await cos.multipartListPart({ Bucket: BUCKET, Region: REGION, Key: "mp.bin", UploadId });
    expect(parts.Part.map((p) => p.PartNumber)).toEqual(["1", "2"]);
    const uploads = await cos.multipartList({ Bucket: BUCKET, Region: REGION, Prefix: "mp", Delimiter: "" });
    expect(uploads.Upload.map((u) => u.UploadId)).toContain(UploadId);
    const etag = parts.Part[0]!.ETag;
    await expect(
      cos.multipartComplete({ Bucket: BUCKET, Region: REGION, Key: "mp.bin", UploadId, Parts: [{ PartNumber: 1, ETag: etag }, { PartNumber: 2, ETag: etag }] }),
    ).rejects.toMatchObject({ code: "EntityTooSmall" });
    await cos.multipartAbort({ Bucket: BUCKET, Region: REGION, Key: "mp.bin", UploadId });
    await expect(cos.multipartListPart({ Bucket: BUCKET, Region: REGION, Key: "mp.bin", UploadId })).rejects.toMatchObject({ code: "NoSuchUpload" });
  });

  it("appends with position checks; the answer has no CRC64 (as COS documents), HEAD has the whole object's", async () => {
    const Key = "append.log";
    const a = Buffer.from("12345");
    const b = Buffer.from("6789");
    const r1 = await cos.appendObject({ Bucket: BUCKET, Region: REGION, Key, Body: a, Position: 0 });
    expect(r1.headers?.["x-cos-next-append-position"]).toBe("5");
    const r2 = await cos.appendObject({ Bucket: BUCKET, Region: REGION, Key, Body: b, Position: 5 });
    expect(r2.headers?.["x-cos-next-append-position"]).toBe("9");
    expect(r2.headers?.["x-cos-hash-crc64ecma"]).toBeUndefined();
    await expect(cos.appendObject({ Bucket: BUCKET, Region: REGION, Key, Body: b, Position: 3 })).rejects.toMatchObject({ statusCode: 409 });
    const head = await cos.headObject({ Bucket: BUCKET, Region: REGION, Key });
    expect(head.headers?.["x-cos-object-type"]).toBe("appendable");
    expect(head.headers?.["x-cos-hash-crc64ecma"]).toBe("11051210869376104954");
    await cos.putObject({ Bucket: BUCKET, Region: REGION, Key: "normal.txt", Body: "n" });
    await expect(cos.appendObject({ Bucket: BUCKET, Region: REGION, Key: "normal.txt", Body: b, Position: 1 })).rejects.toMatchObject({ code: "ObjectNotAppendable", statusCode: 409 });
  });

  it("restores an ARCHIVE object with restoreObject (202; readable at once with no restoreDelayMs); a STANDARD one is 405", async () => {
    const Key = "frozen.txt";
    await cos.putObject({ Bucket: BUCKET, Region: REGION, Key, Body: "frozen", StorageClass: "ARCHIVE" } as COS.PutObjectParams);
    await expect(cos.getObject({ Bucket: BUCKET, Region: REGION, Key })).rejects.toMatchObject({ code: "InvalidObjectState", statusCode: 403 });
    const r = await cos.restoreObject({ Bucket: BUCKET, Region: REGION, Key, RestoreRequest: { Days: 1, CASJobParameters: { Tier: "Expedited" } } });
    expect(r.statusCode).toBe(202);
    const head = await cos.headObject({ Bucket: BUCKET, Region: REGION, Key });
    expect(head.headers?.["x-cos-restore"]).toMatch(/^ongoing-request="false", expiry-date="/);
    expect((await cos.getObject({ Bucket: BUCKET, Region: REGION, Key })).Body.toString()).toBe("frozen");
    await cos.putObject({ Bucket: BUCKET, Region: REGION, Key: "warm.txt", Body: "warm" });
    await expect(cos.restoreObject({ Bucket: BUCKET, Region: REGION, Key: "warm.txt", RestoreRequest: { Days: 1, CASJobParameters: { Tier: "Standard" } } })).rejects.toMatchObject({ statusCode: 405 });
  });

  it("copies an object, keeping or replacing metadata", async () => {
    await cos.putObject({ Bucket: BUCKET, Region: REGION, Key: "src/a b.txt", Body: "copy me", Headers: { "x-cos-meta-k": "v" } });
    const CopySource = `${BUCKET}.cos.${REGION}.myqcloud.com/${encodeURIComponent("src/a b.txt")}`;
    const r = await cos.putObjectCopy({ Bucket: BUCKET, Region: REGION, Key: "dst/copy.txt", CopySource });
    expect(r.statusCode).toBe(200);
    expect(r.ETag).toBeDefined();
    const head = await cos.headObject({ Bucket: BUCKET, Region: REGION, Key: "dst/copy.txt" });
    expect(head.headers?.["x-cos-meta-k"]).toBe("v");
    await cos.putObjectCopy({ Bucket: BUCKET, Region: REGION, Key: "dst/replaced.txt", CopySource, MetadataDirective: "Replaced", Headers: { "x-cos-meta-z": "1" } } as COS.PutObjectCopyParams);
    const h2 = await cos.headObject({ Bucket: BUCKET, Region: REGION, Key: "dst/replaced.txt" });
    expect(h2.headers?.["x-cos-meta-k"]).toBeUndefined();
    expect(h2.headers?.["x-cos-meta-z"]).toBe("1");
    const get = await cos.getObject({ Bucket: BUCKET, Region: REGION, Key: "dst/copy.txt" });
    expect(get.Body.toString()).toBe("copy me");
  });

  it("deletes many objects at once", async () => {
    for (const Key of ["md/1", "md/2", "md/3"]) await cos.putObject({ Bucket: BUCKET, Region: REGION, Key, Body: "x" });
    const r = await cos.deleteMultipleObject({ Bucket: BUCKET, Region: REGION, Objects: [{ Key: "md/1" }, { Key: "md/2" }, { Key: "md/missing" }] });
    expect(r.Deleted.map((d) => d.Key).sort()).toEqual(["md/1", "md/2", "md/missing"]);
    const left = await cos.getBucket({ Bucket: BUCKET, Region: REGION, Prefix: "md/" });
    expect(left.Contents.map((c) => c.Key)).toEqual(["md/3"]);
  });

  it("serves presigned GET and PUT URLs to plain fetch", async () => {
    const Key = "presigned/file name.txt";
    const putUrl = cos.getObjectUrl({ Bucket: BUCKET, Region: REGION, Key, Sign: true, Method: "PUT", Expires: 60 }, () => undefined);
    const put = await fetch(putUrl, { method: "PUT", body: "via presigned put" });
    expect(put.status).toBe(200);
    const getUrl = cos.getObjectUrl({ Bucket: BUCKET, Region: REGION, Key, Sign: true, Expires: 60 }, () => undefined);
    const get = await fetch(getUrl);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe("via presigned put");
    const tampered = getUrl.replace("presigned/", "presigned2/");
    const bad = await fetch(tampered);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("works with virtual-hosted requests through the Ip option", async () => {
    const vh = new COS({ SecretId: AK, SecretKey: SK, Protocol: "http:", Ip: `127.0.0.1:${emu.port}` } as COS.COSOptions);
    await vh.putObject({ Bucket: BUCKET, Region: REGION, Key: "vhost/x.txt", Body: "vhost" });
    const get = await vh.getObject({ Bucket: BUCKET, Region: REGION, Key: "vhost/x.txt" });
    expect(get.Body.toString()).toBe("vhost");
    const list = await vh.getBucket({ Bucket: BUCKET, Region: REGION, Prefix: "vhost/" });
    expect(list.Contents.map((c) => c.Key)).toEqual(["vhost/x.txt"]);
  });

  it("reports a wrong secret key as SignatureDoesNotMatch", async () => {
    const bad = pathClient("not-the-secret");
    await expect(bad.putObject({ Bucket: BUCKET, Region: REGION, Key: "denied.txt", Body: "x" })).rejects.toMatchObject({ code: "SignatureDoesNotMatch", statusCode: 403 });
    await expect(bad.getBucket({ Bucket: BUCKET, Region: REGION })).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
  });

  it("creates, lists, heads and deletes buckets", async () => {
    const Bucket = "fresh-1250000000";
    await cos.putBucket({ Bucket, Region: REGION });
    const svc = await cos.getService({});
    expect(svc.Buckets.map((b) => b.Name)).toContain(Bucket);
    const head = await cos.headBucket({ Bucket, Region: REGION });
    expect(head.statusCode).toBe(200);
    await cos.putObject({ Bucket, Region: REGION, Key: "k", Body: "v" });
    await expect(cos.deleteBucket({ Bucket, Region: REGION })).rejects.toMatchObject({ code: "BucketNotEmpty", statusCode: 409 });
    await cos.deleteObject({ Bucket, Region: REGION, Key: "k" });
    await cos.deleteBucket({ Bucket, Region: REGION });
    await expect(cos.headBucket({ Bucket, Region: REGION })).rejects.toMatchObject({ statusCode: 404 });
    await expect(cos.putBucket({ Bucket: BUCKET, Region: REGION })).rejects.toMatchObject({ code: "BucketAlreadyExists" });
    await expect(cos.getBucketAcl({ Bucket: BUCKET, Region: REGION })).rejects.toMatchObject({ code: "NotImplemented", statusCode: 501 });
  });
});
