import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, type Storager } from "@stowage/core";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";
import { useEmulatorClient } from "./emulator-client.js";

const BUCKET = "copy-attributes";
const KiB = 1024;
const env = useEmulatorClient(BUCKET);

/** A storager under `workDir` whose copies above `copyThreshold` go part by part. */
function storager(workDir: string, copyThreshold: number, defaults: Record<string, unknown> = {}): Storager {
  const driver = new OssStorageDriver(env.client, BUCKET, "cn-hangzhou", true, { copyThreshold, copyPartSize: 200 * KiB });
  return createStorager(driver, { definition: ossService, config: { name: BUCKET, workDir }, pairs: mergePairs(ossService), defaults, loose: false });
}

/** The SSE fields a stat reports. */
async function sseOf(s: Storager, path: string): Promise<Record<string, unknown>> {
  const system = (await s.stat(path)).system ?? {};
  const out: Record<string, unknown> = {};
  for (const k of ["serverSideEncryption", "serverSideDataEncryption", "serverSideEncryptionKeyId"]) if (system[k] !== undefined) out[k] = system[k];
  return out;
}

const ENCRYPTIONS = [
  { serverSideEncryption: "AES256" },
  { serverSideEncryption: "SM4" },
  { serverSideEncryption: "KMS", serverSideEncryptionKeyId: "key-1" },
  { serverSideEncryption: "KMS", serverSideDataEncryption: "SM4" },
  { serverSideEncryption: "KMS", serverSideDataEncryption: "SM4", serverSideEncryptionKeyId: "key-2" },
];

const ATTRIBUTES = {
  "cache-control": "max-age=60",
  "content-disposition": 'attachment; filename="a.bin"',
  "content-encoding": "gzip",
  "content-language": "fr",
  expires: "Wed, 21 Oct 2037 07:28:00 GMT",
  "x-oss-storage-class": "IA",
};

async function head(key: string): Promise<Record<string, unknown>> {
  const res = await env.client.sendBuffered({ operation: "head_object", method: "HEAD", key, query: [], headers: {} });
  return res.headers;
}

describe("oss copy keeps the content headers and storage class, whatever the size", () => {
  it.each([
    ["a single CopyObject", Number.MAX_SAFE_INTEGER],
    ["a part-by-part copy", 300 * KiB],
  ])("%s", async (_name, threshold) => {
    const dir = randomUUID();
    const data = randomBytes(700 * KiB);
    const put = await env.client.send({ operation: "put_object", method: "PUT", key: `${dir}/src.bin`, query: [], headers: { ...ATTRIBUTES, "content-length": String(data.length) }, body: data });
    await put.discard();
    env.emulator.resetStats();
    await storager(`/${dir}/`, threshold).copy("src.bin", "dst.bin");
    expect(env.emulator.stats().byOperation[threshold === Number.MAX_SAFE_INTEGER ? "CopyObject" : "UploadPartCopy"]).toBeGreaterThan(0);
    expect(await head(`${dir}/dst.bin`)).toMatchObject(ATTRIBUTES);
  });
});

describe("oss copy and move keep the source's encryption, whatever the size", () => {
  it.each([
    ["a single CopyObject", Number.MAX_SAFE_INTEGER],
    ["a part-by-part copy", 300 * KiB],
  ])("%s: AES256, SM4 and KMS (its SM4 data encryption and key id) stay, on copy and on move", async (_name, threshold) => {
    const s = storager(`/${randomUUID()}/`, threshold);
    const data = randomBytes(700 * KiB);
    for (const [i, sse] of ENCRYPTIONS.entries()) {
      await s.write(`src${i}`, data, sse as never);
      expect(await sseOf(s, `src${i}`)).toEqual(sse);
      env.emulator.resetStats();
      await s.copy(`src${i}`, `copy${i}`);
      expect(env.emulator.stats().byOperation[threshold === Number.MAX_SAFE_INTEGER ? "CopyObject" : "UploadPartCopy"]).toBeGreaterThan(0);
      expect(await sseOf(s, `copy${i}`)).toEqual(sse);
      await s.move(`copy${i}`, `moved${i}`);
      expect(await sseOf(s, `moved${i}`)).toEqual(sse);
      expect((await s.read(`moved${i}`)).equals(data)).toBe(true);
    }
  });

  it.each([
    ["a single CopyObject", Number.MAX_SAFE_INTEGER],
    ["a part-by-part copy", 300 * KiB],
  ])("%s: default_server_side_encryption encrypts a plain source's copy, and gives way to an encrypted source's; the call's own choice wins", async (_name, threshold) => {
    const workDir = `/${randomUUID()}/`;
    const plain = storager(workDir, threshold);
    const s = storager(workDir, threshold, { serverSideEncryption: "AES256" });
    const data = randomBytes(700 * KiB);
    await plain.write("plain", data);
    await s.copy("plain", "plain-copy");
    expect(await sseOf(s, "plain-copy")).toEqual({ serverSideEncryption: "AES256" });
    await plain.write("kms", data, { serverSideEncryption: "KMS", serverSideEncryptionKeyId: "key-1" } as never);
    await s.copy("kms", "kms-copy");
    expect(await sseOf(s, "kms-copy")).toEqual({ serverSideEncryption: "KMS", serverSideEncryptionKeyId: "key-1" });
    await s.move("kms-copy", "kms-moved");
    expect(await sseOf(s, "kms-moved")).toEqual({ serverSideEncryption: "KMS", serverSideEncryptionKeyId: "key-1" });
    await s.copy("kms", "kms-as-sm4", { serverSideEncryption: "SM4" } as never);
    expect(await sseOf(s, "kms-as-sm4")).toEqual({ serverSideEncryption: "SM4" });
    // A copy onto itself with only the default to go by changes nothing: no request copies it.
    env.emulator.resetStats();
    await s.copy("kms", "kms");
    expect(env.emulator.stats().byOperation["CopyObject"] ?? 0).toBe(0);
    expect(env.emulator.stats().byOperation["InitiateMultipartUpload"] ?? 0).toBe(0);
    expect(await sseOf(s, "kms")).toEqual({ serverSideEncryption: "KMS", serverSideEncryptionKeyId: "key-1" });
  });
});
