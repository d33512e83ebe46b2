import { createStorager, mergePairs, parseEndpoint } from "@stowage/core";
import { runAppendLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { qingstorService } from "../src/index.js";
import { QingStorStorageDriver } from "../src/storager.js";

// Appends whose answer is lost or aborted (the shared suite).

const BUCKET = "append-lost-qs";

runAppendLostAnswerSuite(() => startEmulator({ provider: "qingstor", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "qingstor",
  bucket: BUCKET,
  open: ({ endpoint, workDir, retry, timeoutMs, tuning }) => {
    const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(endpoint)), BUCKET, { accessKeyId: "AK", secretAccessKey: "SK" }, { retry, timeoutMs });
    const driver = new QingStorStorageDriver(client, BUCKET, "pek3a", true, tuning);
    return createStorager(driver, { definition: qingstorService, config: { name: BUCKET, workDir }, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
  },
});
