// A POST Object restore whose answer is lost is sent again; the 409 RestoreAlreadyInProgress to the
// retry is the restore the call started (behavior-tests restore-lost-answer.ts).
import { runRestoreLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "restore-lost-1250000000";

runRestoreLostAnswerSuite({
  provider: "cos",
  bucket: BUCKET,
  archiveClass: "ARCHIVE",
  start: (restoreDelayMs) => startEmulator({ provider: "cos", buckets: [BUCKET], restoreDelayMs }),
});
