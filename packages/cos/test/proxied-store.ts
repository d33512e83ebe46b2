import { createStorager, mergePairs, parseEndpoint } from "@stowage/core";
import type { OpenProxiedStore } from "@stowage/behavior-tests";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

/**
 * The COS driver on `bucket` (region ap-guangzhou, key AK/SK) with the endpoint, retries, timeout
 * and copy tuning the shared proxied suites (`runMovePinnedSuite`, `runMultipartAbortSuite`) ask for.
 */
export function proxiedCos(bucket: string): OpenProxiedStore {
  return ({ endpoint, workDir, retry, timeoutMs, tuning }) => {
    const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
    const client = new CosClient(bucketAddress(bucket, undefined, { endpoint: parseEndpoint(endpoint) }), credentials, { retry, timeoutMs });
    const driver = new CosStorageDriver(client, bucket, "ap-guangzhou", true, tuning);
    return createStorager(driver, { definition: cosService, config: { name: bucket, workDir }, pairs: mergePairs(cosService), defaults: {}, loose: false });
  };
}
