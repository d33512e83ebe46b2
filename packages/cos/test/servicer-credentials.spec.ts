import { runServicerCredentialSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import type { CosCredentials } from "../src/config.js";
import "../src/index.js";

const SEED = "seed-1250000000";

runServicerCredentialSuite<CosCredentials>(() => startEmulator({ provider: "cos", buckets: [SEED] }), {
  provider: "cos",
  seed: SEED,
  bucket: (stem) => `${stem}-1250000000`,
  credentials: (secretId, secretKey, expiration) => ({ secretId, secretKey, expiration }),
});
