/**
 * An InitiateMultipartUpload that QingStor performed but whose answer was lost is retried, the write
 * goes on with the retry's upload, and the first attempt's upload is left with one
 * `STOWAGE_UPLOAD_LEFT` warning naming the key (review-soak M1): the shared
 * `runInitiateLostAnswerSuite` of `@stowage/behavior-tests`, on the QingStor emulator.
 */
import { runInitiateLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "lost-initiate-qs";

runInitiateLostAnswerSuite(() => startEmulator({ provider: "qingstor", buckets: [BUCKET] }), {
  provider: "qingstor",
  service: "QingStor",
  bucket: BUCKET,
  // QingStor completes no upload with a part below 4 MiB but the last.
  partSize: 4 * 1024 * 1024,
});
