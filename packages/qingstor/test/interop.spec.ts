import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent } from "node:https";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import type { QingStorOptions } from "../src/index.js";
import { emulatorStorager } from "./emulator-storager.js";

// qingstor-sdk ships no types; the tests use a loose view of it.
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const { QingStor, Config } = createRequire(import.meta.url)("qingstor-sdk") as { QingStor: new (cfg: Loose) => Loose; Config: new (opts: Loose) => Loose };

const BUCKET = "interop-bucket";
const AK = "QSINTEROPAK";
const SK = "qs-interop-secret";
const MiB = 1024 * 1024;
const SSE_KEY = Buffer.from("0123456789ABCDEF0123456789ABCDEF");
const SSE_SDK = {
  "x-qs-encryption-customer-algorithm": "AES256",
  "x-qs-encryption-customer-key": SSE_KEY.toString("base64"),
  "x-qs-encryption-customer-key-md5": createHash("md5").update(SSE_KEY).digest("base64"),
};

let emulator: Emulator;
let bucket: Loose;
let store: Storager<QingStorOptions>;
let tmp: string;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const md5Hex = (b: Buffer): string => createHash("md5").update(b).digest("hex");

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "qs-interop-"));
  process.env.QINGSTOR_CONFIG_PATH = join(tmp, "config.yaml"); // else the SDK writes ~/.qingstor/config.yaml
  emulator = await startEmulator({ provider: "qingstor", tls: true, buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK } });
  // The SDK sends Host: undefined.127.0.0.1 (also the TLS server name): trust the emulator's CA, skip the name check.
  const httpsAgent = new Agent({ ca: emulator.ca, checkServerIdentity: () => undefined });
  const cfg = new Config({ access_key_id: AK, secret_access_key: SK, endpoint: `https://127.0.0.1:${emulator.port}`, log_level: "error" });
  cfg.getAxiosConfig = (op: { method: string; path: string; params: Record<string, string> }) =>
    op.method === "GET" && op.path.split("/").length > 2 && op.params.upload_id === undefined ? { responseType: "arraybuffer", httpsAgent } : { httpsAgent };
  bucket = new QingStor(cfg).Bucket(BUCKET);
  store = emulatorStorager(emulator, BUCKET, "/interop/", { multipartThreshold: MiB, partSize: 4 * MiB });
});

afterAll(async () => {
  await emulator.stop();
  await rm(tmp, { recursive: true, force: true });
});

/** A fresh path below the work_dir (with characters that must travel byte-exact) and its full key. */
function names(): { path: string; key: string } {
  const path = `${randomUUID()} a+b=c.bin`;
  return { path, key: `interop/${path}` };
}

async function sdkGet(key: string, extra: object = {}): Promise<{ body: Buffer; headers: Record<string, string> }> {
  const res = await bucket.getObject(key, extra);
  return { body: Buffer.from(res.data as ArrayBuffer), headers: res.headers as Record<string, string> };
}

describe("objects written by qingstor-sdk are read by the driver", () => {
  it("a simple object with content type and metadata", async () => {
    const { path, key } = names();
    const body = randomBytes(10_000);
    const put = bucket.putObjectRequest(key, { body, "content-type": "application/x-test" });
    put.operation.headers["x-qs-meta-color"] = "blue"; // the SDK's X-QS-MetaData option is broken
    expect((await put.send()).status).toBe(201);
    const o = await store.stat(path);
    expect(o).toMatchObject({ mode: "file", size: body.length, contentType: "application/x-test", metadata: { color: "blue" }, etag: `"${md5Hex(body)}"` });
    expect(sha(await store.read(path))).toBe(sha(body));
  });

  it("a multipart object, completed with and without a whole-object ETag", async () => {
    const body = randomBytes(4 * MiB + 4096);
    for (const withEtag of [true, false]) {
      const { path, key } = names();
      const upload_id = (await bucket.initiateMultipartUpload(key, { "content-type": "application/x-mp" })).data.upload_id;
      await bucket.uploadMultipart(key, { upload_id, part_number: "0", body: body.subarray(0, 4 * MiB) });
      await bucket.uploadMultipart(key, { upload_id, part_number: "1", body: body.subarray(4 * MiB) });
      const etag = withEtag ? { ETag: `"${md5Hex(body)}"` } : {};
      expect((await bucket.completeMultipartUpload(key, { upload_id, ...etag, object_parts: [{ part_number: 0 }, { part_number: 1 }] })).status).toBe(201);
      expect(await store.stat(path)).toMatchObject({ size: body.length, contentType: "application/x-mp" });
      expect(sha(await store.read(path))).toBe(sha(body));
    }
  });

  it("an appended object, which the driver appends to", async () => {
    const { path, key } = names();
    await bucket.appendObject(key, { position: "0", body: Buffer.from("12345") });
    await bucket.appendObject(key, { position: "5", body: Buffer.from("6789") });
    const o = await store.stat(path);
    expect(o).toMatchObject({ mode: "append", size: 9, appendOffset: 9 });
    await store.writeAppend(o, Buffer.from("!"));
    expect((await store.read(path)).toString()).toBe("123456789!");
  });

  it("an SSE-C object, read with the same key (and refused without it)", async () => {
    const { path, key } = names();
    const body = randomBytes(5000);
    expect((await bucket.putObject(key, { body, ...SSE_SDK })).status).toBe(201);
    const o = await store.stat(path, { encryptionCustomerKey: SSE_KEY });
    expect(o.system).toMatchObject({ encryptionCustomerAlgorithm: "AES256" });
    expect(sha(await store.read(path, { encryptionCustomerKey: SSE_KEY }))).toBe(sha(body));
    await expect(store.read(path)).rejects.toMatchObject({ name: "StorageError" });
    await expect(store.read(path, { encryptionCustomerKey: Buffer.alloc(32, 9) })).rejects.toMatchObject({ code: "PermissionDenied" });
  });
});

