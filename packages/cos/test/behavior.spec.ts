import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "@jest/globals";
import { runBehaviorSuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "behavior-1250000000";
let emulator: Emulator | undefined;
/** COS documents no CRC-64 on APPEND answers, nor whether reads of an appendable object carry one: this one sends none there. */
let withoutAppendableCrc: Emulator | undefined;

beforeAll(async () => {
  [emulator, withoutAppendableCrc] = await Promise.all([
    startEmulator({ provider: "cos", buckets: [BUCKET] }),
    startEmulator({ provider: "cos", buckets: [BUCKET], cosAppendableCrc64: false }),
  ]);
});

afterAll(async () => {
  await Promise.all([emulator?.stop(), withoutAppendableCrc?.stop()]);
});

const open = (emu: Emulator | undefined) => () => {
  if (emu === undefined) throw new Error("the emulator did not start");
  const conn = emu.connectionString(BUCKET, `/${randomUUID()}/`);
  return newStorager(`${conn}&multipart_threshold=1MiB&part_size=1MiB`);
};

runBehaviorSuite("cos on the emulator", () => open(emulator)(), { largeSize: 2.5 * 1024 * 1024 });
runBehaviorSuite("cos on the emulator, no CRC-64 on reads of appendable objects", () => open(withoutAppendableCrc)(), { largeSize: 2.5 * 1024 * 1024 });
