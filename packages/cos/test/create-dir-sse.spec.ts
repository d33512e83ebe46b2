import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import type { CosOptions } from "../src/index.js";
import { emulatorStorager } from "./emulator-storager.js";

// A directory marker is an object like any other: a bucket whose policy requires the SSE header
// refuses a marker PUT without it. createDir sends the SSE-COS/KMS settings (open-time defaults or
// the call's); never an SSE-C key, as the stat of a directory sends none.

const BUCKET = "dir-sse-1250000000";
let emulator: Emulator;
let tls: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  tls = await startEmulator({ provider: "cos", tls: true, buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
  await tls.stop();
});

/** The SSE the marker of `dir` was stored with, as a HEAD of it reports. */
async function markerSse(store: Storager, dir: string): Promise<{ mode: unknown; keyId: unknown }> {
  const system = (await store.stat(`${dir}/`)).system ?? {};
  return { mode: system["serverSideEncryption"], keyId: system["serverSideEncryptionCosKmsKeyId"] };
}

describe("cos createDir and server-side encryption", () => {
  it("default_server_side_encryption (SSE-COS) encrypts the marker", async () => {
    const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&default_server_side_encryption=AES256`);
    const dir = await store.createDir("d");
    expect(dir).toMatchObject({ mode: "dir" });
    expect(await markerSse(store, "d")).toEqual({ mode: "AES256", keyId: undefined });
  });

  it("SSE-KMS defaults (mode and key id) encrypt the marker; the call's own mode wins and drops the defaulted key id", async () => {
    const kms = "&default_server_side_encryption=cos/kms&default_server_side_encryption_cos_kms_key_id=cmk-dir";
    const store = newStorager<CosOptions>(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${kms}`);
    await store.createDir("k");
    expect(await markerSse(store, "k")).toEqual({ mode: "cos/kms", keyId: "cmk-dir" });
    await store.createDir("s", { serverSideEncryption: "SM4" });
    expect(await markerSse(store, "s")).toEqual({ mode: "SM4", keyId: undefined });
  });

  it("without SSE settings the marker is plain; KMS details without cos/kms are refused before any request", async () => {
    const store = newStorager<CosOptions>(emulator.connectionString(BUCKET, `/${randomUUID()}/`));
    await store.createDir("p");
    expect(await markerSse(store, "p")).toEqual({ mode: undefined, keyId: undefined });
    emulator.resetStats();
    await expect(store.createDir("bad", { serverSideEncryptionCosKmsKeyId: "cmk" })).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(emulator.stats().requests).toBe(0);
  });

  it("a storager opened with an SSE-C key writes a plain marker (its stat sends no key), readable by a storager without the key", async () => {
    const workDir = `/${randomUUID()}/`;
    const open = (key?: Buffer): Storager => emulatorStorager(tls, BUCKET, workDir, key === undefined ? {} : { serverSideEncryptionCustomerKey: key });
    const keyed = open(randomBytes(32));
    await keyed.createDir("c");
    expect(await keyed.stat("c/")).toMatchObject({ mode: "dir" });
    expect((await open().stat("c/")).system?.["serverSideEncryptionCustomerAlgorithm"]).toBeUndefined();
  });
});
