import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { crc64 } from "@stowage/core";
import { startEmulator, type Emulator } from "../src/index.js";

// ali-oss ships no types; the tests use a loose view of its client.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Client = any;
const OSS = createRequire(import.meta.url)("ali-oss") as new (opts: Record<string, unknown>) => Client;

const BUCKET = "oss-sdk-test";
const AK = "LTAIemulator";
const SK = "oss-emulator-secret";

let emu: Emulator;
let oss: Client;

/** Recipe A: IP endpoint; ali-oss sends `Host: <bucket>.oss-cn-hangzhou.aliyuncs.com`. */
function ipClient(extra: Record<string, unknown> = {}): Client {
  return new OSS({ accessKeyId: AK, accessKeySecret: SK, bucket: BUCKET, region: "oss-cn-hangzhou", endpoint: `http://127.0.0.1:${emu.port}`, ...extra });
}

/** Recipe B: path style on `localhost` (needed for signatureUrl, which refuses IP endpoints). */
function pathClient(extra: Record<string, unknown> = {}): Client {
  return new OSS({ accessKeyId: AK, accessKeySecret: SK, bucket: BUCKET, region: "oss-cn-hangzhou", endpoint: `http://localhost:${emu.port}`, sldEnable: true, ...extra });
}

/** Presigned URLs name localhost; the signature does not cover the host, so fetch 127.0.0.1. */
const loopback = (url: string): string => url.replace("//localhost:", "//127.0.0.1:");

beforeAll(async () => {
  emu = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK } });
  oss = ipClient();
});

afterAll(async () => {
  await emu.stop();
});

