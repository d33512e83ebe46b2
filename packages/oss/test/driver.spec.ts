import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, crc64Decimal, mergePairs, newServicer, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { checkPresignedStorageClass } from "@stowage/behavior-tests";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService, type OssOptions } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

const BUCKET = "driver-oss";
const TOKEN = "sts-token-xyz";
const KiB = 1024;
let emulator: Emulator;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({
    provider: "oss",
    buckets: [BUCKET],
    credentials: [
      { accessKey: "plain-ak", secretKey: "plain-sk" },
      { accessKey: "temp-ak", secretKey: "temp-sk", securityToken: TOKEN },
    ],
  });
});

afterAll(async () => {
  await emulator.stop();
});

function base(credential: string, extra = ""): string {
  return `oss://${BUCKET}/${randomUUID()}/?credential=${credential}&endpoint=http:127.0.0.1:${emulator.port}&location=cn-hangzhou${extra}`;
}

/** A storager over a driver built directly, to set tuning the pairs do not expose. */
function tunedStorager(copyThreshold: number, copyPartSize: number, version: "v1" | "v4" = "v1"): Storager {
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "plain-ak", secretKey: "plain-sk" }, undefined);
  const address = bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) });
  const client = new OssClient(address, BUCKET, credentials, { version, region: "cn-hangzhou" });
  const driver = new OssStorageDriver(client, BUCKET, "cn-hangzhou", true, { copyThreshold, copyPartSize });
  const config = { name: BUCKET, workDir: `/${randomUUID()}/` };
  return createStorager(driver, { definition: ossService, config, pairs: mergePairs(ossService), defaults: {}, loose: false });
}

