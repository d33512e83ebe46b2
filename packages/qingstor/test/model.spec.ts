import { afterAll, beforeAll } from "@jest/globals";
import { runModelSuite, workDirConnection } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "model-bucket";
let emulator: Emulator | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator?.stop();
});

// A fresh work_dir per run in one bucket of one emulator, with virtual links (docs/services/qingstor.md,
// "Virtual links"), as the behaviour suite opens it: the model's link steps need features.createLink.
runModelSuite("qingstor model on the emulator", () => {
  if (emulator === undefined) throw new Error("the emulator did not start");
  return newStorager(`${workDirConnection(emulator.connectionString(BUCKET, "/model/"))}&enable_virtual_link`);
});
