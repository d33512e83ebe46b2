import { createStorager, mergePairs, parseEndpoint } from "@stowage/core";
import { runCompleteInvalidPartSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

// A Complete that names a part unlike the uploaded one is refused by COS with InvalidPart: Conflict,
// the upload kept (the shared suite, behavior-tests/src/complete-invalid-part.ts).

const BUCKET = "invalid-part-1250000000";

runCompleteInvalidPartSuite("cos: completeMultipart refused with InvalidPart", async () => {
  const emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), staticCredentials({ protocol: "hmac", ...emulator.credential }, undefined));
  const driver = new CosStorageDriver(client, BUCKET, "ap-guangzhou");
  const store = createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir: "/" }, pairs: mergePairs(cosService), defaults: {}, loose: false });
  return { driver, store, stop: () => emulator.stop() };
});