describe("objects written by the driver are read by qingstor-sdk", () => {
  it("a simple object with content type, metadata and storage class", async () => {
    const { path, key } = names();
    const body = randomBytes(7777);
    await store.write(path, body, { contentType: "text/x-stowage", metadata: { Owner: "Ann" }, storageClass: "STANDARD_IA" });
    const got = await sdkGet(key);
    expect(sha(got.body)).toBe(sha(body));
    expect(got.headers).toMatchObject({ "content-type": "text/x-stowage", "x-qs-meta-owner": "Ann", "x-qs-storage-class": "STANDARD_IA", etag: `"${md5Hex(body)}"` });
  });

  it("a multipart object, with its parts listed by the SDK while in progress", async () => {
    const { path, key } = names();
    const body = randomBytes(4 * MiB + 5);
    const o = await store.createMultipart(path, { contentType: "application/x-parts" });
    await store.writeMultipart(o, body.subarray(0, 4 * MiB), { index: 0 });
    await store.writeMultipart(o, body.subarray(4 * MiB), { index: 1 });
    const listed = await bucket.listMultipart(key, { upload_id: o.multipartId });
    expect(listed.data.object_parts.map((p: { part_number: number; size: number }) => [p.part_number, p.size])).toEqual([
      [0, 4 * MiB],
      [1, 5],
    ]);
    const parts = [];
    for await (const p of store.listMultipart(o)) parts.push(p);
    const done = await store.completeMultipart(o, parts);
    const got = await sdkGet(key);
    expect(sha(got.body)).toBe(sha(body));
    expect(got.headers["content-type"]).toBe("application/x-parts");
    expect((await bucket.headObject(key)).headers.etag).toBe(done.etag);
    expect((await store.write(path, body)).parts).toBe(2);
    expect(sha((await sdkGet(key)).body)).toBe(sha(body));
  });

  it("an appended object the SDK appends to", async () => {
    const { path, key } = names();
    const o = await store.createAppend(path, { contentType: "text/plain" });
    await store.writeAppend(o, Buffer.from("hello "));
    await store.writeAppend(o, Buffer.from("append"));
    const got = await sdkGet(key);
    expect(got.body.toString()).toBe("hello append");
    expect(got.headers["x-qs-object-type"]).toBe("appendable");
    const next = await bucket.appendObject(key, { position: "12", body: Buffer.from("!") });
    expect(next.headers["x-qs-next-append-position"]).toBe("13");
    expect((await store.read(path)).toString()).toBe("hello append!");
  });

  it("SSE-C objects, simple and multipart, an SSE-C copy, and a move", async () => {
    const small = names();
    const big = names();
    const copy = names();
    const moved = names();
    const a = randomBytes(3000);
    const b = randomBytes(4 * MiB + 100);
    await store.write(small.path, a, { encryptionCustomerKey: SSE_KEY });
    await store.write(big.path, b, { encryptionCustomerKey: SSE_KEY });
    expect(sha((await sdkGet(small.key, SSE_SDK)).body)).toBe(sha(a));
    expect(sha((await sdkGet(big.key, SSE_SDK)).body)).toBe(sha(b));
    await store.copy(small.path, copy.path, { encryptionCustomerKey: SSE_KEY, copySourceEncryptionCustomerKey: SSE_KEY });
    expect(sha((await sdkGet(copy.key, SSE_SDK)).body)).toBe(sha(a));
    await store.move(copy.path, moved.path);
    expect(sha((await sdkGet(moved.key, SSE_SDK)).body)).toBe(sha(a));
    await store.deleteMany([small.path, big.path, moved.path]);
  });
});

describe("SSE-C needs https", () => {
  it("is refused over plain http before anything is sent", async () => {
    const plain = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
    try {
      const s = newStorager<QingStorOptions>(plain.connectionString(BUCKET));
      const before = plain.stats().requests;
      await expect(s.write("x", "data", { encryptionCustomerKey: SSE_KEY })).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("https") });
      await expect(s.read("x", { encryptionCustomerKey: SSE_KEY })).rejects.toMatchObject({ code: "InvalidArgument" });
      await expect(s.presign("read", "x", { expires: 60, encryptionCustomerKey: SSE_KEY })).rejects.toMatchObject({ code: "InvalidArgument" });
      expect(plain.stats().requests).toBe(before);
    } finally {
      await plain.stop();
    }
  });
});
