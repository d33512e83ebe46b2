import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { checkSseCAppends, checkSseCCopies, checkSseCDirs, checkSseCKeyHints } from "@stowage/behavior-tests";
import "../src/index.js";
import type { CosOptions } from "../src/index.js";
import { emulatorStorager } from "./emulator-storager.js";
import { QUICK_RETRIES, rawServer, type RawAnswer } from "./raw-server.js";

const BUCKET = "ssec-1250000000";
const MiB = 1024 * 1024;
const KEY = randomBytes(32);

describe("cos SSE-C: a lost Complete answer of an SSE-C object", () => {
  let emulator: Emulator;
  let store: Storager<CosOptions>;
  beforeAll(async () => {
    emulator = await startEmulator({ provider: "cos", tls: true, buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
    store = emulatorStorager(emulator, BUCKET, `/${randomUUID()}/`, { serverSideEncryptionCustomerKey: KEY, retryBaseDelay: 1, retryMaxDelay: 5 });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("public completeMultipart looks at the object with the open-time customer key, and succeeds", async () => {
    const data = randomBytes(2 * MiB + 7);
    const obj = await store.createMultipart("obj");
    const parts = [await store.writeMultipart(obj, data.subarray(0, MiB), { index: 0 }), await store.writeMultipart(obj, data.subarray(MiB), { index: 1 })];
    // truncate: the emulator completes the upload, then cuts the answer's body; the retry finds no upload.
    emulator.setFaults([{ kind: "truncate", operation: "CompleteMultipartUpload", count: 1 }]);
    emulator.resetStats();
    const done = await store.completeMultipart(obj, parts);
    expect(emulator.faults().map((f) => f.fired)).toEqual([1]);
    expect(emulator.stats().byOperation["CompleteMultipartUpload"]).toBe(2);
    expect(done.crc64).toBe(crc64Decimal(data));
    emulator.setFaults([]);
    expect((await store.read("obj")).equals(data)).toBe(true);
    await store.delete("obj");
  });
});

describe("cos copy: SSE-C over plain http", () => {
  it("is refused with InvalidArgument before any request, for the destination key and the source key", async () => {
    const server = await rawServer(() => ({ status: 500 }));
    try {
      const store = newStorager<CosOptions>(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}${QUICK_RETRIES}`);
      await expect(store.copy("a", "b", { serverSideEncryptionCustomerKey: KEY })).rejects.toMatchObject({ code: "InvalidArgument" });
      await expect(store.copy("a", "b", { copySourceServerSideEncryptionCustomerKey: KEY })).rejects.toMatchObject({ code: "InvalidArgument" });
      await expect(store.move("a", "b", { serverSideEncryptionCustomerKey: KEY })).rejects.toMatchObject({ code: "InvalidArgument" });
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });
});

describe("cos copy: the CRC-64 check", () => {
  it("compares CRC-64s as numbers: a padded one in the copy's answer is the source's", async () => {
    const server = await rawServer((req): RawAnswer => {
      if (req.method === "HEAD") return { headers: { "content-length": "10", etag: '"e"', "x-cos-hash-crc64ecma": "123" } };
      if (req.method === "PUT") return { headers: { "x-cos-hash-crc64ecma": "0123" }, body: '<CopyObjectResult><ETag>"e"</ETag><CRC64>0123</CRC64></CopyObjectResult>' };
      return { status: 400 };
    });
    try {
      const store = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}${QUICK_RETRIES}`);
      await store.copy("src", "dst");
      expect(server.requests.map((r) => r.method)).toEqual(["HEAD", "PUT"]);
    } finally {
      await server.stop();
    }
  });
});

describe("cos SSE-C: copies with the open-time key", () => {
  it("copy and move of the storager's own objects, a plain source, a source under another key; stat of its directories; appends refused; a stat with a wrong or no key names the key", async () => {
    const emulator = await startEmulator({ provider: "cos", tls: true, buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
    try {
      const workDir = `/${randomUUID()}/`;
      const open = (key?: Buffer): Storager => emulatorStorager(emulator, BUCKET, workDir, key === undefined ? {} : { serverSideEncryptionCustomerKey: key });
      await checkSseCCopies(open);
      await checkSseCDirs(open);
      await checkSseCAppends(open);
      await checkSseCKeyHints(open, "server_side_encryption_customer_key");
    } finally {
      await emulator.stop();
    }
  });
});
