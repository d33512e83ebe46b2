/**
 * A part stored wrong twice makes the engine abort the upload, even one the checkpoint recorded for
 * resuming: the checkpoint must then forget it, so the next run starts over without claiming a
 * resume from an upload that is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import "@stowage/cos";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { main } from "../src/index.js";
import { bytes, cleanEnv, exists, removeDir, tempDir, writeTree } from "./helpers.js";

const MiB = 1024 * 1024;
const BUCKET = "ckpt-1250000000";
let work: string;
let env: NodeJS.ProcessEnv;
let emulator: Emulator;

beforeAll(async () => {
  work = await tempDir();
  env = cleanEnv(join(work, "home"), { STOWAGE_STATE_DIR: join(work, "state") });
  await writeTree(join(work, "src"), { "big.bin": bytes(3 * MiB + 5, 7) });
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.stop();
  await removeDir(work);
});

describe("a checkpointed upload the engine aborted", () => {
  it("is forgotten: the next run starts over and does not claim to resume", async () => {
    const dst = `${emulator.connectionString(BUCKET, "/d/")}&multipart_threshold=1MiB&part_size=1MiB`;
    const checkpoint = join(work, "ckpt.json");
    const argv = ["cp", "src/big.bin", dst, "--part-concurrency", "1", "--checkpoint", checkpoint, "--progress", "none"];
    // The first part is stored with a flipped byte both times it is sent.
    emulator.setFaults([{ kind: "flip-byte", operation: "UploadPart", count: 2 }]);
    const failed = await main(argv, { env, cwd: work });
    expect(failed.code).toBe(13);
    const left = (await exists(checkpoint)) ? (JSON.parse(await readFile(checkpoint, "utf8")) as { uploads: object }).uploads : {};
    expect(left).toEqual({});
    emulator.setFaults([]);
    const again = await main(argv, { env, cwd: work });
    expect(again.code).toBe(0);
    expect(again.stderr + again.stdout).not.toContain("resuming from checkpoint");
  });
});
