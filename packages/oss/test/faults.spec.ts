import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, isStorageError, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator, type FaultRule } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "faults-oss";
const KiB = 1024;
const TUNING = "&multipart_threshold=512KiB&part_size=256KiB&concurrency=2&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3";
let emulator: Emulator;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${TUNING}`);
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

async function uploadsUnder(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const u of store.list(prefix, { mode: "part" })) out.push(u.path);
  return out;
}

describe("oss faults: retriable ones recover with the data intact", () => {
  it.each([
    ["500 on PUT", { kind: "status", status: 500, operation: "PutObject", count: 2 }],
    ["503 on PUT", { kind: "status", status: 503, operation: "PutObject", count: 2 }],
    ["TotalQpsLimitExceeded on PUT", { kind: "throttle", operation: "PutObject", count: 3 }],
    ["a reset mid-upload", { kind: "reset", operation: "PutObject", count: 2 }],
    ["a delayed answer", { kind: "delay", ms: 20, operation: "PutObject", count: 1 }],
  ] as Array<[string, FaultRule]>)("write survives %s", async (_name, rule) => {
    faults(rule);
    const data = randomBytes(300 * KiB);
    const path = `w/${randomUUID()}`;
    const result = await store.write(path, data);
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(emulator.faults()[0]!.fired).toBe(rule.count);
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("read and stat survive 5xx, throttling and a reset before the answer", async () => {
    const data = randomBytes(200 * KiB);
    const path = `r/${randomUUID()}`;
    await store.write(path, data);
    faults(
      { kind: "status", operation: "GetObject", count: 1 },
      { kind: "throttle", operation: "GetObject", count: 1 },
      { kind: "status", status: 503, operation: "HeadObject", count: 2 },
    );
    expect(sha(await store.read(path))).toBe(sha(data));
    expect((await store.stat(path)).size).toBe(data.length);
    expect(emulator.faults().map((f) => f.fired)).toEqual([1, 1, 2]);
    await store.delete(path);
  });

  it("multipart write survives failed parts, a reset part upload, a throttled initiate and a failed complete", async () => {
    faults(
      { kind: "status", operation: "UploadPart", count: 2 },
      { kind: "reset", operation: "UploadPart", skip: 1, count: 1 },
      { kind: "throttle", operation: "InitiateMultipartUpload", count: 1 },
      { kind: "status", status: 500, operation: "CompleteMultipartUpload", count: 1 },
    );
    const data = randomBytes(1300 * KiB + 123);
    const path = `m/${randomUUID()}`;
    const result = await store.write(path, data);
    expect(result.parts).toBe(6);
    expect(result.crc64).toBe(crc64Decimal(data));
    expect(emulator.faults().map((f) => f.fired)).toEqual([2, 1, 1, 1]);
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("list, copy, batch delete and append survive throttling and 5xx", async () => {
    const data = randomBytes(1000);
    const src = `c/${randomUUID()}`;
    const dst = `c/${randomUUID()}`;
    await store.write(src, data);
    faults(
      { kind: "throttle", operation: "CopyObject", count: 1 },
      { kind: "status", status: 500, operation: "ListObjects", count: 1 },
      { kind: "status", status: 503, operation: "DeleteObjects", count: 1 },
      { kind: "throttle", operation: "AppendObject", count: 1 },
    );
    await store.copy(src, dst);
    expect(sha(await store.read(dst))).toBe(sha(data));
    const listed = [];
    for await (const o of store.list("c/", { mode: "prefix" })) listed.push(o.path);
    expect(listed.sort()).toEqual([src, dst].sort());
    const log = await store.createAppend(`c/${randomUUID()}`);
    await store.writeAppend(log, Buffer.from("appended"));
    expect((await store.read(log.path)).toString()).toBe("appended");
    await store.deleteMany([src, dst, log.path]);
    expect(emulator.faults().map((f) => f.fired)).toEqual([1, 1, 1, 1]);
    expect(await exists(src)).toBe(false);
  });

  it.each([
    [3600, "v1"],
    [-3600, "v1"],
    [3600, "v4"],
  ])("corrects a clock skewed by %i s from the server's Date (%s, also on body-less HEAD answers)", async (seconds, version) => {
    const path = `s/${randomUUID()}`;
    const skewed = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&max_retries=0&signature_version=${version}`);
    faults({ kind: "clock-skew", seconds });
    await expect(skewed.stat(path)).rejects.toMatchObject({ code: "ObjectNotExist" });
    await skewed.write(path, "on time");
    expect((await skewed.read(path)).toString()).toBe("on time");
    await skewed.delete(path);
  });
});

describe("oss faults: broken transfers end in typed errors and leave no bad object", () => {
  it("a reset or truncated read body errors the read; a flipped byte or a wrong CRC64 is an IntegrityMismatch", async () => {
    const data = randomBytes(512 * KiB);
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
    const prefix = `b/${randomUUID()}/`;
    const path = `${prefix}obj`;
    faults({ kind: "flip-byte", operation: "UploadPart", skip: 1, count: 1 });
    expect(await code(store.write(path, randomBytes(900 * KiB)))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
    expect(await uploadsUnder(prefix)).toEqual([]);
  });

  it("a reset on every try of a part gives up with ServiceInternal, aborting the upload", async () => {
    const prefix = `b/${randomUUID()}/`;
    const path = `${prefix}obj`;
    faults({ kind: "reset", operation: "UploadPart", skip: 1 });
    const e = await store.write(path, randomBytes(900 * KiB)).catch((x: unknown) => x);
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
    expect(await uploadsUnder(prefix)).toEqual([]);
  });

  it("a wrong CRC64 on complete discards the completed object", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "wrong-crc64", operation: "CompleteMultipartUpload", count: 1 });
    expect(await code(store.write(path, randomBytes(900 * KiB)))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
  });

  it("a wrong CRC64 on copy removes the copy", async () => {
    const src = `b/${randomUUID()}`;
    const dst = `b/${randomUUID()}`;
    await store.write(src, randomBytes(2000));
    faults({ kind: "wrong-crc64", operation: "CopyObject", count: 1 });
    expect(await code(store.copy(src, dst))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(await exists(dst)).toBe(false);
    await store.delete(src);
  });

  it("persistent failures give up with a typed, retryable error carrying x-oss-request-id, and no object", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "status", status: 500, operation: "PutObject" });
    const e = await store.write(path, randomBytes(1000)).catch((x: unknown) => x);
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    expect((e as { retryable: boolean }).retryable).toBe(true);
    expect((e as { requestId?: string }).requestId).toBeTruthy();
    expect(emulator.faults()[0]!.fired).toBe(4);
    faults({ kind: "throttle", operation: "PutObject" });
    expect(await code(store.write(path, randomBytes(1000)))).toBe("RequestThrottled");
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
  });

  it("an append whose answer is lost is not sent twice; a corrupted append is an IntegrityMismatch", async () => {
    const path = `a/${randomUUID()}`;
    const obj = await store.createAppend(path);
    emulator.resetStats();
    faults({ kind: "reset", operation: "AppendObject", count: 1 });
    expect(await code(store.writeAppend(obj, Buffer.from("once")))).toBe("ServiceInternal");
    emulator.setFaults([]);
    expect(emulator.stats().byOperation["AppendObject"]).toBe(1);
    expect((await store.stat(path)).size).toBe(0);
    faults({ kind: "flip-byte", operation: "AppendObject", count: 1 });
    expect(await code(store.writeAppend(obj, randomBytes(100)))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    await store.delete(path);
  });
});
