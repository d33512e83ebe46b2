import { runProvidedCredentialSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "provided-1250000000";

runProvidedCredentialSuite((options) => startEmulator({ provider: "cos", buckets: [BUCKET], ...options }), {
  provider: "cos",
  bucket: BUCKET,
  location: "ap-guangzhou",
  answer: (keys, expiration, securityToken) => ({ secretId: keys.accessKey, secretKey: keys.secretKey, securityToken, expiration }),
});
