import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService, type CosOptions } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

// A copy or move given only the copy-source SSE-C key keeps the source's encryption: the
// destination is encrypted with that same key (as an SSE-COS/KMS source keeps its mode).

const BUCKET = "keep-ssec-1250000000";
const MiB = 1024 * 1024;
const SINGLE = Number.MAX_SAFE_INTEGER;
const MULTIPART = 1;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", tls: true, buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
});
afterAll(async () => {
  await emulator.stop();
});

/** A storager (no key of its own) under a fresh work dir of the TLS emulator; copies above `copyThreshold` go part by part (1 MiB parts). */
function storager(copyThreshold: number, workDir = `/${randomUUID()}/`, defaults: Record<string, unknown> = {}): Storager<CosOptions> {
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
  const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`https:127.0.0.1:${emulator.port}`) }), credentials, { agent: { ca: emulator.ca } });
  const driver = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold, copyPartSize: MiB });
  return createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir }, pairs: mergePairs(cosService), defaults, loose: false }) as Storager<CosOptions>;
}

describe.each([
  ["a single copy", SINGLE],
  ["a multipart copy", MULTIPART],
])("cos %s given only the copy-source SSE-C key", (_name, threshold) => {
  it("copy and move store the destination encrypted with the source's key (not readable without it)", async () => {
    const s = storager(threshold);
    const key = randomBytes(32);
    const data = randomBytes(2 * MiB + 3);
    await s.write("secret", data, { serverSideEncryptionCustomerKey: key });
    await s.copy("secret", "copied", { copySourceServerSideEncryptionCustomerKey: key });
    await expect(s.read("copied")).rejects.toMatchObject({ name: "StorageError" });
    expect((await s.read("copied", { serverSideEncryptionCustomerKey: key })).equals(data)).toBe(true);
    await s.move("secret", "moved", { copySourceServerSideEncryptionCustomerKey: key });
    await expect(s.read("moved")).rejects.toMatchObject({ name: "StorageError" });
    expect((await s.read("moved", { serverSideEncryptionCustomerKey: key })).equals(data)).toBe(true);
    await expect(s.stat("secret", { serverSideEncryptionCustomerKey: key })).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});

describe("cos copy of an SSE-C source: what the call chooses still wins", () => {
  it("a destination key of the call's own re-encrypts the copy with it; an SSE-COS mode given by the call makes it SSE-COS", async () => {
    const s = storager(SINGLE);
    const key = randomBytes(32);
    const other = randomBytes(32);
    await s.write("secret", "top secret", { serverSideEncryptionCustomerKey: key });
    await s.copy("secret", "rekeyed", { copySourceServerSideEncryptionCustomerKey: key, serverSideEncryptionCustomerKey: other });
    expect((await s.read("rekeyed", { serverSideEncryptionCustomerKey: other })).toString()).toBe("top secret");
    await s.copy("secret", "cos-sse", { copySourceServerSideEncryptionCustomerKey: key, serverSideEncryption: "AES256" });
    expect((await s.read("cos-sse")).toString()).toBe("top secret");
    expect((await s.stat("cos-sse")).system?.["serverSideEncryption"]).toBe("AES256");
  });

  it("an open-time SSE-COS default gives way to the source's SSE-C key", async () => {
    const s = storager(SINGLE, `/${randomUUID()}/`, { serverSideEncryption: "AES256" });
    await s.write("plain", "x");
    expect((await s.stat("plain")).system?.["serverSideEncryption"]).toBe("AES256");
    const key = randomBytes(32);
    await s.write("secret", "top secret", { serverSideEncryptionCustomerKey: key });
    await s.copy("secret", "copied", { copySourceServerSideEncryptionCustomerKey: key });
    await expect(s.read("copied")).rejects.toMatchObject({ name: "StorageError" });
    expect((await s.read("copied", { serverSideEncryptionCustomerKey: key })).toString()).toBe("top secret");
  });

  it("a copy onto itself given only its key changes nothing (nothing sent): it stays encrypted", async () => {
    const s = storager(SINGLE);
    const key = randomBytes(32);
    await s.write("secret", "top secret", { serverSideEncryptionCustomerKey: key });
    emulator.resetStats();
    await s.copy("secret", "secret", { copySourceServerSideEncryptionCustomerKey: key });
    expect(emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    await expect(s.read("secret")).rejects.toMatchObject({ name: "StorageError" });
    expect((await s.read("secret", { serverSideEncryptionCustomerKey: key })).toString()).toBe("top secret");
  });
});
