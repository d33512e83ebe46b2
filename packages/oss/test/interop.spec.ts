import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import type { OssOptions } from "../src/index.js";

// ali-oss ships no types; the tests use a loose view of its client.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AliOss = any;
const OSS = createRequire(import.meta.url)("ali-oss") as new (opts: Record<string, unknown>) => AliOss;

const BUCKET = "interop-oss";
const AK = "LTAIinterop";
const SK = "interop-secret";
const KiB = 1024;

let emulator: Emulator;
let sdk: AliOss;
let sdkV4: AliOss;
let store: Storager<OssOptions>;
let storeV4: Storager<OssOptions>;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const md5 = (b: Buffer | string): string => createHash("md5").update(b).digest("base64");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK } });
  // ali-oss against an IP endpoint sends Host: <bucket>.oss-cn-hangzhou.aliyuncs.com (virtual host); the driver uses path style.
  const options = { accessKeyId: AK, accessKeySecret: SK, bucket: BUCKET, region: "oss-cn-hangzhou", endpoint: `http://127.0.0.1:${emulator.port}` };
  sdk = new OSS(options);
  sdkV4 = new OSS({ ...options, authorizationV4: true });
  const conn = `${emulator.connectionString(BUCKET, "/interop/")}&multipart_threshold=512KiB&part_size=256KiB`;
  store = newStorager<OssOptions>(conn);
  storeV4 = newStorager<OssOptions>(`${conn}&signature_version=v4`);
});

afterAll(async () => {
  await emulator.stop();
});

/** A fresh path below the storagers' work_dir, and the key ali-oss sees. */
function names(): { path: string; key: string } {
  const path = `${randomUUID()} a+b é.bin`;
  return { path, key: `interop/${path}` };
}

describe("objects written by ali-oss are read by the driver", () => {
  it("a simple object with content type and metadata (V1 and V4 readers)", async () => {
    const { path, key } = names();
    const body = randomBytes(10_000);
    await sdk.put(key, body, { mime: "application/x-test", meta: { color: "blue" } });
    for (const s of [store, storeV4]) {
      const o = await s.stat(path);
      expect(o).toMatchObject({ mode: "file", size: body.length, contentType: "application/x-test", metadata: { color: "blue" }, crc64: crc64Decimal(body) });
      expect(sha(await s.read(path))).toBe(sha(body));
      expect(sha(await s.read(path, { offset: 100, size: 50 }))).toBe(sha(body.subarray(100, 150)));
    }
  });

  it("a multipart object (multipartUpload)", async () => {
    const { path, key } = names();
    const body = randomBytes(900 * KiB + 17);
    await sdk.multipartUpload(key, body, { partSize: 256 * KiB, parallel: 2 });
    const o = await store.stat(path);
    expect(o.size).toBe(body.length);
    expect(o.crc64).toBe(crc64Decimal(body));
    expect(o.system).toMatchObject({ objectType: "Multipart" });
    expect(sha(await store.read(path))).toBe(sha(body));
  });

  it("an appended object, which the driver appends to", async () => {
    const { path, key } = names();
    const a = randomBytes(1000);
    const b = randomBytes(2345);
    const first = await sdk.append(key, a);
    await sdk.append(key, b, { position: first.nextAppendPosition });
    const o = await store.stat(path);
    expect(o).toMatchObject({ mode: "append", size: 3345, appendOffset: 3345, crc64: crc64Decimal(Buffer.concat([a, b])) });
    const c = randomBytes(10);
    const r = await store.writeAppend(o, c);
    expect(r.crc64).toBe(crc64Decimal(Buffer.concat([a, b, c])));
    expect(sha(await store.read(path))).toBe(sha(Buffer.concat([a, b, c])));
  });

  it("a V4-signed object with SSE, copied and deleted by the driver", async () => {
    const { path, key } = names();
    const body = randomBytes(3000);
    await sdkV4.put(key, body, { headers: { "x-oss-server-side-encryption": "AES256", "x-oss-meta-k": "v" } });
    expect((await storeV4.stat(path)).system).toMatchObject({ serverSideEncryption: "AES256" });
    await store.copy(path, `${path}.copy`);
    expect(await store.stat(`${path}.copy`)).toMatchObject({ metadata: { k: "v" }, crc64: crc64Decimal(body) });
    await store.deleteMany([path, `${path}.copy`]);
    await expect(sdk.head(key)).rejects.toMatchObject({ status: 404 });
  });
});

