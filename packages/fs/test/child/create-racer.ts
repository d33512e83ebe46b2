// A child process of fs-if-not-exists.spec.ts: writes the keys race-0 … race-<rounds-1> with
// `ifNotExists` through its own fs driver, each holding its tag repeated, while another racer
// writes the same keys, and tells its parent, over the IPC channel, what became of each write.
// Runs on the sources through register-ts.mjs. Arguments: work_dir, tag (one letter), rounds, size.
import { isStorageError } from "@stowage/core";
import { FsStorageDriver } from "../../src/storager.js";

/** What one write came to: its key, and the error's code when it failed. */
interface CreateOutcome {
  key: string;
  ok: boolean;
  code?: string;
}

async function main(): Promise<void> {
  const [workDir, tag, roundsArg, sizeArg] = process.argv.slice(2);
  if (workDir === undefined || tag === undefined) throw new Error("usage: create-racer <work_dir> <tag> <rounds> <size>");
  const rounds = Number(roundsArg);
  const size = Number(sizeArg);
  const driver = new FsStorageDriver(workDir);
  const data = Buffer.alloc(size, tag);
  // Start together: wait for the parent's go.
  await new Promise<void>((resolve) => {
    process.once("message", () => resolve());
    process.send!("ready");
  });
  const outcomes: CreateOutcome[] = [];
  for (let i = 0; i < rounds; i++) {
    const key = `${workDir.slice(1)}/race-${i}`;
    try {
      await driver.write(key, { data, size }, { ifNotExists: true });
      outcomes.push({ key, ok: true });
    } catch (e) {
      outcomes.push({ key, ok: false, code: isStorageError(e) ? e.code : String(e) });
    }
  }
  await new Promise<void>((resolve, reject) => process.send!(outcomes, (error: Error | null) => (error ? reject(error) : resolve())));
  process.disconnect();
}

await main();
