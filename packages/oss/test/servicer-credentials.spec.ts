import { runServicerCredentialSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import type { OssCredentials } from "../src/config.js";
import "../src/index.js";

const SEED = "seed-bucket";

runServicerCredentialSuite<OssCredentials>(() => startEmulator({ provider: "oss", buckets: [SEED] }), {
  provider: "oss",
  seed: SEED,
  credentials: (accessKeyId, accessKeySecret, expiration) => ({ accessKeyId, accessKeySecret, expiration }),
});
