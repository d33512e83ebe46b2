import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { qingstorService, type QingStorOptions } from "../src/index.js";
import { QingStorStorageDriver } from "../src/storager.js";

// A copy given only the copy-source SSE-C key keeps the source's encryption: the destination is
// encrypted with that same key. (A QingStor move is a rename: it keeps the object as it is.)

const BUCKET = "keep-ssec";
const MiB = 1024 * 1024;
const SINGLE = Number.MAX_SAFE_INTEGER;
const MULTIPART = 1;
const CREDS = { accessKeyId: "stowage-ak", secretAccessKey: "stowage-sk" };
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", tls: true, buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

/** A storager (no key of its own) on the TLS emulator whose copies above `copyThreshold` go in 4 MiB parts (QingStor's smallest). */
function storager(copyThreshold: number): Storager<QingStorOptions> {
  const client = new QingStorClient(zoneAddress(emulator.region, parseEndpoint(`https:127.0.0.1:${emulator.port}`)), BUCKET, CREDS, { agent: { ca: emulator.ca } });
  const driver = new QingStorStorageDriver(client, BUCKET, emulator.region, true, { copyThreshold, copyPartSize: 4 * MiB });
  const config = { name: BUCKET, workDir: `/${randomUUID()}/` };
  return createStorager(driver, { definition: qingstorService, config, pairs: mergePairs(qingstorService), defaults: {}, loose: false }) as Storager<QingStorOptions>;
}

describe.each([
  ["a single copy", SINGLE],
  ["a multipart copy", MULTIPART],
])("qingstor %s given only the copy-source SSE-C key", (_name, threshold) => {
  it("stores the copy encrypted with the source's key (not readable without it)", async () => {
    const s = storager(threshold);
    const key = randomBytes(32);
    const data = randomBytes(4 * MiB + 3);
    await s.write("secret", data, { encryptionCustomerKey: key });
    await s.copy("secret", "copied", { copySourceEncryptionCustomerKey: key });
    await expect(s.read("copied")).rejects.toMatchObject({ name: "StorageError" });
    expect((await s.read("copied", { encryptionCustomerKey: key })).equals(data)).toBe(true);
  });
});

describe("qingstor copy of an SSE-C source: the call's own key still wins", () => {
  it("a destination key given re-encrypts the copy with it", async () => {
    const s = storager(SINGLE);
    const key = randomBytes(32);
    const other = randomBytes(32);
    await s.write("secret", "top secret", { encryptionCustomerKey: key });
    await s.copy("secret", "rekeyed", { copySourceEncryptionCustomerKey: key, encryptionCustomerKey: other });
    expect((await s.read("rekeyed", { encryptionCustomerKey: other })).toString()).toBe("top secret");
    await expect(s.read("rekeyed", { encryptionCustomerKey: key })).rejects.toMatchObject({ name: "StorageError" });
  });

  it("a copy onto itself given only its key changes nothing (nothing sent): it stays encrypted", async () => {
    const s = storager(SINGLE);
    const key = randomBytes(32);
    await s.write("secret", "top secret", { encryptionCustomerKey: key });
    emulator.resetStats();
    await s.copy("secret", "secret", { copySourceEncryptionCustomerKey: key });
    expect(emulator.stats().byOperation["PutObject"] ?? 0).toBe(0);
    await expect(s.read("secret")).rejects.toMatchObject({ name: "StorageError" });
    expect((await s.read("secret", { encryptionCustomerKey: key })).toString()).toBe("top secret");
  });
});
