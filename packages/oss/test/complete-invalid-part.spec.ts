import { createStorager, mergePairs, parseEndpoint } from "@stowage/core";
import { runCompleteInvalidPartSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

// A Complete that names a part unlike the uploaded one is refused by OSS with InvalidPart: Conflict,
// the upload kept (the shared suite, behavior-tests/src/complete-invalid-part.ts).

const BUCKET = "invalid-part-oss";

runCompleteInvalidPartSuite("oss: completeMultipart refused with InvalidPart", async () => {
  const emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  const client = new OssClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), BUCKET, staticCredentials({ protocol: "hmac", ...emulator.credential }, undefined), { version: "v1" });
  const driver = new OssStorageDriver(client, BUCKET, "cn-hangzhou");
  const store = createStorager(driver, { definition: ossService, config: { name: BUCKET, workDir: "/" }, pairs: mergePairs(ossService), defaults: {}, loose: false });
  return { driver, store, stop: () => emulator.stop() };
});
