import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type ObjectInfo, type Part, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

// COS lists no CRC-64 for a part, but computes the completed object's. A caller's part crc64 at
// completeMultipart is checked against the CRC-64 core hashed when this process uploaded the part;
// one nothing can check (a part uploaded elsewhere) never gets the completed object deleted.

const BUCKET = "complete-crc-1250000000";
const MiB = 1024 * 1024;
const TUNING = "&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=2";
let emulator: Emulator;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${TUNING}`);
});
afterAll(async () => {
  await emulator.stop();
});
afterEach(() => emulator.setFaults([]));

const PREVIOUS = Buffer.from("previous version, precious");
const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

/** `p` with its crc64's lowest bit flipped. */
function wrongCrc(p: Part, crc = p.crc64!): Part {
  return { ...p, crc64: String(BigInt(crc) ^ 1n) };
}

/** Part `index` sent through a presigned UploadPart (as a browser would): core never sees its bytes. */
async function uploadElsewhere(path: string, upload: ObjectInfo, index: number, data: Buffer): Promise<Part> {
  const request = await store.presign("writeMultipart", path, { expires: 60, multipartId: upload.multipartId!, index });
  const res = await fetch(request.url, { method: request.method, headers: request.headers, body: data });
  expect(res.status).toBe(200);
  return { index, size: data.length, etag: res.headers.get("etag")! };
}

/** The path holding PREVIOUS, and an upload to it. */
async function uploadOverPrevious(path: string): Promise<ObjectInfo> {
  await store.write(path, PREVIOUS);
  return store.createMultipart(path);
}

describe("cos: completeMultipart with a part crc64 COS cannot list", () => {
  it("a wrong crc64 for a part this process uploaded is Conflict: nothing completed, the upload and the earlier object kept", async () => {
    const path = `own/${randomUUID()}`;
    const a = randomBytes(MiB);
    const b = randomBytes(1000);
    const upload = await uploadOverPrevious(path);
    const parts = [await store.writeMultipart(upload, a, { index: 0 }), await store.writeMultipart(upload, b, { index: 1 })];
    emulator.resetStats();
    await expect(store.completeMultipart(upload, [wrongCrc(parts[0]!), parts[1]!])).rejects.toMatchObject({ code: "Conflict" });
    expect(emulator.stats().byOperation["CompleteMultipartUpload"]).toBeUndefined();
    expect(await store.read(path)).toEqual(PREVIOUS);
    const listed: Part[] = [];
    for await (const p of store.listMultipart(upload)) listed.push(p);
    expect(listed.map((p) => p.index)).toEqual([0, 1]);
    const done = await store.completeMultipart(upload, parts);
    expect(done.crc64).toBe(crc64Decimal(Buffer.concat([a, b])));
    expect(sha(await store.read(path))).toBe(sha(Buffer.concat([a, b])));
  });

  it("a wrong crc64 for a part uploaded elsewhere fails with IntegrityMismatch and the completed object is kept", async () => {
    const path = `elsewhere/${randomUUID()}`;
    const a = randomBytes(MiB);
    const b = randomBytes(1000);
    const upload = await uploadOverPrevious(path);
    const p0 = await uploadElsewhere(path, upload, 0, a);
    const p1 = await store.writeMultipart(upload, b, { index: 1 });
    emulator.resetStats();
    const error = await store.completeMultipart(upload, [wrongCrc(p0, crc64Decimal(a)), p1]).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error).toMatchObject({ code: "IntegrityMismatch" });
    expect(error!.message).toContain("the object was kept");
    expect(emulator.stats().byOperation["DeleteObject"]).toBeUndefined();
    expect(sha(await store.read(path))).toBe(sha(Buffer.concat([a, b])));
  });

  it("a right crc64 for a part uploaded elsewhere completes with COS's CRC-64", async () => {
    const path = `elsewhere-right/${randomUUID()}`;
    const a = randomBytes(MiB);
    const b = randomBytes(1000);
    const upload = await store.createMultipart(path);
    const p0 = await uploadElsewhere(path, upload, 0, a);
    const p1 = await store.writeMultipart(upload, b, { index: 1 });
    const done = await store.completeMultipart(upload, [{ ...p0, crc64: crc64Decimal(a) }, p1]);
    expect(done.crc64).toBe(crc64Decimal(Buffer.concat([a, b])));
  });

  it("a completed object whose CRC-64 COS contradicts, from parts this process hashed, is still deleted", async () => {
    const path = `corrupt/${randomUUID()}`;
    const upload = await uploadOverPrevious(path);
    const parts = [await store.writeMultipart(upload, randomBytes(MiB), { index: 0 }), await store.writeMultipart(upload, randomBytes(10), { index: 1 })];
    emulator.setFaults([{ operation: "CompleteMultipartUpload", kind: "wrong-crc64", count: 1 }]);
    await expect(store.completeMultipart(upload, parts)).rejects.toMatchObject({ code: "IntegrityMismatch", message: expect.stringContaining("the object was removed") });
    await expect(store.stat(path)).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
