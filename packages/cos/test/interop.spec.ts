import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import COS from "cos-nodejs-sdk-v5";
import "../src/index.js";
import type { CosOptions } from "../src/index.js";
import { emulatorStorager } from "./emulator-storager.js";

const BUCKET = "interop-1250000000";
const REGION = "ap-guangzhou";
const AK = "AKIDinterop";
const SK = "interop-secret";
const MiB = 1024 * 1024;
const SSE_KEY = Buffer.from("0123456789ABCDEF0123456789ABCDEF");
const SSE_SDK = {
  SSECustomerAlgorithm: "AES256",
  SSECustomerKey: SSE_KEY.toString("base64"),
  SSECustomerKeyMD5: createHash("md5").update(SSE_KEY).digest("base64"),
};

let emulator: Emulator;
let sdk: COS;
let store: Storager<CosOptions>;
let tmp: string;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", tls: true, buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK }, region: REGION });
  sdk = new COS({ SecretId: AK, SecretKey: SK, Protocol: "https:", Domain: `127.0.0.1:${emulator.port}/{Bucket}`, StrictSsl: false } as COS.COSOptions);
  store = emulatorStorager(emulator, BUCKET, "/interop/", { multipartThreshold: 2 * MiB, partSize: MiB });
  tmp = await mkdtemp(join(tmpdir(), "cos-interop-"));
});

afterAll(async () => {
  await emulator.stop();
  await rm(tmp, { recursive: true, force: true });
});

function key(): string {
  return `interop/${randomUUID()} a+b.bin`;
}

function path(k: string): string {
  return k.slice("interop/".length);
}

async function sdkGet(Key: string, extra: object = {}): Promise<{ body: Buffer; headers: Record<string, string> }> {
  const res = await sdk.getObject({ Bucket: BUCKET, Region: REGION, Key, ...extra });
  return { body: res.Body as Buffer, headers: (res.headers ?? {}) as Record<string, string> };
}

describe("objects written by cos-nodejs-sdk-v5 are read by the driver", () => {
  it("a simple object with content type and metadata", async () => {
    const Key = key();
    const body = randomBytes(10_000);
    await sdk.putObject({ Bucket: BUCKET, Region: REGION, Key, Body: body, ContentType: "application/x-test", Headers: { "x-cos-meta-color": "blue" } });
    const o = await store.stat(path(Key));
    expect(o).toMatchObject({ mode: "file", size: body.length, contentType: "application/x-test", metadata: { color: "blue" }, crc64: crc64Decimal(body) });
    expect(sha(await store.read(path(Key)))).toBe(sha(body));
  });

  it("a multipart object (sliceUploadFile)", async () => {
    const Key = key();
    const body = randomBytes(3 * MiB + 17);
    const file = join(tmp, "big.bin");
    await writeFile(file, body);
    await sdk.sliceUploadFile({ Bucket: BUCKET, Region: REGION, Key, FilePath: file, ChunkSize: MiB } as COS.SliceUploadFileParams);
    const o = await store.stat(path(Key));
    expect(o.size).toBe(body.length);
    expect(o.crc64).toBe(crc64Decimal(body));
    expect(sha(await store.read(path(Key)))).toBe(sha(body));
  });

  it("an appended object", async () => {
    const Key = key();
    const a = randomBytes(1000);
    const b = randomBytes(2345);
    await sdk.appendObject({ Bucket: BUCKET, Region: REGION, Key, Body: a, Position: 0 } as COS.AppendObjectParams);
    await sdk.appendObject({ Bucket: BUCKET, Region: REGION, Key, Body: b, Position: a.length } as COS.AppendObjectParams);
    const o = await store.stat(path(Key));
    expect(o).toMatchObject({ mode: "append", size: 3345, appendOffset: 3345 });
    const c = randomBytes(10);
    await store.writeAppend(o, c);
    expect(sha(await store.read(path(Key)))).toBe(sha(Buffer.concat([a, b, c])));
  });

  it("an SSE-C object, read with the same key (and refused without it)", async () => {
    const Key = key();
    const body = randomBytes(5000);
    await sdk.putObject({ Bucket: BUCKET, Region: REGION, Key, Body: body, ...SSE_SDK } as COS.PutObjectParams);
    const o = await store.stat(path(Key), { serverSideEncryptionCustomerKey: SSE_KEY });
    expect(o.system).toMatchObject({ serverSideEncryptionCustomerAlgorithm: "AES256" });
    expect(sha(await store.read(path(Key), { serverSideEncryptionCustomerKey: SSE_KEY }))).toBe(sha(body));
    await expect(store.read(path(Key))).rejects.toMatchObject({ name: "StorageError" });
  });
});

