import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { checkMissingBucketDeletes } from "@stowage/behavior-tests";
import { isMissingBucket, newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: ["bucket-here"] });
});
afterAll(async () => {
  await emulator.stop();
});

describe("cos: a bucket that does not exist is not an object already gone", () => {
  it("delete and abort in a missing bucket fail with ObjectNotExist; of a missing key or upload, succeed", async () => {
    await checkMissingBucketDeletes(newStorager(emulator.connectionString("bucket-here", "/")), newStorager(emulator.connectionString("bucket-gone", "/")), isMissingBucket);
  });
});
