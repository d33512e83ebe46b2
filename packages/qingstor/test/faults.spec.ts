import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator, type FaultRule } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "faults-bucket";
const MiB = 1024 * 1024;
let emulator: Emulator;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
  store = newStorager(`${conn}&multipart_threshold=1MiB&part_size=4MiB&concurrency=2&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3`);
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

async function uploadsAt(path: string): Promise<number> {
  let n = 0;
  for await (const u of store.list("", { mode: "part" })) if (u.path === path) n++;
  return n;
}

describe("qingstor faults: retriable ones recover with the data intact", () => {
  it.each([
    ["500 on PUT", { kind: "status", status: 500, operation: "PutObject", count: 2 }],
    ["503 on PUT", { kind: "status", status: 503, operation: "PutObject", count: 2 }],
    ["429 too_many_requests on PUT", { kind: "throttle", operation: "PutObject", count: 3 }],
    ["a reset mid-upload", { kind: "reset", operation: "PutObject", count: 2 }],
  ] as Array<[string, FaultRule]>)("write survives %s", async (_name, rule) => {
    faults(rule);
    const data = randomBytes(300 * 1024);
    const path = `w/${randomUUID()}`;
    const result = await store.write(path, data);
    expect(result.etag).toBe(`"${createHash("md5").update(data).digest("hex")}"`);
    expect(emulator.faults()[0]!.fired).toBe(rule.count);
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("read survives 5xx, throttling and body-less HEAD failures", async () => {
    const data = randomBytes(200 * 1024);
    const path = `r/${randomUUID()}`;
    await store.write(path, data);
    faults({ kind: "status", operation: "GetObject", count: 1 }, { kind: "throttle", operation: "GetObject", count: 1 }, { kind: "status", status: 503, operation: "HeadObject", count: 2 });
    expect(sha(await store.read(path))).toBe(sha(data));
    expect((await store.stat(path)).size).toBe(data.length);
    await store.delete(path);
  });

  it("multipart write survives failed parts, a reset part upload, a throttled initiate and a failed complete", async () => {
    faults(
      { kind: "status", operation: "UploadPart", count: 2 },
      { kind: "reset", operation: "UploadPart", skip: 1, count: 1 },
      { kind: "throttle", operation: "InitiateMultipartUpload", count: 1 },
      { kind: "status", status: 500, operation: "CompleteMultipartUpload", count: 1 },
    );
    const data = randomBytes(9 * MiB + 123);
    const path = `m/${randomUUID()}`;
    const result = await store.write(path, data);
    expect(result.parts).toBe(3);
    expect(emulator.faults().map((f) => f.fired)).toEqual([2, 1, 1, 1]);
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it.each([3600, -3600])("corrects a clock skewed by %i s from the server's Date (also on body-less HEAD answers)", async (seconds) => {
    const path = `s/${randomUUID()}`;
    const skewed = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&max_retries=0`);
    faults({ kind: "clock-skew", seconds });
    await expect(skewed.stat(path)).rejects.toMatchObject({ code: "ObjectNotExist" });
    await skewed.write(path, "on time");
    expect((await skewed.read(path)).toString()).toBe("on time");
    await skewed.delete(path);
  });
});

describe("qingstor faults: broken transfers end in typed errors and leave no bad object", () => {
  it("a reset or truncated read body errors the read; a flipped byte fails the MD5 check", async () => {
    const data = randomBytes(512 * 1024);
    const path = `b/${randomUUID()}`;
    await store.write(path, data);
    faults({ kind: "reset", operation: "GetObject", afterBytes: 100_000, count: 1 });
    expect(await code(store.read(path))).toBe("ServiceInternal");
    faults({ kind: "truncate", operation: "GetObject", count: 1 });
    expect(["ServiceInternal", "IntegrityMismatch"]).toContain(await code(store.read(path)));
    faults({ kind: "flip-byte", operation: "GetObject", count: 1 });
    expect(await code(store.read(path))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(sha(await store.read(path))).toBe(sha(data));
    await store.delete(path);
  });

  it("a byte corrupted in storage on PUT is caught by the MD5 ETag and the object removed", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "flip-byte", operation: "PutObject", count: 1 });
    expect(await code(store.write(path, randomBytes(4096)))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
  });

  it("a corrupted part aborts the multipart upload: no object, no upload left", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "flip-byte", operation: "UploadPart", skip: 1, count: 1 });
    expect(await code(store.write(path, randomBytes(9 * MiB)))).toBe("IntegrityMismatch");
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
    expect(await uploadsAt(path)).toBe(0);
  });

  it("persistent failures give up with a typed, retryable error carrying the request id, and no object", async () => {
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

  it("a connection reset on every attempt of a PUT ends in ServiceInternal and stores nothing", async () => {
    const path = `b/${randomUUID()}`;
    faults({ kind: "reset", operation: "PutObject" });
    expect(await code(store.write(path, randomBytes(64 * 1024)))).toBe("ServiceInternal");
    expect(emulator.faults()[0]!.fired).toBe(4);
    emulator.setFaults([]);
    expect(await exists(path)).toBe(false);
  });

  it("persistent throttling ends in RequestThrottled", async () => {
    faults({ kind: "throttle", operation: "HeadObject" });
    expect(await code(store.stat(`b/${randomUUID()}`))).toBe("RequestThrottled");
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
