import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

const BUCKET = "copy-attributes";
const KiB = 1024;
let emulator: Emulator;
let client: OssClient;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: [{ accessKey: "ak", secretKey: "sk" }] });
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "ak", secretKey: "sk" }, undefined);
  client = new OssClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), BUCKET, credentials);
});
afterAll(async () => {
  await emulator.stop();
});

/** A storager under `workDir` whose copies above `copyThreshold` go part by part. */
function storager(workDir: string, copyThreshold: number): Storager {
  const driver = new OssStorageDriver(client, BUCKET, "cn-hangzhou", true, { copyThreshold, copyPartSize: 200 * KiB });
  return createStorager(driver, { definition: ossService, config: { name: BUCKET, workDir }, pairs: mergePairs(ossService), defaults: {}, loose: false });
}

const ATTRIBUTES = {
  "cache-control": "max-age=60",
  "content-disposition": 'attachment; filename="a.bin"',
  "content-encoding": "gzip",
  "content-language": "fr",
  expires: "Wed, 21 Oct 2037 07:28:00 GMT",
  "x-oss-storage-class": "IA",
};

async function head(key: string): Promise<Record<string, unknown>> {
  const res = await client.sendBuffered({ operation: "head_object", method: "HEAD", key, query: [], headers: {} });
  return res.headers;
}

describe("oss copy keeps the content headers and storage class, whatever the size", () => {
  it.each([
    ["a single CopyObject", Number.MAX_SAFE_INTEGER],
    ["a part-by-part copy", 300 * KiB],
  ])("%s", async (_name, threshold) => {
    const dir = randomUUID();
    const data = randomBytes(700 * KiB);
    const put = await client.send({ operation: "put_object", method: "PUT", key: `${dir}/src.bin`, query: [], headers: { ...ATTRIBUTES, "content-length": String(data.length) }, body: data });
    await put.discard();
    emulator.resetStats();
    await storager(`/${dir}/`, threshold).copy("src.bin", "dst.bin");
    expect(emulator.stats().byOperation[threshold === Number.MAX_SAFE_INTEGER ? "CopyObject" : "UploadPartCopy"]).toBeGreaterThan(0);
    expect(await head(`${dir}/dst.bin`)).toMatchObject(ATTRIBUTES);
  });
});
