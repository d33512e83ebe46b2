import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "@jest/globals";
import { runFaultSuite } from "@stowage/behavior-tests";
import { crc64Decimal, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "faults-1250000000";
const MiB = 1024 * 1024;
let emulator: Emulator;
let store: Storager;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

runFaultSuite(
  "cos",
  async () => {
    emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    store = newStorager(`${conn}&multipart_threshold=2MiB&part_size=1MiB&concurrency=2&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3`);
    return { emulator, bucket: BUCKET, store };
  },
  { checksum: "crc64", multipart: { size: 5 * MiB + 123, parts: 6 }, twoPartSize: 3 * MiB },
);

describe("cos faults: a 200 carrying an <Error> is a failure to retry", () => {
  afterEach(() => emulator.setFaults([]));

  it("multipart write survives failed parts, a reset part upload and a 200-with-<Error> complete", async () => {
    emulator.setFaults([
      { kind: "status", operation: "UploadPart", count: 2 },
      { kind: "reset", operation: "UploadPart", skip: 1, count: 1 },
      { kind: "throttle", operation: "InitiateMultipartUpload", count: 1 },
      { kind: "error-200", operation: "CompleteMultipartUpload", count: 1 },
    ]);
    const data = randomBytes(3 * MiB + 123);
    const path = `m/${randomUUID()}`;
    const result = await store.write(path, data);
    expect(result.parts).toBe(4);
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(emulator.faults().map((f) => f.fired)).toEqual([2, 1, 1, 1]);
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("a single PUT reset mid-body is retried, and its progress never goes backwards", async () => {
    emulator.setFaults([{ kind: "reset", operation: "PutObject", afterBytes: MiB, count: 1 }]);
    const data = randomBytes(MiB + MiB / 2);
    const path = `p/${randomUUID()}`;
    const progress: number[] = [];
    const result = await store.write(path, data, { onProgress: (p: { bytes: number }) => progress.push(p.bytes) });
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(emulator.faults().map((f) => f.fired)).toEqual([1]);
    expect(progress.every((bytes, i) => i === 0 || bytes > progress[i - 1]!)).toBe(true);
    expect(progress.at(-1)).toBe(data.length);
    await store.delete(path);
  });

  it("copy survives a 200 carrying an <Error>", async () => {
    const data = randomBytes(1000);
    const src = `c/${randomUUID()}`;
    const dst = `c/${randomUUID()}`;
    await store.write(src, data);
    emulator.setFaults([{ kind: "error-200", operation: "CopyObject", count: 1 }]);
    await store.copy(src, dst);
    expect(emulator.faults()[0]!.fired).toBe(1);
    expect(sha(await store.read(dst))).toBe(sha(data));
    await store.deleteMany([src, dst]);
  });
});
