/**
 * QingStor computes no ETag for a multipart object and keeps the one CompleteMultipartUpload sends:
 * a presigned Complete returns that header (the MD5-of-MD5s one, as the driver's own Complete sends
 * for parts whose CRC-64 it does not know), so the object completed through it has an ETag.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type ObjectInfo, type Part, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { multipartEtag } from "../src/etag.js";
import "../src/index.js";

const BUCKET = "presigned-complete-etag";
const MiB = 1024 * 1024;
let emulator: Emulator;
let store: Storager;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=2`);
});
afterAll(async () => {
  await emulator.stop();
});

/** An upload at `path` whose parts went through presigned UploadMultipart requests. */
async function presignedParts(path: string, bodies: Buffer[]): Promise<{ upload: ObjectInfo; parts: Part[] }> {
  const upload = await store.createMultipart(path);
  const parts: Part[] = [];
  for (const [index, body] of bodies.entries()) {
    const request = await store.presign("writeMultipart", path, { expires: 60, multipartId: upload.multipartId!, index });
    const res = await fetch(request.url, { method: request.method, headers: request.headers, body });
    expect(res.status).toBe(201);
    parts.push({ index, size: body.length, etag: res.headers.get("etag")! });
  }
  return { upload, parts };
}

describe("qingstor: a presigned CompleteMultipartUpload", () => {
  it("sends the MD5-of-MD5s ETag, which the object then has (as when completeMultipart completes the same parts)", async () => {
    const bodies = [randomBytes(4 * MiB), randomBytes(10)];
    const path = `via-presign/${randomUUID()}`;
    const { upload, parts } = await presignedParts(path, bodies);
    const request = await store.presign("completeMultipart", path, { expires: 60, multipartId: upload.multipartId!, parts });
    expect(request.headers["etag"]).toBe(multipartEtag(parts));
    const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body! });
    expect(res.status).toBe(201);
    const stat = await store.stat(path);
    expect(stat.etag).toBe(multipartEtag(parts));
    expect(sha(await store.read(path, { ifMatch: stat.etag! }))).toBe(sha(Buffer.concat(bodies)));

    const other = `via-api/${randomUUID()}`;
    const api = await presignedParts(other, bodies);
    await store.completeMultipart(api.upload, api.parts);
    expect((await store.stat(other)).etag).toBe(stat.etag);
  });

  it("never sends a CRC ETag from a crc64 given with the parts (nothing checks it)", async () => {
    const request = await store.presign("completeMultipart", "x", {
      expires: 60,
      multipartId: "u",
      parts: [{ index: 0, size: 3, etag: '"900150983cd24fb0d6963f7d28e17f72"', crc64: crc64Decimal(Buffer.from("abd")) }],
    });
    expect(request.headers["etag"]).toBe(multipartEtag([{ etag: '"900150983cd24fb0d6963f7d28e17f72"' }]));
  });
});
