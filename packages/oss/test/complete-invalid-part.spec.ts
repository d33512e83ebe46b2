import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Part, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

// A Complete that names a part unlike the uploaded one (uploaded again after core checked the parts)
// is refused by OSS with InvalidPart: Conflict, as memory and fs say it (docs/errors.md), the upload kept.
// The driver is called directly: core's own check of the parts would refuse first.

const BUCKET = "invalid-part-oss";
let emulator: Emulator;
let driver: OssStorageDriver;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  const client = new OssClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), BUCKET, staticCredentials({ protocol: "hmac", ...emulator.credential }, undefined), { version: "v1" });
  driver = new OssStorageDriver(client, BUCKET, "cn-hangzhou");
  store = createStorager(driver, { definition: ossService, config: { name: BUCKET, workDir: "/" }, pairs: mergePairs(ossService), defaults: {}, loose: false });
});
afterAll(async () => {
  await emulator.stop();
});

describe("oss: completeMultipart refused with InvalidPart", () => {
  it("a part uploaded again, or never uploaded, is Conflict (400, not retried) and the upload is kept", async () => {
    const key = `k-${randomUUID()}`;
    const o = await store.createMultipart(key);
    const first = await store.writeMultipart(o, randomBytes(100), { index: 0 });
    const again = randomBytes(100);
    const second = await store.writeMultipart(o, again, { index: 0 });
    const stale: Part = { index: first.index, size: first.size, etag: first.etag };
    await expect(driver.completeMultipart(key, o.multipartId!, [stale], {})).rejects.toMatchObject({ code: "Conflict", statusCode: 400, retryable: false });
    const never: Part = { index: 1, size: 100, etag: second.etag };
    await expect(driver.completeMultipart(key, o.multipartId!, [{ ...stale, etag: second.etag }, never], {})).rejects.toMatchObject({ code: "Conflict", statusCode: 400 });
    const kept: Part[] = [];
    for await (const p of store.listMultipart(o)) kept.push(p);
    expect(kept.map((p) => [p.index, p.etag])).toEqual([[0, second.etag]]);
    await store.completeMultipart(o, [second]);
    expect((await store.read(key)).equals(again)).toBe(true);
  });
});