describe("objects written by the driver are read by ali-oss", () => {
  it("a simple object with content type and metadata", async () => {
    const { path, key } = names();
    const body = randomBytes(7777);
    await store.write(path, body, { contentType: "text/x-stowage", metadata: { Owner: "Ann" }, storageClass: "IA" });
    const got = await sdk.get(key);
    expect(sha(got.content)).toBe(sha(body));
    expect(got.res.headers["content-type"]).toBe("text/x-stowage");
    expect(got.res.headers["x-oss-meta-owner"]).toBe("Ann");
    expect(got.res.headers["x-oss-storage-class"]).toBe("IA");
    expect(got.res.headers["x-oss-hash-crc64ecma"]).toBe(crc64Decimal(body));
    expect(got.res.headers["content-md5"]).toBe(md5(body));
    const head = await sdk.head(key);
    expect(head.meta).toEqual({ owner: "Ann" });
  });

  it("a multipart object (V4-signed)", async () => {
    const { path, key } = names();
    const body = randomBytes(1200 * KiB + 5);
    const result = await storeV4.write(path, body);
    expect(result.parts).toBe(5);
    const got = await sdk.get(key);
    expect(sha(got.content)).toBe(sha(body));
    expect(got.res.headers["x-oss-hash-crc64ecma"]).toBe(crc64Decimal(body));
    expect(got.res.headers["x-oss-object-type"]).toBe("Multipart");
  });

  it("an appended object, which ali-oss appends to", async () => {
    const { path, key } = names();
    const o = await store.createAppend(path, { contentType: "text/plain" });
    await store.writeAppend(o, Buffer.from("hello "));
    await store.writeAppend(o, Buffer.from("append"));
    const got = await sdk.get(key);
    expect(got.content.toString()).toBe("hello append");
    expect(got.res.headers["x-oss-object-type"]).toBe("Appendable");
    expect(got.res.headers["content-type"]).toBe("text/plain");
    const next = await sdk.append(key, Buffer.from("!"), { position: "12" });
    expect(next.nextAppendPosition).toBe("13");
    expect((await store.read(path)).toString()).toBe("hello append!");
    await expect(store.writeAppend(o, Buffer.from("stale"))).rejects.toMatchObject({ code: "Conflict", statusCode: 409 });
  });

  it("a driver listing matches ali-oss listV2, and a driver presigned PUT is readable by ali-oss", async () => {
    const dir = `${randomUUID()}/`;
    for (const n of ["a", "b c", "d/e"]) await store.write(`${dir}${n}`, n);
    const listed = [];
    for await (const o of store.list(dir, { mode: "dir" })) listed.push(o.path.slice(dir.length));
    const v2 = await sdk.listV2({ prefix: `interop/${dir}`, delimiter: "/" });
    const sdkNames = [...(v2.objects ?? []).map((o: { name: string }) => o.name), ...(v2.prefixes ?? [])].map((n: string) => n.slice(`interop/${dir}`.length)).sort();
    expect(listed).toEqual(sdkNames);
    expect(listed).toEqual(["a", "b c", "d/"]);
    const put = await store.presign("write", `${dir}presigned`, { expires: 60, contentType: "text/plain" });
    const res = await fetch(put.url, { method: "PUT", headers: put.headers, body: "via url" });
    expect(res.status).toBe(200);
    expect((await sdk.get(`interop/${dir}presigned`)).content.toString()).toBe("via url");
    await store.deleteMany(["a", "b c", "d/e", "presigned"].map((n) => `${dir}${n}`));
  });
});

describe("symlinks between ali-oss and the driver", () => {
  it("a link made by ali-oss putSymlink (with metadata) is a link to the driver, which reads its target (V1 and V4)", async () => {
    const target = names();
    const link = names();
    const body = randomBytes(5000);
    await sdk.put(target.key, body);
    await sdkV4.putSymlink(link.key, target.key, { meta: { by: "ali" } });
    for (const s of [store, storeV4]) {
      const o = await s.stat(link.path);
      expect(o).toMatchObject({ mode: "link", linkTarget: `/${target.key}`, metadata: { by: "ali" } });
      expect(sha(await s.read(link.path))).toBe(sha(body));
      expect(sha(await s.read(link.path, { offset: 10, size: 20 }))).toBe(sha(body.subarray(10, 30)));
    }
    const listed = [];
    for await (const o of store.list("", { mode: "prefix" })) if (o.path === link.path || o.path === target.path) listed.push([o.path, o.mode]);
    expect(listed.sort()).toEqual([[link.path, "link"], [target.path, "file"]].sort());
    await store.deleteMany([target.path, link.path]);
  });

  it("a link made by the driver's createLink names its target to ali-oss getSymlink, and ali-oss reads through it", async () => {
    const target = names();
    const link = names();
    await storeV4.write(target.path, "through the link");
    await store.createLink(link.path, target.path);
    expect((await sdk.getSymlink(link.key)).targetName).toBe(target.key);
    expect((await sdkV4.getSymlink(link.key)).targetName).toBe(target.key);
    expect((await sdk.get(link.key)).content.toString()).toBe("through the link");
    const head = await sdk.head(link.key);
    expect(head.res.headers["x-oss-object-type"]).toBe("Symlink");
    expect(head.res.headers["content-length"]).toBe("16");
    await storeV4.createLink(link.path, `${target.path}.missing`);
    expect((await sdkV4.getSymlink(link.key)).targetName).toBe(`${target.key}.missing`);
    await expect(sdk.get(link.key)).rejects.toMatchObject({ status: 404, code: "SymlinkTargetNotExist" });
    await store.deleteMany([target.path, link.path]);
  });
});
