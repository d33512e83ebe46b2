import { runPresignTokenExpirySuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

runPresignTokenExpirySuite({
  provider: "cos",
  start: (bucket, credential) => startEmulator({ provider: "cos", buckets: [bucket], credentials: credential }),
  bucket: "presign-ttl-1250000000",
  answer: (ak, sk, token, expiration) => ({ secretId: ak, secretKey: sk, securityToken: token, expiration }),
});
