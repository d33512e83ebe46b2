import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "@jest/globals";
import { runBehaviorSuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "behavior-oss";
let emulator: Emulator | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator?.stop();
});

runBehaviorSuite(
  "oss on the emulator",
  () => {
    if (emulator === undefined) throw new Error("the emulator did not start");
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    return newStorager(`${conn}&multipart_threshold=512KiB&part_size=256KiB`);
  },
  { largeSize: 1.5 * 1024 * 1024 },
);

runBehaviorSuite(
  "oss on the emulator, V4 signatures",
  () => {
    if (emulator === undefined) throw new Error("the emulator did not start");
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    return newStorager(`${conn}&signature_version=v4&multipart_threshold=512KiB&part_size=256KiB`);
  },
  { largeSize: 1.5 * 1024 * 1024 },
);