describe("oss driver on the emulator", () => {
  it("a presigned PUT and InitiateMultipartUpload sign default_storage_class; a presigned read ignores it", async () => {
    await checkPresignedStorageClass(base("hmac:plain-ak:plain-sk"), "IA", "x-oss-storage-class");
  });

  it.each(["v1", "v4"] as const)("copies above the threshold with UploadPartCopy (%s), keeping bytes, CRC64, type and metadata", async (version) => {
    const s = tunedStorager(300 * KiB, 200 * KiB, version);
    const data = randomBytes(700 * KiB + 99);
    await s.write("src.bin", data, { contentType: "application/x-big", metadata: { k: "v" } });
    emulator.resetStats();
    await s.copy("src.bin", "dst bin+1");
    expect(emulator.stats().byOperation["UploadPartCopy"]).toBe(4);
    expect(emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    const o = await s.stat("dst bin+1");
    expect(o).toMatchObject({ size: data.length, crc64: crc64Decimal(data), contentType: "application/x-big", metadata: { k: "v" } });
    expect(sha(await s.read("dst bin+1"))).toBe(sha(data));
    await s.move("dst bin+1", "moved.bin");
    await expect(s.stat("dst bin+1")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await s.deleteMany(["src.bin", "moved.bin"]);
  });

  it("stats with one full HEAD (no ?objectMeta, no symlink probe), and maps HEAD errors from x-oss-err", async () => {
    const s = newStorager(base("hmac:plain-ak:plain-sk"));
    await s.write("h.txt", "head me", { contentType: "text/plain", storageClass: "IA", metadata: { a: "1" } });
    emulator.resetStats();
    const o = await s.stat("h.txt");
    expect(emulator.stats().requests).toBe(1);
    expect(o).toMatchObject({ mode: "file", size: 7, contentType: "text/plain", storageClass: "IA", metadata: { a: "1" }, crc64: crc64Decimal(Buffer.from("head me")) });
    expect(o.contentMd5).toBe(createHash("md5").update("head me").digest("base64"));
    const e = await s.stat("missing").catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "ObjectNotExist", statusCode: 404, message: expect.stringContaining("NoSuchKey") });
    expect((e as { requestId?: string }).requestId).toBeTruthy();
    await s.delete("h.txt");
  });

  it("lists in dir mode with one-level prefixes (ListObjectsV2 paging) and in prefix mode without dir markers", async () => {
    const s = newStorager(base("hmac:plain-ak:plain-sk"));
    await s.createDir("d/");
    await s.write("d/a", "1");
    await s.write("d/sub/b", "2");
    const log = await s.createAppend("d/log");
    await s.writeAppend(log, Buffer.from("xyz"));
    emulator.resetStats();
    const dir = [];
    for await (const o of s.list("d/", { mode: "dir", limit: 1 })) dir.push(`${o.path}:${o.mode}`);
    expect(dir).toEqual(["d/a:file", "d/log:append", "d/sub/:dir"]);
    expect(emulator.stats().byOperation["ListObjects"]).toBeGreaterThanOrEqual(3);
    const flat = [];
    for await (const o of s.list("d/", { mode: "prefix" })) flat.push(`${o.path}:${o.storageClass}`);
    expect(flat).toEqual(["d/a:Standard", "d/log:Standard", "d/sub/b:Standard"]);
    await s.deleteMany(["d/a", "d/sub/b", "d/log"]);
    await s.delete("d/", { mode: "dir" });
  });

  it("treats a prefix with keys below it as a dir even without a marker", async () => {
    const s = newStorager(base("hmac:plain-ak:plain-sk"));
    await s.write("implied/x/file", "x");
    expect((await s.stat("implied/x", { mode: "dir" })).mode).toBe("dir");
    await expect(s.stat("implied/y", { mode: "dir" })).rejects.toMatchObject({ code: "ObjectNotExist" });
    await s.delete("implied/x/file");
  });

  it("stores SSE (AES256, KMS with key id) and reports it under system; KMS details without KMS are refused", async () => {
    const s = newStorager<OssOptions>(base("hmac:plain-ak:plain-sk", "&default_server_side_encryption=AES256"));
    await s.write("sse-default", "x");
    expect((await s.stat("sse-default")).system).toMatchObject({ serverSideEncryption: "AES256" });
    await s.write("sse-kms", "y", { serverSideEncryption: "KMS", serverSideEncryptionKeyId: "cmk-1" });
    expect((await s.stat("sse-kms")).system).toMatchObject({ serverSideEncryption: "KMS", serverSideEncryptionKeyId: "cmk-1" });
    await s.copy("sse-kms", "sse-copy", { serverSideEncryption: "SM4" });
    expect((await s.stat("sse-copy")).system).toMatchObject({ serverSideEncryption: "SM4" });
    await expect(s.write("bad", "z", { serverSideEncryptionKeyId: "cmk-1" })).rejects.toMatchObject({ code: "InvalidArgument" });
    const a = await s.createAppend("sse-append", { serverSideEncryption: "KMS" });
    expect((await s.stat(a.path)).system).toMatchObject({ serverSideEncryption: "KMS", objectType: "Appendable" });
    await s.deleteMany(["sse-default", "sse-kms", "sse-copy", "sse-append"]);
  });

  it("reports upload progress of a large single write", async () => {
    const s = newStorager(base("hmac:plain-ak:plain-sk"));
    const seen: number[] = [];
    await s.write("progress.bin", randomBytes(4 * 1024 * KiB), { onProgress: (p) => seen.push(p.bytes) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[seen.length - 1]).toBe(4 * 1024 * KiB);
    await s.delete("progress.bin");
  });
});

describe("temporary credentials", () => {
  it.each(["v1", "v4"])("sends the security token from the credential or the security_token pair (%s)", async (v) => {
    const withToken = newStorager(base(`hmac:temp-ak:temp-sk:${TOKEN}`, `&signature_version=${v}`));
    await withToken.write("t", "token ok");
    expect((await withToken.read("t")).toString()).toBe("token ok");
    const viaPair = newStorager(base("hmac:temp-ak:temp-sk", `&security_token=${TOKEN}&signature_version=${v}`));
    await viaPair.write("t", "pair ok");
    await viaPair.delete("t");
    const without = newStorager(base("hmac:temp-ak:temp-sk", `&signature_version=${v}`));
    await expect(without.write("t", "no token")).rejects.toMatchObject({ code: "PermissionDenied", statusCode: 403 });
  });

  it.each([
    ["v1", "security-token="],
    ["v4", "x-oss-security-token="],
  ])("asks the credential provider and signs %s presigned URLs with its token", async (version, param) => {
    let calls = 0;
    const s = newStorager({
      type: "oss",
      name: BUCKET,
      workDir: `/${randomUUID()}/`,
      endpoint: `http:127.0.0.1:${emulator.port}`,
      location: "cn-hangzhou",
      signatureVersion: version,
      credentialProvider: async () => {
        calls++;
        return { accessKeyId: "temp-ak", accessKeySecret: "temp-sk", securityToken: TOKEN, expiration: new Date(Date.now() + 3600_000) };
      },
    });
    await s.write("p", "provided");
    expect((await s.read("p")).toString()).toBe("provided");
    expect(calls).toBe(1);
    const url = await s.presign("read", "p", { expires: 600 });
    expect(url.url).toContain(param);
    expect(await (await fetch(url.url)).text()).toBe("provided");
    const ranged = await s.presign("read", "p", { expires: 600, offset: 2, size: 3 });
    expect(await (await fetch(ranged.url, { headers: ranged.headers })).text()).toBe("ovi");
    await s.delete("p");
  });

  it("refuses a wrong secret with PermissionDenied and keeps it out of the error", async () => {
    const s = newStorager(base("hmac:plain-ak:WRONG-SECRET-123"));
    const e = await s.write("x", "y").catch((x: unknown) => x as Error);
    expect(e).toMatchObject({ code: "PermissionDenied", statusCode: 403, message: expect.stringContaining("SignatureDoesNotMatch") });
    expect(String(e)).not.toContain("WRONG-SECRET-123");
    expect(JSON.stringify(e)).not.toContain("WRONG-SECRET-123");
  });
});

describe("oss servicer on the emulator", () => {
  it.each(["v1", "v4"])("creates, lists and deletes buckets (%s)", async (v) => {
    const srv = newServicer(`oss://?credential=hmac:plain-ak:plain-sk&endpoint=http:127.0.0.1:${emulator.port}&location=cn-hangzhou&signature_version=${v}`);
    const name = `made-${v}-${Date.now()}`;
    const store = await srv.create(name);
    await store.write("hello", "bucket");
    const found: Array<[string, string | undefined]> = [];
    for await (const s of srv.list()) found.push([s.info.name, s.info.location]);
    expect(found).toEqual(expect.arrayContaining([[BUCKET, "cn-hangzhou"], [name, "cn-hangzhou"]]));
    await expect(srv.delete(name)).rejects.toMatchObject({ code: "Conflict" });
    await store.delete("hello");
    await srv.delete(name);
    await expect(srv.delete(name)).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});

describe("https", () => {
  it("talks to a TLS endpoint whose CA is given with tls_ca", async () => {
    const tls = await startEmulator({ provider: "oss", tls: true, buckets: [BUCKET] });
    try {
      const s = newStorager({ type: "oss", name: BUCKET, credential: "hmac:stowage-ak:stowage-sk", endpoint: `https:127.0.0.1:${tls.port}`, location: "cn-hangzhou", tlsCa: tls.ca });
      await s.write("tls.txt", "over https");
      expect((await s.read("tls.txt")).toString()).toBe("over https");
      const url = await s.presign("read", "tls.txt", { expires: 60 });
      expect(url.url.startsWith(`https://127.0.0.1:${tls.port}/${BUCKET}/tls.txt?`)).toBe(true);
      const untrusted = newStorager({ type: "oss", name: BUCKET, credential: "hmac:stowage-ak:stowage-sk", endpoint: `https:127.0.0.1:${tls.port}`, location: "cn-hangzhou", maxRetries: 0 });
      await expect(untrusted.stat("tls.txt")).rejects.toMatchObject({ name: "StorageError" });
    } finally {
      await tls.stop();
    }
  });
});
