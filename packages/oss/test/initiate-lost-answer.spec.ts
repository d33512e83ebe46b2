/**
 * An InitiateMultipartUpload that OSS performed but whose answer was lost is retried, the write
 * goes on with the retry's upload, and the first attempt's upload is left with one
 * `STOWAGE_UPLOAD_LEFT` warning naming the key (review-soak M1): the shared
 * `runInitiateLostAnswerSuite` of `@stowage/behavior-tests`, on the OSS emulator.
 */
import { runInitiateLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "lost-initiate-oss";

runInitiateLostAnswerSuite(() => startEmulator({ provider: "oss", buckets: [BUCKET] }), {
  provider: "oss",
  service: "OSS",
  bucket: BUCKET,
  partSize: 128 * 1024,
});
