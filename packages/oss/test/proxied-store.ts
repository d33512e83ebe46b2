import { createStorager, mergePairs, parseEndpoint } from "@stowage/core";
import type { OpenProxiedStore } from "@stowage/behavior-tests";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

/**
 * The OSS driver on `bucket` (region cn-hangzhou, V1 signatures, key AK/SK) with the endpoint,
 * retries, timeout and copy tuning the shared proxied suites (`runMovePinnedSuite`,
 * `runMultipartAbortSuite`) ask for.
 */
export function proxiedOss(bucket: string): OpenProxiedStore {
  return ({ endpoint, workDir, retry, timeoutMs, tuning }) => {
    const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
    const address = bucketAddress(bucket, undefined, { endpoint: parseEndpoint(endpoint) });
    const client = new OssClient(address, bucket, credentials, { version: "v1", region: "cn-hangzhou" }, { retry, timeoutMs });
    const driver = new OssStorageDriver(client, bucket, "cn-hangzhou", true, tuning);
    return createStorager(driver, { definition: ossService, config: { name: bucket, workDir }, pairs: mergePairs(ossService), defaults: {}, loose: false });
  };
}
