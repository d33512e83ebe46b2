/**
 * Discard mode (bench mode: bodies counted, not kept) answers QingStor writes with real ETags: the
 * MD5 of what each PUT, part and fetch carried (review-bounds M2). The QingStor driver checks every
 * PUT's and part's ETag against the MD5 of what it sent, so with made-up ETags every write failed
 * `IntegrityMismatch` (a single PUT's object then removed).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash } from "node:crypto";
import { newStorager, type Storager } from "@stowage/core";
import "@stowage/qingstor";
import { startEmulator, type Emulator } from "../src/index.js";
import { md5Base64, qsRequest } from "./raw-client.js";

const BUCKET = "discard-qs";
const MiB = 1024 * 1024;

let qs: Emulator;
let store: Storager;

beforeAll(async () => {
  qs = await startEmulator({ provider: "qingstor", buckets: [BUCKET], discard: true });
  store = newStorager(qs.connectionString(BUCKET));
});

afterAll(async () => {
  await qs.stop();
});

const md5Hex = (data: Buffer): string => createHash("md5").update(data).digest("hex");

describe("QingStor in discard mode", () => {
  it("a single PUT through the driver succeeds, its ETag the MD5 of the bytes sent; stat sees the object", async () => {
    const data = Buffer.from("0123456789");
    const result = await store.write("single", data);
    expect(result.size).toBe(10);
    expect(result.etag?.replace(/"/g, "")).toBe(md5Hex(data));
    await expect(store.stat("single")).resolves.toMatchObject({ size: 10 });
  });

  it("a multipart write through the driver succeeds (each part's ETag its MD5), and keeps no bytes", async () => {
    const data = Buffer.alloc(9 * MiB, 7);
    const result = await store.write("multi", data, { partSize: 4 * MiB, multipartThreshold: 4 * MiB });
    expect([result.size, result.parts]).toEqual([9 * MiB, 3]);
    await expect(store.stat("multi")).resolves.toMatchObject({ size: 9 * MiB });
    // Still discard mode: the bytes read back are zeros of the stored length.
    const back = await store.read("multi", { offset: 0, size: 4 });
    expect([...back]).toEqual([0, 0, 0, 0]);
  });

  it("writeMultipart parts and completeMultipart through the driver succeed", async () => {
    const upload = await store.createMultipart("parts");
    const p0 = await store.writeMultipart(upload, Buffer.alloc(4 * MiB, 1), { index: 0 });
    const p1 = await store.writeMultipart(upload, Buffer.from("tail"), { index: 1 });
    expect(p0.etag.replace(/"/g, "")).toBe(md5Hex(Buffer.alloc(4 * MiB, 1)));
    await expect(store.completeMultipart(upload, [p0, p1])).resolves.toMatchObject({ size: 4 * MiB + 4, parts: 2 });
  });

  it("a Content-MD5 that does not match the body is refused (the MD5 is computed, so it is checked)", async () => {
    const body = Buffer.from("abc");
    const ok = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "raw", headers: { "content-md5": md5Base64(body) }, body });
    expect([ok.status, ok.headers.etag]).toEqual([201, `"${md5Hex(body)}"`]);
    const bad = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "raw", headers: { "content-md5": md5Base64(Buffer.from("abd")) }, body });
    expect(bad.status).toBe(400);
  });
});
