import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "@jest/globals";
import { runBehaviorSuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "behavior-bucket";
let emulator: Emulator | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator?.stop();
});

// QingStor parts are at least 4 MiB (except the last): "large" writes must exceed one part.
runBehaviorSuite(
  "qingstor on the emulator",
  () => {
    if (emulator === undefined) throw new Error("the emulator did not start");
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    return newStorager(`${conn}&multipart_threshold=1MiB&part_size=4MiB`);
  },
  { largeSize: 4.5 * 1024 * 1024 },
);

// The same suite with go-storage's virtual links on: the link cases run instead of the refusals.
runBehaviorSuite(
  "qingstor on the emulator, virtual links",
  () => {
    if (emulator === undefined) throw new Error("the emulator did not start");
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    return newStorager(`${conn}&enable_virtual_link&multipart_threshold=1MiB&part_size=4MiB`);
  },
  { largeSize: 4.5 * 1024 * 1024 },
);
