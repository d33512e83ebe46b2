import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "@jest/globals";
import { runBehaviorSuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

// The suite with `integrity=false`: the storage then reports neither `contentMd5` nor `crc64`, and
// the suite's cases for those features take their other branches (core's own checks still hold).
const BUCKET = "behavior-1250000000";
let emulator: Emulator | undefined;
beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator?.stop();
});

runBehaviorSuite(
  "cos on the emulator, integrity=false",
  () => {
    if (emulator === undefined) throw new Error("the emulator did not start");
    const s = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&integrity=false&multipart_threshold=1MiB&part_size=1MiB`);
    if (s.features.contentMd5 || s.features.crc64) throw new Error("integrity=false did not turn the checks off");
    return s;
  },
  { largeSize: 2.5 * 1024 * 1024 },
);
