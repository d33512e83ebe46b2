import { createStorager, mergePairs, parseEndpoint } from "@stowage/core";
import { runMultipartAbortSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { qingstorService } from "../src/index.js";
import { QingStorStorageDriver } from "../src/storager.js";

// Aborts of multipart copies, and of a createMultipart whose Initiate is in flight, that the
// service may not answer (the shared suite).

const BUCKET = "multipart-abort-qs";

runMultipartAbortSuite(() => startEmulator({ provider: "qingstor", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "qingstor",
  bucket: BUCKET,
  // QingStor completes no upload with a part below 4 MiB but the last.
  copyPartSize: 4 * 1024 * 1024,
  open: ({ endpoint, workDir, retry, timeoutMs, tuning }) => {
    const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(endpoint)), BUCKET, { accessKeyId: "AK", secretAccessKey: "SK" }, { retry, timeoutMs });
    const driver = new QingStorStorageDriver(client, BUCKET, "pek3a", true, tuning);
    return createStorager(driver, { definition: qingstorService, config: { name: BUCKET, workDir }, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
  },
  requests: {
    partCopy: (req) => req.method === "PUT" && req.headers["x-qs-copy-source"] !== undefined && (req.url ?? "").includes("part_number"),
    abort: (entry) => entry.startsWith("DELETE ") && entry.includes("upload_id="),
  },
});
