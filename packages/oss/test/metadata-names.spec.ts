/**
 * OSS takes only letters, digits and `-` in a user metadata name (help page 0011-00000004:
 * "underscores and other characters are not supported"). Every path that sends metadata refuses
 * another name with `InvalidArgument` before any request, and what is at the key stays as it was;
 * so does an AppendObject's creation with metadata OSS cannot keep, which deletes what is at the
 * key first. The emulator refuses such a header as OSS does (see the emulator's metadata-names spec).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "@jest/globals";
import { runMetadataNameSuite } from "@stowage/behavior-tests";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

const BUCKET = "meta-names";
const MiB = 1024 * 1024;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

/** A storager of its own directory whose writes above 1 MiB go in 1 MiB parts, and whose copies go in parts with `partCopies`. */
function storeOf(partCopies: boolean): Storager {
  const workDir = `/${randomUUID()}/`;
  if (!partCopies) return newStorager(`${emulator.connectionString(BUCKET, workDir)}&multipart_threshold=1MiB&part_size=1MiB&max_retries=0`);
  const address = bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) });
  const client = new OssClient(address, BUCKET, staticCredentials({ protocol: "hmac", ...emulator.credential }, undefined), { version: "v1" }, { retry: { maxRetries: 0 } });
  const driver = new OssStorageDriver(client, BUCKET, emulator.region, true, { copyThreshold: 1, copyPartSize: MiB });
  return createStorager(driver, { definition: ossService, config: { name: BUCKET, workDir }, pairs: mergePairs(ossService), defaults: {}, loose: false });
}

runMetadataNameSuite({ service: "OSS", storeOf, requests: () => emulator.stats().requests, metadataLimit: 8192 });
