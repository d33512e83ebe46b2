/**
 * An InitiateMultipartUpload that COS performed but whose answer was lost is retried, the write
 * goes on with the retry's upload, and the first attempt's upload is left with one
 * `STOWAGE_UPLOAD_LEFT` warning naming the key (review-soak M1): the shared
 * `runInitiateLostAnswerSuite` of `@stowage/behavior-tests`, on the COS emulator.
 */
import { runInitiateLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "lost-initiate-1250000000";

runInitiateLostAnswerSuite(() => startEmulator({ provider: "cos", buckets: [BUCKET] }), {
  provider: "cos",
  service: "COS",
  bucket: BUCKET,
  partSize: 1024 * 1024,
});
