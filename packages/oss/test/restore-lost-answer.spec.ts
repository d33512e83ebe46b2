// A RestoreObject whose answer is lost is sent again; the 409 RestoreAlreadyInProgress to the retry
// is the restore the call started (behavior-tests restore-lost-answer.ts).
import { runRestoreLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "restore-lost-oss";

runRestoreLostAnswerSuite({
  provider: "oss",
  bucket: BUCKET,
  archiveClass: "ColdArchive",
  start: (restoreDelayMs) => startEmulator({ provider: "oss", buckets: [BUCKET], restoreDelayMs }),
});
