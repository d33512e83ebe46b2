import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "@jest/globals";
import { runBehaviorSuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "behavior-1250000000";
let emulator: Emulator | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator?.stop();
});

runBehaviorSuite(
  "cos on the emulator",
  () => {
    if (emulator === undefined) throw new Error("the emulator did not start");
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    return newStorager(`${conn}&multipart_threshold=1MiB&part_size=1MiB`);
  },
  { largeSize: 2.5 * 1024 * 1024 },
);
