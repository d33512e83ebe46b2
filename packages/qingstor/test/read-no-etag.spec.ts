import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

// A multipart object another tool completed without an `ETag` header has none (QingStor computes
// none; the emulator stores none), and no CRC ETag either: nothing pins its version, so core neither
// resumes its reads nor splits them into ranges (either could splice two versions of the same size,
// Last-Modified having one-second steps), and a read of 0 bytes still lets `*` match it.

// qingstor-sdk ships no types; the tests use a loose view of it.
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const { QingStor, Config } = createRequire(import.meta.url)("qingstor-sdk") as { QingStor: new (cfg: Loose) => Loose; Config: new (opts: Loose) => Loose };

const BUCKET = "no-etag-bucket";
const AK = "QSNOETAGAK";
const SK = "qs-no-etag-secret";
const KiB = 1024;
const BODY = randomBytes(1024 * KiB);

let emulator: Emulator;
let bucket: Loose;
let store: Storager;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "qs-no-etag-"));
  process.env.QINGSTOR_CONFIG_PATH = join(tmp, "config.yaml"); // else the SDK writes ~/.qingstor/config.yaml
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK } });
  bucket = new QingStor(new Config({ access_key_id: AK, secret_access_key: SK, endpoint: `http://127.0.0.1:${emulator.port}`, log_level: "error" })).Bucket(BUCKET);
  store = newStorager(`${emulator.connectionString(BUCKET)}&retry_base_delay=0`);
  const upload_id = (await bucket.initiateMultipartUpload("plain")).data.upload_id;
  await bucket.uploadMultipart("plain", { upload_id, part_number: "0", body: BODY });
  expect((await bucket.completeMultipartUpload("plain", { upload_id, object_parts: [{ part_number: 0 }] })).status).toBe(201);
  await store.write("tagged", BODY);
});

afterAll(async () => {
  await emulator.stop();
  await rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  emulator.setFaults([]);
  emulator.resetStats();
});

const gets = (): number => emulator.stats().byOperation["GetObject"] ?? 0;

describe("reads of a QingStor object without an ETag", () => {
  it("the object has no ETag and no CRC-64", async () => {
    const info = await store.stat("plain");
    expect([info.size, info.etag, info.crc64]).toEqual([BODY.length, undefined, undefined]);
  });

  it("a body cut short is not resumed: a retryable ServiceInternal after one GET", async () => {
    emulator.setFaults([{ kind: "truncate", operation: "GetObject", afterBytes: 256 * KiB, count: 1 }]);
    const e = await store.read("plain").catch((x: unknown) => x);
    expect(isStorageError(e, "ServiceInternal")).toBe(true);
    expect((e as { retryable?: boolean }).retryable).toBe(true);
    expect((e as Error).message).toMatch(/not resumed/);
    expect(gets()).toBe(1);
  });

  it("an object with an ETag is still resumed after the same fault", async () => {
    emulator.setFaults([{ kind: "truncate", operation: "GetObject", afterBytes: 256 * KiB, count: 1 }]);
    expect((await store.read("tagged")).equals(BODY)).toBe(true);
    expect(gets()).toBe(2);
  });

  it("readConcurrency reads it as one stream (one GET); an object with an ETag in ranges", async () => {
    const ranged = { offset: 1, readConcurrency: 2, readPartSize: 64 * KiB };
    expect((await store.read("plain", ranged)).equals(BODY.subarray(1))).toBe(true);
    expect(gets()).toBe(1);
    emulator.resetStats();
    expect((await store.read("tagged", ranged)).equals(BODY.subarray(1))).toBe(true);
    expect(gets()).toBe(16);
  });

  it("a read of 0 bytes decides `*` as the service does for reads with bytes", async () => {
    expect((await store.read("plain", { size: 0, ifMatch: "*" })).length).toBe(0);
    expect((await store.read("plain", { offset: 2, ifMatch: "*" })).length).toBe(BODY.length - 2);
    for (const options of [{ size: 0 }, { offset: 2 }]) {
      const e = await store.read("plain", { ...options, ifNoneMatch: "*" }).catch((x: unknown) => x);
      expect(isStorageError(e, "Conflict")).toBe(true);
      expect((e as { statusCode?: number }).statusCode).toBe(304);
    }
  });
});
