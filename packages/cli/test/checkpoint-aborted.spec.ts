/**
 * A part stored wrong twice makes the engine abort the upload, even one the checkpoint recorded for
 * resuming: the checkpoint must then forget it, so the next run starts over without claiming a
 * resume from an upload that is gone.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { bytes, exists, writeTree } from "./helpers.js";
import { readCheckpoint } from "./checkpoint-reader.js";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const MiB = 1024 * 1024;
const BUCKET = "ckpt-1250000000";
const ws = useWorkspace({ stateDir: true });
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const run = inProcess(ws);

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), { "big.bin": bytes(3 * MiB + 5, 7) });
});

describe("a checkpointed upload the engine aborted", () => {
  it("is forgotten: the next run starts over and does not claim to resume", async () => {
    const dst = `${emu.emulator.connectionString(BUCKET, "/d/")}&multipart_threshold=1MiB&part_size=1MiB`;
    const checkpoint = join(ws.work, "ckpt.json");
    const argv = ["cp", "src/big.bin", dst, "--part-concurrency", "1", "--checkpoint", checkpoint, "--progress", "none"];
    // The first part is stored with a flipped byte both times it is sent.
    emu.emulator.setFaults([{ kind: "flip-byte", operation: "UploadPart", count: 2 }]);
    const failed = await run(argv);
    expect(failed.code).toBe(13);
    const left = (await exists(checkpoint)) ? (await readCheckpoint(checkpoint)).uploads : {};
    expect(left).toEqual({});
    emu.emulator.setFaults([]);
    const again = await run(argv);
    expect(again.code).toBe(0);
    expect(again.stderr + again.stdout).not.toContain("resuming from checkpoint");
  });
});
