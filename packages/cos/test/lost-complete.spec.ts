import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type Part, type Storager } from "@stowage/core";
import { completeWhileUploadGoes } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "lost-complete-1250000000";
const KiB = 1024;
const MiB = 1024 * KiB;
const TUNING = "&multipart_threshold=2MiB&part_size=1MiB&concurrency=2&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3";
let emulator: Emulator;
let store: Storager;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${TUNING}`);
});
afterAll(async () => {
  await emulator.stop();
});
afterEach(() => emulator.setFaults([]));

/** Two parts of an upload at `path` (created, written, not completed). */
async function twoParts(path: string, data: Buffer): Promise<{ obj: Awaited<ReturnType<Storager["createMultipart"]>>; parts: Part[] }> {
  const obj = await store.createMultipart(path);
  const half = MiB;
  const parts = [await store.writeMultipart(obj, data.subarray(0, half), { index: 0 }), await store.writeMultipart(obj, data.subarray(half), { index: 1 })];
  return { obj, parts };
}

describe("cos: CompleteMultipartUpload whose answer is lost", () => {
  it("a write whose Complete was performed but answered with a cut body succeeds (the retry's NoSuchUpload is checked against the object)", async () => {
    // truncate: the emulator completes the upload, then cuts the answer's body; the client retries.
    emulator.setFaults([{ kind: "truncate", operation: "CompleteMultipartUpload", count: 1 }]);
    const data = randomBytes(2 * MiB + 7);
    const path = `w/${randomUUID()}`;
    emulator.resetStats();
    const result = await store.write(path, data);
    expect(emulator.faults().map((f) => f.fired)).toEqual([1]);
    expect(emulator.stats().byOperation["CompleteMultipartUpload"]).toBe(2);
    expect(result.parts).toBe(3);
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(result.crc64Confirmed).toBe(true);
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("a retried Complete whose upload is gone keeps ObjectNotExist when there is no object, or another object", async () => {
    const data = randomBytes(MiB + 300 * KiB);
    const path = `g/${randomUUID()}`;
    for (const before of [undefined, randomBytes(MiB + 300 * KiB)]) {
      if (before !== undefined) await store.write(path, before);
      const { obj, parts } = await twoParts(path, data);
      await completeWhileUploadGoes(emulator, store, obj, parts);
      if (before === undefined) await expect(store.stat(path)).rejects.toMatchObject({ code: "ObjectNotExist" });
      else expect(sha(await store.read(path))).toBe(sha(before));
    }
    await store.delete(path);
  });

  it("a NoSuchUpload on the first attempt is not reinterpreted, even when the object is the parts'", async () => {
    const data = randomBytes(MiB + 300 * KiB);
    const path = `f/${randomUUID()}`;
    const { obj, parts } = await twoParts(path, data);
    expect((await store.completeMultipart(obj, parts)).crc64).toBe(crc64Decimal(data));
    await expect(store.completeMultipart(obj, parts)).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404 });
    await store.delete(path);
  });
});
