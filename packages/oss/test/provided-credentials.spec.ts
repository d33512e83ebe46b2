import { runProvidedCredentialSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "provided-bucket";

runProvidedCredentialSuite((options) => startEmulator({ provider: "oss", buckets: [BUCKET], ...options }), {
  provider: "oss",
  bucket: BUCKET,
  location: "cn-hangzhou",
  answer: (keys, expiration, securityToken) => ({ accessKeyId: keys.accessKey, accessKeySecret: keys.secretKey, securityToken, expiration }),
});
