/**
 * COS takes only letters, digits and `-` in a user metadata name (its PUT Object and Initiate
 * Multipart Upload pages: "other characters, including underscores, are not supported"). Every path
 * that sends metadata refuses another name with `InvalidArgument` before any request, and what is
 * at the key stays as it was; so does an APPEND's creation with metadata COS cannot keep, which
 * deletes what is at the key first. The emulator refuses such a header as COS does (see the
 * emulator's metadata-names spec).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "@jest/globals";
import { runMetadataNameSuite } from "@stowage/behavior-tests";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

const BUCKET = "meta-names-1250000000";
const MiB = 1024 * 1024;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

/** A storager of its own directory whose writes above 1 MiB go in 1 MiB parts, and whose copies go in parts with `partCopies`. */
function storeOf(partCopies: boolean): Storager {
  const workDir = `/${randomUUID()}/`;
  if (!partCopies) return newStorager(`${emulator.connectionString(BUCKET, workDir)}&multipart_threshold=1MiB&part_size=1MiB&max_retries=0`);
  const { accessKey, secretKey } = emulator.credential;
  const address = bucketAddress(BUCKET, emulator.region, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) });
  const client = new CosClient(address, staticCredentials({ protocol: "hmac", accessKey, secretKey }, undefined), { retry: { maxRetries: 0 } });
  const driver = new CosStorageDriver(client, BUCKET, emulator.region, true, { copyThreshold: 1, copyPartSize: MiB });
  return createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir }, pairs: mergePairs(cosService), defaults: {}, loose: false });
}

runMetadataNameSuite({ service: "COS", storeOf, requests: () => emulator.stats().requests, metadataLimit: 2048 });
