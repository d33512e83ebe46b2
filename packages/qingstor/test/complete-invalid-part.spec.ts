import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type Part, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { isInvalidArgumentAnswer } from "../src/complete-refusal.js";
import { qingstorError } from "../src/errors.js";
import { qingstorService } from "../src/index.js";
import { parseErrorBody } from "../src/responses.js";
import { QingStorStorageDriver } from "../src/storager.js";

// A Complete that names a part unlike the uploaded one (uploaded again after core checked the parts)
// is refused by QingStor with a bare invalid_argument; the driver lists the parts and makes it
// Conflict, as memory and fs say it (docs/errors.md), the upload kept. The driver is called
// directly: core's own check of the parts would refuse first.

const BUCKET = "invalid-part-qs";
const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
let emulator: Emulator;
let driver: QingStorStorageDriver;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  const { accessKey, secretKey } = emulator.credential;
  const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${emulator.port}`)), BUCKET, { accessKeyId: accessKey, secretAccessKey: secretKey });
  driver = new QingStorStorageDriver(client, BUCKET, "pek3a");
  store = createStorager(driver, { definition: qingstorService, config: { name: BUCKET, workDir: "/" }, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
});
afterAll(async () => {
  await emulator.stop();
});

describe("qingstor: completeMultipart refused with invalid_argument", () => {
  it("is recognised from a saved body (400 invalid_argument), and only from that", () => {
    const body = parseErrorBody(fixture("error-invalid-argument.json"));
    expect(isInvalidArgumentAnswer(qingstorError(400, body, "complete_multipart_upload", undefined))).toBe(true);
    expect(isInvalidArgumentAnswer(qingstorError(400, { ...body!, code: "entity_too_small" }, "complete_multipart_upload", undefined))).toBe(false);
    expect(isInvalidArgumentAnswer(qingstorError(400, undefined, "complete_multipart_upload", undefined))).toBe(false);
  });

  it("a part uploaded again, or never uploaded, is Conflict (400, not retried) and the upload is kept", async () => {
    const key = `k-${randomUUID()}`;
    const o = await store.createMultipart(key);
    const first = await store.writeMultipart(o, randomBytes(100), { index: 0 });
    const again = randomBytes(100);
    const second = await store.writeMultipart(o, again, { index: 0 });
    const stale: Part = { index: first.index, size: first.size, etag: first.etag };
    const refused = driver.completeMultipart(key, o.multipartId!, [stale], {});
    await expect(refused).rejects.toMatchObject({ code: "Conflict", statusCode: 400, retryable: false });
    await expect(refused).rejects.toThrow(/part 0 is not the uploaded part/);
    const never: Part = { index: 1, size: 100, etag: second.etag };
    await expect(driver.completeMultipart(key, o.multipartId!, [{ ...stale, etag: second.etag }, never], {})).rejects.toThrow(/part 1 was not uploaded/);
    const kept: Part[] = [];
    for await (const p of store.listMultipart(o)) kept.push(p);
    expect(kept.map((p) => [p.index, p.etag])).toEqual([[0, second.etag]]);
    await store.completeMultipart(o, [second]);
    expect((await store.read(key)).equals(again)).toBe(true);
  });

  it("another invalid_argument, with every part as uploaded, stays InvalidArgument", async () => {
    const key = `k-${randomUUID()}`;
    const o = await store.createMultipart(key);
    const part = await store.writeMultipart(o, randomBytes(100), { index: 1 });
    // The emulator refuses part numbers out of order with invalid_argument (core never sends them so).
    const first = await store.writeMultipart(o, randomBytes(100), { index: 0 });
    await expect(driver.completeMultipart(key, o.multipartId!, [part, first], {})).rejects.toMatchObject({ code: "InvalidArgument", statusCode: 400 });
    await store.delete(key, { multipartId: o.multipartId! });
  });
});
