import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { COPY_PART_SIZE, copyPartPlan } from "../src/copy.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { headObject } from "../src/requests.js";
import { CosStorageDriver } from "../src/storager.js";
import { errorXml, rawServer, type RawAnswer } from "./raw-server.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;
const BUCKET = "copy-1250000000";

describe("cos multipart copy: part size", () => {
  it("keeps 512 MiB parts while 10,000 of them cover the object, and raises them (whole MiB) beyond", () => {
    expect(copyPartPlan(10 * GiB)).toEqual({ partSize: COPY_PART_SIZE, count: 20 });
    expect(copyPartPlan(10_000 * COPY_PART_SIZE)).toEqual({ partSize: COPY_PART_SIZE, count: 10_000 });
    const big = copyPartPlan(6 * TiB);
    expect(big.partSize).toBe(630 * MiB);
    expect(big.count).toBeLessThanOrEqual(10_000);
    expect(big.partSize * big.count).toBeGreaterThanOrEqual(6 * TiB);
    expect(copyPartPlan(20_000 * MiB + 1, MiB)).toEqual({ partSize: 3 * MiB, count: 6667 });
    expect(copyPartPlan(10_000 * 5 * GiB)).toEqual({ partSize: 5 * GiB, count: 10_000 });
  });

  it("refuses a source 5 GiB parts cannot cover, with InvalidArgument", () => {
    expect(() => copyPartPlan(10_000 * 5 * GiB + 1)).toThrow(expect.objectContaining({ name: "StorageError", code: "InvalidArgument" }));
  });

  /** A scripted COS whose source object `src` has `size` bytes; part copies fail (400), so only the plan is seen. */
  async function copyOf(size: number): Promise<{ error: unknown; requests: { method: string; url: URL; headers: Record<string, unknown> }[] }> {
    const server = await rawServer((req): RawAnswer => {
      if (req.method === "HEAD") return { headers: { "content-length": String(size), etag: '"e"', "x-cos-hash-crc64ecma": "1" } };
      if (req.method === "POST" && req.url.searchParams.has("uploads")) return { body: "<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>" };
      if (req.method === "DELETE") return { status: 204 };
      return { status: 400, headers: { "content-type": "application/xml" }, body: errorXml("InvalidRequest", "stop here") };
    });
    try {
      const store = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}&max_retries=0`);
      const error = await store.copy("src", "dst").catch((e: unknown) => e);
      return { error, requests: server.requests };
    } finally {
      await server.stop();
    }
  }

  it("a 6 TiB source is copied in parts of 630 MiB (fits 10,000), not 512 MiB", async () => {
    const { requests } = await copyOf(6 * TiB);
    const copies = requests.filter((r) => r.method === "PUT" && r.url.searchParams.has("partNumber"));
    expect(copies.length).toBeGreaterThan(0);
    for (const r of copies) {
      const n = Number(r.url.searchParams.get("partNumber"));
      const first = (n - 1) * 630 * MiB;
      expect(r.headers["x-cos-copy-source-range"]).toBe(`bytes=${first}-${first + 630 * MiB - 1}`);
    }
  });

  it("a source above 10,000 × 5 GiB fails with InvalidArgument after its HEAD, before Initiate", async () => {
    const { error, requests } = await copyOf(50 * TiB);
    expect(error).toMatchObject({ code: "InvalidArgument" });
    expect(requests.map((r) => r.method)).toEqual(["HEAD"]);
  });
});

describe("cos multipart copy: content headers", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("keeps Cache-Control, Content-Disposition, Content-Encoding, Content-Language and Expires, as the single copy does", async () => {
    const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
    const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials);
    const single = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true);
    const multi = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold: 1, copyPartSize: MiB });
    const src = `src-${randomUUID()}`;
    const content = {
      "content-type": "text/csv",
      "cache-control": "max-age=3600",
      "content-disposition": "attachment; filename=a.csv",
      "content-encoding": "gzip",
      "content-language": "de-CH",
      expires: "Wed, 21 Oct 2037 07:28:00 GMT",
    };
    const data = randomBytes(3 * MiB + 5);
    await client.sendBuffered({ operation: "put_object", method: "PUT", key: src, query: [], headers: { ...content, "x-cos-meta-k": "v", "content-length": String(data.length) }, body: data });
    emulator.resetStats();
    await single.copy(src, `${src}-single`, {});
    await multi.copy(src, `${src}-multi`, {});
    expect(emulator.stats().byOperation["UploadPartCopy"]).toBe(4);
    for (const key of [`${src}-single`, `${src}-multi`]) {
      const head = await client.sendBuffered(headObject(key, {}, false));
      for (const [name, value] of Object.entries(content)) expect([key, name, head.header(name)]).toEqual([key, name, value]);
      expect(head.header("x-cos-meta-k")).toBe("v");
      const stat = await multi.stat(key, {});
      expect(stat).toMatchObject({ cacheControl: "max-age=3600", contentDisposition: "attachment; filename=a.csv", contentEncoding: "gzip", httpExpires: content.expires });
      expect(stat.system).toMatchObject({ contentLanguage: "de-CH" });
    }
    await multi.deleteMany([src, `${src}-single`, `${src}-multi`], {});
  });

  it("keeps the source's storage class, single and multipart (COS would store STANDARD)", async () => {
    const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&credential=hmac:AK:SK`);
    await store.write("ia", randomBytes(1000), { storageClass: "STANDARD_IA" });
    await store.copy("ia", "copied");
    expect((await store.stat("copied")).storageClass).toBe("STANDARD_IA");
    await store.move("ia", "moved");
    expect((await store.stat("moved")).storageClass).toBe("STANDARD_IA");
    await store.deleteMany(["copied", "moved"]);
    const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
    const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials);
    const multi = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold: 1, copyPartSize: MiB });
    const src = `ia-${randomUUID()}`;
    const data = randomBytes(2 * MiB + 1);
    await client.sendBuffered({ operation: "put_object", method: "PUT", key: src, query: [], headers: { "x-cos-storage-class": "STANDARD_IA", "content-length": String(data.length) }, body: data });
    await multi.copy(src, `${src}-multi`, {});
    expect((await multi.stat(`${src}-multi`, {})).storageClass).toBe("STANDARD_IA");
    await multi.deleteMany([src, `${src}-multi`], {});
  });

  it("a multipart copy whose Complete answer is cut succeeds: the part CRC-64s come from the Upload Part - Copy headers", async () => {
    const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
    const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const multi = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold: 1, copyPartSize: MiB });
    const src = `lost-${randomUUID()}`;
    const data = randomBytes(2 * MiB + 3);
    await client.sendBuffered({ operation: "put_object", method: "PUT", key: src, query: [], headers: { "content-length": String(data.length) }, body: data });
    emulator.setFaults([{ kind: "truncate", operation: "CompleteMultipartUpload", count: 1 }]);
    try {
      await multi.copy(src, `${src}-copy`, {});
      expect(emulator.faults().map((f) => f.fired)).toEqual([1]);
    } finally {
      emulator.setFaults([]);
    }
    expect((await multi.stat(`${src}-copy`, {})).size).toBe(data.length);
    await multi.deleteMany([src, `${src}-copy`], {});
  });

  it("keeps the source's SSE-COS or SSE-KMS encryption, single, multipart and on move (COS would store the copy unencrypted)", async () => {
    const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&credential=hmac:AK:SK`);
    await store.write("aes", randomBytes(1000), { serverSideEncryption: "AES256" } as never);
    await store.write("kms", randomBytes(1000), { serverSideEncryption: "cos/kms", serverSideEncryptionCosKmsKeyId: "kid-1" } as never);
    await store.copy("aes", "aes-copy");
    expect((await store.stat("aes-copy")).system).toMatchObject({ serverSideEncryption: "AES256" });
    await store.copy("kms", "kms-copy");
    expect((await store.stat("kms-copy")).system).toMatchObject({ serverSideEncryption: "cos/kms", serverSideEncryptionCosKmsKeyId: "kid-1" });
    await store.move("aes", "aes-moved");
    expect((await store.stat("aes-moved")).system).toMatchObject({ serverSideEncryption: "AES256" });
    // A mode the caller gives wins.
    await store.copy("kms", "kms-as-aes", { serverSideEncryption: "AES256" } as never);
    expect((await store.stat("kms-as-aes")).system).toMatchObject({ serverSideEncryption: "AES256" });

    const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
    const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials);
    const multi = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold: 1, copyPartSize: MiB });
    const src = `aes-${randomUUID()}`;
    const data = randomBytes(2 * MiB + 1);
    await client.sendBuffered({ operation: "put_object", method: "PUT", key: src, query: [], headers: { "x-cos-server-side-encryption": "AES256", "content-length": String(data.length) }, body: data });
    await multi.copy(src, `${src}-multi`, {});
    expect((await multi.stat(`${src}-multi`, {})).system).toMatchObject({ serverSideEncryption: "AES256" });
    await multi.deleteMany([src, `${src}-multi`], {});
  });

  it.each([
    ["a single copy", Number.MAX_SAFE_INTEGER],
    ["a multipart copy", 1],
  ])("%s: default_server_side_encryption encrypts a plain source's copy and gives way to an SSE-KMS source's (mode and key id); the call's own choice wins", async (_name, copyThreshold) => {
    const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
    const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials);
    const workDir = `/${randomUUID()}/`;
    const open = (defaults: Record<string, unknown>): Storager =>
      createStorager(new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold, copyPartSize: MiB }), {
        definition: cosService,
        config: { name: BUCKET, workDir },
        pairs: mergePairs(cosService),
        defaults,
        loose: false,
      });
    const plain = open({});
    const s = open({ serverSideEncryption: "AES256" });
    const sse = async (path: string) => {
      const system = (await s.stat(path)).system ?? {};
      return { mode: system["serverSideEncryption"], keyId: system["serverSideEncryptionCosKmsKeyId"] };
    };
    const data = randomBytes(2 * MiB + 1);
    await plain.write("plain", data);
    await s.copy("plain", "plain-copy");
    expect(await sse("plain-copy")).toEqual({ mode: "AES256", keyId: undefined });
    await plain.write("kms", data, { serverSideEncryption: "cos/kms", serverSideEncryptionCosKmsKeyId: "kid-1" } as never);
    await s.copy("kms", "kms-copy");
    expect(await sse("kms-copy")).toEqual({ mode: "cos/kms", keyId: "kid-1" });
    await s.move("kms-copy", "kms-moved");
    expect(await sse("kms-moved")).toEqual({ mode: "cos/kms", keyId: "kid-1" });
    await s.copy("kms", "kms-as-aes", { serverSideEncryption: "AES256" } as never);
    expect(await sse("kms-as-aes")).toEqual({ mode: "AES256", keyId: undefined });
    // Onto itself with only the default to go by, a copy changes nothing: nothing is copied.
    emulator.resetStats();
    await s.copy("kms", "kms");
    expect(emulator.stats().byOperation["CopyObject"] ?? 0).toBe(0);
    expect(emulator.stats().byOperation["InitiateMultipartUpload"] ?? 0).toBe(0);
    expect(await sse("kms")).toEqual({ mode: "cos/kms", keyId: "kid-1" });
    await plain.deleteMany(["plain", "plain-copy", "kms", "kms-moved", "kms-as-aes"]);
  });
});
