import { runPresignTokenExpirySuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

runPresignTokenExpirySuite({
  provider: "oss",
  start: (bucket, credential) => startEmulator({ provider: "oss", buckets: [bucket], credentials: credential }),
  bucket: "presign-ttl-bucket",
  open: { location: "cn-hangzhou" },
  answer: (ak, sk, token, expiration) => ({ accessKeyId: ak, accessKeySecret: sk, securityToken: token, expiration }),
});