describe("ali-oss against the emulator", () => {
  it("puts, heads, gets with range, and deletes an object (V1 signatures)", async () => {
    const name = "dir/a b+c.txt";
    const body = Buffer.from("hello oss");
    const put = await oss.put(name, body, { headers: { "x-oss-meta-color": "blue", "Content-Type": "text/plain" } });
    expect(put.res.status).toBe(200);
    expect(put.res.headers.etag).toBe(`"${createHash("md5").update(body).digest("hex").toUpperCase()}"`);
    expect(put.res.headers["x-oss-hash-crc64ecma"]).toBe(crc64(body).toString());

    const head = await oss.head(name);
    expect(head.status).toBe(200);
    expect(head.meta).toEqual({ color: "blue" });
    expect(head.res.headers["x-oss-object-type"]).toBe("Normal");
    expect(head.res.headers["content-type"]).toBe("text/plain");

    const get = await oss.get(name);
    expect(get.content.toString()).toBe("hello oss");
    const range = await oss.get(name, { headers: { Range: "bytes=6-8" } });
    expect(range.res.status).toBe(206);
    expect(range.content.toString()).toBe("oss");

    const del = await oss.delete(name);
    expect(del.res.status).toBe(204);
    expect((await oss.delete(name)).res.status).toBe(204);
    await expect(oss.head(name)).rejects.toMatchObject({ code: "NoSuchKey", status: 404 });
    await expect(oss.get(name)).rejects.toMatchObject({ code: "NoSuchKey", status: 404 });
  });

  it("lists with V1 markers and V2 continuation tokens, paging for real", async () => {
    const keys = ["ls/a", "ls/b", "ls/c/1", "ls/c/2", "ls/d", "ls/e"];
    for (const k of keys) await oss.put(k, Buffer.from(k));
    const names: string[] = [];
    const prefixes: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    for (; pages < 10; pages++) {
      const r = await oss.list({ prefix: "ls/", delimiter: "/", "max-keys": 2, marker });
      names.push(...(r.objects ?? []).map((o: { name: string }) => o.name));
      prefixes.push(...(r.prefixes ?? []));
      if (!r.isTruncated) break;
      marker = r.nextMarker;
    }
    expect(pages).toBe(2);
    expect(names).toEqual(["ls/a", "ls/b", "ls/d", "ls/e"]);
    expect(prefixes).toEqual(["ls/c/"]);

    const v2names: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const r = await oss.listV2({ prefix: "ls/", "max-keys": 4, "continuation-token": token });
      v2names.push(...(r.objects ?? []).map((o: { name: string }) => o.name));
      if (!r.isTruncated) break;
      token = r.nextContinuationToken;
    }
    expect(v2names).toEqual(keys);
  });

  it("uploads with multipartUpload; the CRC64 combines the parts", async () => {
    const data = randomBytes(1024 * 1024 + 12345);
    const r = await oss.multipartUpload("big/object.bin", data, { partSize: 256 * 1024, parallel: 3 });
    expect(r.res.status).toBe(200);
    const head = await oss.head("big/object.bin");
    expect(head.res.headers["x-oss-hash-crc64ecma"]).toBe(crc64(data).toString());
    expect(head.res.headers["x-oss-object-type"]).toBe("Multipart");
    const get = await oss.get("big/object.bin");
    expect(Buffer.compare(get.content, data)).toBe(0);
    expect(emu.stats().byOperation.UploadPart).toBe(5);
  });

  it("lists parts and uploads, aborts, and enforces the 100 KB part minimum", async () => {
    const init = await oss.initMultipartUpload("mp/x.bin");
    const uploadId = init.uploadId;
    const p1 = await oss.uploadPart("mp/x.bin", uploadId, 1, Buffer.alloc(1000, 7), 0, 1000);
    await oss.uploadPart("mp/x.bin", uploadId, 2, Buffer.alloc(1000, 7), 0, 1000);
    const parts = await oss.listParts("mp/x.bin", uploadId);
    expect(parts.parts.map((p: { PartNumber: string }) => p.PartNumber)).toEqual(["1", "2"]);
    const uploads = await oss.listUploads({ prefix: "mp/" });
    expect(uploads.uploads.map((u: { uploadId: string }) => u.uploadId)).toContain(uploadId);
    await expect(
      oss.completeMultipartUpload("mp/x.bin", uploadId, [
        { number: 1, etag: p1.etag },
        { number: 2, etag: p1.etag },
      ]),
    ).rejects.toMatchObject({ code: "EntityTooSmall" });
    const abort = await oss.abortMultipartUpload("mp/x.bin", uploadId);
    expect(abort.res.status).toBe(204);
    await expect(oss.listParts("mp/x.bin", uploadId)).rejects.toMatchObject({ code: "NoSuchUpload" });
  });

  it("appends with position checks", async () => {
    const a = await oss.append("ap.log", Buffer.from("12345"));
    expect(a.nextAppendPosition).toBe("5");
    const b = await oss.append("ap.log", Buffer.from("6789"), { position: a.nextAppendPosition });
    expect(b.nextAppendPosition).toBe("9");
    expect(b.res.headers["x-oss-hash-crc64ecma"]).toBe("11051210869376104954");
    await expect(oss.append("ap.log", Buffer.from("x"), { position: "2" })).rejects.toMatchObject({ code: "PositionNotEqualToLength", status: 409 });
    const head = await oss.head("ap.log");
    expect(head.res.headers["x-oss-object-type"]).toBe("Appendable");
    expect(head.res.headers["x-oss-next-append-position"]).toBe("9");
  });

  it("copies objects and deletes many at once", async () => {
    await oss.put("cp/src file.txt", Buffer.from("copy"), { meta: { k: "v" } });
    const c = await oss.copy("cp/dst.txt", "cp/src file.txt");
    expect(c.res.status).toBe(200);
    const head = await oss.head("cp/dst.txt");
    expect(head.meta).toEqual({ k: "v" });
    expect((await oss.get("cp/dst.txt")).content.toString()).toBe("copy");
    const r = await oss.deleteMulti(["cp/src file.txt", "cp/dst.txt"]);
    expect(r.deleted.map((d: { Key: string }) => d.Key).sort()).toEqual(["cp/dst.txt", "cp/src file.txt"]);
    const left = await oss.list({ prefix: "cp/" });
    expect(left.objects ?? []).toEqual([]);
  });

  it("accepts V4 signatures (header and presigned)", async () => {
    const v4 = ipClient({ authorizationV4: true });
    await v4.put("v4/obj.txt", Buffer.from("signed v4"));
    expect((await v4.get("v4/obj.txt")).content.toString()).toBe("signed v4");
    const url = await pathClient({ authorizationV4: true }).signatureUrlV4("GET", 60, {}, "v4/obj.txt");
    const res = await fetch(loopback(url));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("signed v4");
  });

  it("serves presigned V1 GET and PUT URLs to plain fetch", async () => {
    const client = pathClient();
    const putUrl = client.signatureUrl("pre/file name.txt", { method: "PUT", expires: 60 });
    const put = await fetch(loopback(putUrl), { method: "PUT", body: Buffer.from("presigned") });
    expect(put.status).toBe(200);
    const getUrl = client.signatureUrl("pre/file name.txt", { expires: 60, response: { "content-type": "text/x-test" } });
    const get = await fetch(loopback(getUrl));
    expect(get.status).toBe(200);
    expect(get.headers.get("content-type")).toBe("text/x-test");
    expect(await get.text()).toBe("presigned");
    const expired = await fetch(loopback(client.signatureUrl("pre/file name.txt", { expires: -10 })));
    expect(expired.status).toBe(403);
  });

  it("reports a wrong secret key as SignatureDoesNotMatch", async () => {
    const bad = ipClient({ accessKeySecret: "wrong" });
    await expect(bad.put("nope.txt", Buffer.from("x"))).rejects.toMatchObject({ code: "SignatureDoesNotMatch", status: 403 });
    const badV4 = ipClient({ accessKeySecret: "wrong", authorizationV4: true });
    await expect(badV4.get("nope.txt")).rejects.toMatchObject({ code: "SignatureDoesNotMatch", status: 403 });
  });

  it("restores Archive and ColdArchive objects with restore() (202); a Standard one is 400 OperationNotSupported", async () => {
    await oss.put("frozen.txt", Buffer.from("frozen"), { headers: { "x-oss-storage-class": "Archive" } });
    await expect(oss.get("frozen.txt")).rejects.toMatchObject({ code: "InvalidObjectState", status: 403 });
    expect((await oss.restore("frozen.txt")).res.status).toBe(202);
    const head = await oss.head("frozen.txt");
    expect(head.res.headers["x-oss-restore"]).toMatch(/^ongoing-request="false", expiry-date="/);
    // ali-oss reads a listing's <RestoreInfo> into restoreInfo (list and listV2): the header's state.
    const expiryDate = new Date(/expiry-date="([^"]+)"/.exec(head.res.headers["x-oss-restore"])![1]!);
    for (const listed of [await oss.list({ prefix: "frozen" }), await oss.listV2({ prefix: "frozen" })]) {
      expect(listed.objects.map((o: { name: string; restoreInfo?: unknown }) => [o.name, o.restoreInfo])).toEqual([["frozen.txt", { ongoingRequest: false, expiryDate }]]);
    }
    expect((await oss.get("frozen.txt")).content.toString()).toBe("frozen");
    await oss.put("cold.txt", Buffer.from("cold"), { headers: { "x-oss-storage-class": "ColdArchive" } });
    expect((await oss.restore("cold.txt", { type: "ColdArchive", Days: 3, JobParameters: "Bulk" })).res.status).toBe(202);
    expect((await oss.get("cold.txt")).content.toString()).toBe("cold");
    await oss.put("warm.txt", Buffer.from("warm"));
    await expect(oss.restore("warm.txt")).rejects.toMatchObject({ code: "OperationNotSupported", status: 400 });
  });

  it("keeps server-side encryption headers", async () => {
    await oss.put("sse.txt", Buffer.from("enc"), { headers: { "x-oss-server-side-encryption": "AES256" } });
    const head = await oss.head("sse.txt");
    expect(head.res.headers["x-oss-server-side-encryption"]).toBe("AES256");
  });

  it("creates, lists and deletes buckets", async () => {
    const admin = pathClient();
    await admin.putBucket("fresh-bucket");
    const list = await admin.listBuckets();
    expect(list.buckets.map((b: { name: string }) => b.name)).toContain("fresh-bucket");
    const info = await admin.getBucketInfo("fresh-bucket");
    expect(info.bucket.Name).toBe("fresh-bucket");
    admin.useBucket("fresh-bucket");
    await admin.put("k", Buffer.from("v"));
    await expect(admin.deleteBucket("fresh-bucket")).rejects.toMatchObject({ code: "BucketNotEmpty", status: 409 });
    await admin.delete("k");
    const del = await admin.deleteBucket("fresh-bucket");
    expect(del.res.status).toBe(204);
  });

  it("pages bucket listings with max-keys and marker", async () => {
    const admin = pathClient();
    const names = ["page-a", "page-b", "page-c"];
    for (const name of names) await admin.putBucket(name);
    const seen: string[] = [];
    let marker: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await admin.listBuckets({ prefix: "page-", "max-keys": 2, ...(marker ? { marker } : {}) });
      const got = (page.buckets ?? []).map((b: { name: string }) => b.name);
      expect(got.length).toBeLessThanOrEqual(2);
      seen.push(...got);
      if (!page.isTruncated) break;
      marker = page.nextMarker;
    }
    expect(seen).toEqual(names);
    for (const name of names) await admin.deleteBucket(name);
  });
});
