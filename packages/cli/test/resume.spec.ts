import { beforeAll, describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { bytes, exists, finished, spawnCli, waitFor, writeTree } from "./helpers.js";
import { readCheckpoint } from "./checkpoint-reader.js";
import { useWorkspace } from "./workspace.js";
import { uploadReached, type RecordedUpload } from "./checkpoint-progress.js";
import { binary } from "./cli-run.js";

const MiB = 1024 * 1024;
const SIZE = 6 * MiB + 12_345;
const BODY = bytes(SIZE, 42);

interface Checkpoint {
  uploads: Record<string, RecordedUpload>;
}

const ws = useWorkspace();
const cli = binary(ws);

/** A sync that crawls: 1 MiB parts, one at a time, read at 2 MiB/s (about 3.5 s for the big file). */
const slowSync = (dst: string, checkpoint: string): string[] => [
  "sync",
  "src",
  dst,
  "--no-server-side",
  "--part-size",
  "1M",
  "--part-concurrency",
  "1",
  "--bwlimit",
  "2M",
  "--checkpoint",
  checkpoint,
  "--progress",
  "none",
];

/** Waits until the checkpoint records an upload with at least `parts` parts stored. */
const uploadWithParts = (checkpoint: string, parts: number): Promise<RecordedUpload> => uploadReached(checkpoint, "big.bin", parts * MiB);

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), { "big.bin": BODY, "small.txt": "small" });
});

describe("resume", () => {
  it("after the process is killed mid-transfer, a re-run resumes the upload without re-sending stored parts", async () => {
    const checkpoint = join(ws.work, "kill.json");
    const child = spawnCli(slowSync("dst-kill", checkpoint), { env: ws.env, cwd: ws.work });
    const exit = finished(child);
    const before = await uploadWithParts(checkpoint, 2);
    child.kill("SIGKILL");
    expect((await exit).signal).toBe("SIGKILL");
    expect(await exists(join(ws.work, "dst-kill/big.bin"))).toBe(false);

    const rerun = await cli(["sync", "src", "dst-kill", "--no-server-side", "--part-size", "1M", "--checkpoint", checkpoint, "--stats-json", "--verify"]);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain("resuming from checkpoint");
    const stats = JSON.parse(rerun.stdout) as { parts: { resumedUploads: number; skipped: number }; bytes: { sent: number; resumed: number }; objects: { verified: number } };
    expect(stats.parts.resumedUploads).toBe(1);
    // Every part the checkpoint saw stored is verified and kept, not sent again.
    expect(stats.parts.skipped).toBeGreaterThanOrEqual(Math.floor(before.bytesDone / MiB));
    expect(stats.bytes.resumed).toBeGreaterThanOrEqual(2 * MiB);
    expect(stats.bytes.sent).toBeLessThanOrEqual(SIZE - 2 * MiB);
    expect(stats.objects.verified).toBeGreaterThanOrEqual(1);
    expect((await readFile(join(ws.work, "dst-kill/big.bin"))).equals(BODY)).toBe(true);
    expect(await exists(checkpoint)).toBe(false);
  });

  it("Ctrl-C aborts in-flight transfers, keeps the checkpoint and exits 130; the next run finishes", async () => {
    const checkpoint = join(ws.work, "int.json");
    const child = spawnCli(slowSync("dst-int", checkpoint), { env: ws.env, cwd: ws.work });
    const exit = finished(child);
    const upload = await uploadWithParts(checkpoint, 1);
    child.kill("SIGINT");
    const r = await exit;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted");
    expect(r.stderr).toContain(`checkpoint kept at ${checkpoint}`);
    const kept = (await readCheckpoint(checkpoint)) as Checkpoint;
    expect(kept.uploads["big.bin"]?.multipartId).toBe(upload.multipartId);
    expect(await exists(join(ws.work, "dst-int/big.bin"))).toBe(false);

    const rerun = await cli(["sync", "src", "dst-int", "--no-server-side", "--checkpoint", checkpoint, "--quiet"]);
    expect(rerun.code).toBe(0);
    expect((await readFile(join(ws.work, "dst-int/big.bin"))).equals(BODY)).toBe(true);
    expect(await readFile(join(ws.work, "dst-int/small.txt"), "utf8")).toBe("small");
  });

  it("an interrupted cp re-run skips objects the checkpoint says are done", async () => {
    const checkpoint = join(ws.work, "cp.json");
    const child = spawnCli(["cp", "-r", "src", "dst-cp", "--no-server-side", "--part-size", "1M", "--part-concurrency", "1", "--bwlimit", "2M", "--checkpoint", checkpoint], {
      env: ws.env,
      cwd: ws.work,
    });
    const exit = finished(child);
    await waitFor(async () => {
      const data = await readCheckpoint(checkpoint);
      return data.done["small.txt"] !== undefined ? true : undefined;
    });
    child.kill("SIGINT");
    expect((await exit).code).toBe(130);
    const rerun = await cli(["cp", "-r", "src", "dst-cp", "--no-server-side", "--checkpoint", checkpoint, "--stats-json"]);
    expect(rerun.code).toBe(0);
    const stats = JSON.parse(rerun.stdout) as { objects: { copied: number; skipped: number } };
    expect(stats.objects).toMatchObject({ copied: 1, skipped: 1 });
    expect((await readFile(join(ws.work, "dst-cp/big.bin"))).equals(BODY)).toBe(true);
  });
});