describe("objects written by the driver are read by cos-nodejs-sdk-v5", () => {
  it("a simple object with content type and metadata", async () => {
    const p = path(key());
    const body = randomBytes(7777);
    await store.write(p, body, { contentType: "text/x-stowage", metadata: { Owner: "Ann" } });
    const got = await sdkGet(`interop/${p}`);
    expect(sha(got.body)).toBe(sha(body));
    expect(got.headers["content-type"]).toBe("text/x-stowage");
    expect(got.headers["x-cos-meta-owner"]).toBe("Ann");
    expect(got.headers["x-cos-hash-crc64ecma"]).toBe(crc64Decimal(body));
  });

  it("a multipart object", async () => {
    const p = path(key());
    const body = randomBytes(4 * MiB + 5);
    const result = await store.write(p, body);
    expect(result.parts).toBe(5);
    const got = await sdkGet(`interop/${p}`);
    expect(sha(got.body)).toBe(sha(body));
    expect(got.headers["x-cos-hash-crc64ecma"]).toBe(crc64Decimal(body));
  });

  it("an appended object", async () => {
    const p = path(key());
    const o = await store.createAppend(p, { contentType: "text/plain" });
    await store.writeAppend(o, Buffer.from("hello "));
    await store.writeAppend(o, Buffer.from("append"));
    const got = await sdkGet(`interop/${p}`);
    expect(got.body.toString()).toBe("hello append");
    expect(got.headers["x-cos-object-type"]).toBe("appendable");
    const next = await sdk.appendObject({ Bucket: BUCKET, Region: REGION, Key: `interop/${p}`, Body: Buffer.from("!"), Position: 12 } as COS.AppendObjectParams);
    expect(next.statusCode).toBe(200);
    expect((await store.read(p)).toString()).toBe("hello append!");
  });

  it("an SSE-C object, simple and multipart, and an SSE-C copy", async () => {
    const small = path(key());
    const big = path(key());
    const copy = path(key());
    const a = randomBytes(3000);
    const b = randomBytes(3 * MiB);
    await store.write(small, a, { serverSideEncryptionCustomerKey: SSE_KEY });
    await store.write(big, b, { serverSideEncryptionCustomerKey: SSE_KEY });
    expect(sha((await sdkGet(`interop/${small}`, SSE_SDK)).body)).toBe(sha(a));
    expect(sha((await sdkGet(`interop/${big}`, SSE_SDK)).body)).toBe(sha(b));
    await store.copy(small, copy, { serverSideEncryptionCustomerKey: SSE_KEY, copySourceServerSideEncryptionCustomerKey: SSE_KEY });
    expect(sha((await sdkGet(`interop/${copy}`, SSE_SDK)).body)).toBe(sha(a));
  });
});

describe("SSE-C needs https", () => {
  it("is refused over plain http before anything is sent", async () => {
    const plain = await startEmulator({ provider: "cos", buckets: [BUCKET] });
    try {
      const s = newStorager<CosOptions>(plain.connectionString(BUCKET));
      const before = plain.stats().requests;
      await expect(s.write("x", "data", { serverSideEncryptionCustomerKey: SSE_KEY })).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("https") });
      await expect(s.read("x", { serverSideEncryptionCustomerKey: SSE_KEY })).rejects.toMatchObject({ code: "InvalidArgument" });
      expect(plain.stats().requests).toBe(before);
    } finally {
      await plain.stop();
    }
  });
});
