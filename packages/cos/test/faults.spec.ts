import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, isStorageError, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator, type FaultRule } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "faults-1250000000";
const MiB = 1024 * 1024;
let emulator: Emulator;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
  store = newStorager(`${conn}&multipart_threshold=2MiB&part_size=1MiB&concurrency=2&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3`);
});

afterAll(async () => {
  await emulator.stop();
});

afterEach(() => {
  emulator.setFaults([]);
});

function faults(...rules: FaultRule[]): void {
  emulator.setFaults(rules);
}

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isStorageError(e) ? e.code : `not a StorageError: ${String(e)}`;
  }
  return "no error";
}

async function exists(path: string): Promise<boolean> {
  return (await code(store.stat(path))) === "no error";
}

describe("cos faults: retriable ones recover with the data intact", () => {
  it.each([
    ["500 on PUT", { kind: "status", status: 500, operation: "PutObject", count: 2 }],
    ["503 on PUT", { kind: "status", status: 503, operation: "PutObject", count: 2 }],
    ["throttling on PUT", { kind: "throttle", operation: "PutObject", count: 3 }],
    ["a reset mid-upload", { kind: "reset", operation: "PutObject", count: 2 }],
  ] as Array<[string, FaultRule]>)("write survives %s", async (_name, rule) => {
    faults(rule);
    const data = randomBytes(300 * 1024);
    const path = `w/${randomUUID()}`;
    const result = await store.write(path, data);
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(emulator.faults()[0]!.fired).toBe(rule.count);
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("read survives 5xx, throttling and a reset before the answer", async () => {
    const data = randomBytes(200 * 1024);
    const path = `r/${randomUUID()}`;
    await store.write(path, data);
    faults({ kind: "status", operation: "GetObject", count: 1 }, { kind: "throttle", operation: "GetObject", count: 1 }, { kind: "status", status: 503, operation: "HeadObject", count: 2 });
    expect(sha(await store.read(path))).toBe(sha(data));
    expect((await store.stat(path)).size).toBe(data.length);
    await store.delete(path);
  });

  it("multipart write survives failed parts, a reset part upload and a 200-with-<Error> complete", async () => {
    faults(
      { kind: "status", operation: "UploadPart", count: 2 },
      { kind: "reset", operation: "UploadPart", skip: 1, count: 1 },
      { kind: "throttle", operation: "InitiateMultipartUpload", count: 1 },
      { kind: "error-200", operation: "CompleteMultipartUpload", count: 1 },
    );
    const data = randomBytes(5 * MiB + 123);
    const path = `m/${randomUUID()}`;
    const result = await store.write(path, data);
    expect(result.parts).toBe(6);
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(emulator.faults().map((f) => f.fired)).toEqual([2, 1, 1, 1]);
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("copy survives a 200 carrying an <Error>", async () => {
    const data = randomBytes(1000);
    const src = `c/${randomUUID()}`;
    const dst = `c/${randomUUID()}`;
    await store.write(src, data);
    faults({ kind: "error-200", operation: "CopyObject", count: 1 });
    await store.copy(src, dst);
    expect(emulator.faults()[0]!.fired).toBe(1);
    expect(sha(await store.read(dst))).toBe(sha(data));
    await store.deleteMany([src, dst]);
  });

  it.each([3600, -3600])("corrects a clock skewed by %i s from the server's Date (also on body-less HEAD answers)", async (seconds) => {
    const path = `s/${randomUUID()}`;
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    const skewed = newStorager(`${conn}&max_retries=0`);
    faults({ kind: "clock-skew", seconds });
    await expect(skewed.stat(path)).rejects.toMatchObject({ code: "ObjectNotExist" });
    await skewed.write(path, "on time");
    expect((await skewed.read(path)).toString()).toBe("on time");
    await skewed.delete(path);
  });
});

describe("cos faults: broken transfers end in typed errors and leave no bad object", () => {
  it("a reset or truncated read body errors the read; a flipped byte is an IntegrityMismatch", async () => {
    const data = randomBytes(512 * 1024);
    const path = `b/${randomUUID()}`;
    await store.write(path, data);
    faults({ kind: "reset", operation: "GetObject", afterBytes: 100_000, count: 1 });
    expect(await code(store.read(path))).toBe("ServiceInternal");
    faults({ kind: "truncate", operation: "GetObject", count: 1 });
    expect(["ServiceInternal", "IntegrityMismatch"]).toContain(await code(store.read(path)));
    faults({ kind: "flip-byte", operation: "GetObject", count: 1 });
    expect(await code(store.read(path))).toBe("IntegrityMismatch");
    faults({ kind: "wrong-crc64", operation: "GetObject", count: 1 });
    expect(await code(store.read(path))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("a byte corrupted in storage on PUT is caught by CRC64 and the object removed", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "flip-byte", operation: "PutObject", count: 1 });
    expect(await code(store.write(path, randomBytes(4096)))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
  });

  it("a wrong CRC64 on PUT fails the write and leaves nothing behind", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "wrong-crc64", operation: "PutObject", count: 1 });
    expect(await code(store.write(path, randomBytes(4096)))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
  });

  it("a corrupted part aborts the multipart upload: no object, no upload left", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "flip-byte", operation: "UploadPart", skip: 1, count: 1 });
    expect(await code(store.write(path, randomBytes(3 * MiB)))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
    const uploads = [];
    for await (const u of store.list("b/", { mode: "part" })) uploads.push(u);
    expect(uploads.filter((u) => u.path === path)).toEqual([]);
  });

  it("a wrong CRC64 on complete discards the completed object", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "wrong-crc64", operation: "CompleteMultipartUpload", count: 1 });
    expect(await code(store.write(path, randomBytes(3 * MiB)))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
  });

  it("persistent failures give up with a typed, retryable error and no object", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "status", status: 500, operation: "PutObject" });
    const e = await store.write(path, randomBytes(1000)).catch((x: unknown) => x);
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    expect((e as { retryable: boolean }).retryable).toBe(true);
    expect((e as { requestId?: string }).requestId).toBeTruthy();
    expect(emulator.faults()[0]!.fired).toBe(4);
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
  });

  it("an append whose answer is lost is not sent twice", async () => {
    const path = `a/${randomUUID()}`;
    const obj = await store.createAppend(path);
    emulator.resetStats();
    faults({ kind: "reset", operation: "AppendObject", count: 1 });
    expect(await code(store.writeAppend(obj, Buffer.from("once")))).toBe("ServiceInternal");
    emulator.setFaults([]);
    expect(emulator.stats().byOperation["AppendObject"]).toBe(1);
    expect((await store.stat(path)).size).toBe(0);
    await store.delete(path);
  });
});
