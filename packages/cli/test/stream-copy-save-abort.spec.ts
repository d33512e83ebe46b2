/**
 * Ctrl-C while a new multipart upload's id is being saved in the checkpoint (review-tail8 L1): core
 * does not wait past the abort and aborts that upload (it holds no part), so the checkpoint must not
 * keep it as one that "stays at the destination with its parts"; an id saved before the abort is kept.
 * In process, memory to memory, the checkpoint's save held until after the abort.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { registerBundledDrivers } from "../src/drivers.js";
import { Locations } from "../src/locations.js";
import type { CopyEnv } from "../src/transfer/copy-object.js";
import { Checkpoint } from "../src/transfer/checkpoint.js";
import { TRANSFER_DEFAULTS } from "../src/transfer/settings.js";
import { newStats } from "../src/transfer/stats.js";
import { streamCopy } from "../src/transfer/stream-copy.js";
import { removeDir } from "./helpers.js";
import { useWorkspace } from "./workspace.js";

const MiB = 1024 * 1024;
const ws = useWorkspace({ stateDir: true });

/** The checkpoints a test opened, and its saves still running (held, or aborted into). */
const opened: Checkpoint[] = [];
const running: Promise<void>[] = [];
let work = "";
beforeAll(() => {
  registerBundledDrivers();
  work = ws.work;
});
// A checkpoint saves a change 100 ms after it (the upload's end, after the abort): a save due after
// the workspace was removed made its directory again (mkdir -p) and left it in /tmp. Each test's
// checkpoints stop saving once it ends.
afterEach(async () => {
  await Promise.allSettled(running.splice(0));
  for (const checkpoint of opened.splice(0)) await checkpoint.remove();
});
afterAll(async () => {
  // Whichever of the workspace's afterAll and this one runs first: removed, and still gone once any
  // save left behind would have run.
  await removeDir(work);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(existsSync(work)).toBe(false);
});

/** The multipart uploads `bucket`'s dst/ holds. */
async function uploads(bucket: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of newStorager(`memory://${bucket}/dst/`).list("", { mode: "part" })) out.push(o.path);
  return out;
}

describe("streamCopy: Ctrl-C during the save of a new upload's id", () => {
  it.each([
    ["before the save ends: the upload aborted, not recorded", true, 0, 0],
    ["after the save ended: the upload kept and recorded for a resume", false, 1, 1],
  ])("aborted %s", async (_label, abortDuringSave, recorded, left) => {
    const bucket = `save-abort-${recorded}`;
    const size = 3 * MiB + 5;
    await newStorager(`memory://${bucket}/`).write("src/big.bin", Buffer.alloc(size, 7));
    const locations = new Locations({ cwd: ws.work, env: ws.env });
    const endpoint = (arg: string) => locations.dir(locations.parse(arg));
    const controller = new AbortController();
    const checkpoint = await Checkpoint.open(join(ws.work, `${bucket}.json`), { command: "cp", source: "s", destination: "d" });
    opened.push(checkpoint);
    const save = checkpoint.flush.bind(checkpoint);
    let saves = 0;
    checkpoint.flush = () => {
      const saving = (async () => {
        // The first save is the new upload's id: held 100 ms, and aborted 20 ms into it.
        if (saves++ === 0 && abortDuringSave) {
          setTimeout(() => controller.abort(), 20);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return save();
      })();
      running.push(saving);
      return saving;
    };
    const env: CopyEnv = {
      src: await endpoint(`memory://${bucket}/src/`),
      dst: await endpoint(`memory://${bucket}/dst/`),
      settings: {
        ...TRANSFER_DEFAULTS,
        largeThreshold: MiB,
        partSize: MiB,
        readConcurrency: 1,
        bwlimit: undefined,
        verify: false,
        serverSide: false,
        dryRun: false,
        checkpoint: undefined,
        include: [],
        exclude: [],
        statsJson: false,
        copyLinks: false,
      },
      checkpoint,
      signal: controller.signal,
      stats: newStats("cp", false),
      move: false,
    };
    const src = await env.src.store.stat("big.bin");
    const copy = streamCopy(env, { rel: "big.bin", srcPath: "big.bin", dstPath: "big.bin", src, size, reason: "new" }, {
      // Else aborted once a part is stored: the id was saved, and core went on with the upload.
      update: (bytes) => void (bytes > 0 && !abortDuringSave && controller.abort()),
      end: () => undefined,
    });
    await expect(copy).rejects.toMatchObject({ code: "Aborted" });
    expect(saves).toBeGreaterThan(0);
    expect(checkpoint.uploadCount).toBe(recorded);
    expect(await uploads(bucket)).toHaveLength(left);
  });
});
