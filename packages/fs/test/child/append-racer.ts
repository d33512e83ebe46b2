// A child process of fs-append-processes.spec.ts: appends numbered chunks to one file through its
// own fs driver, each at the size it just read (so two racers often aim at the same offset), and
// tells its parent, over the IPC channel, what became of each. Runs on the sources through
// register-ts.mjs. Arguments: work_dir, file name, tag (one letter), rounds, chunk size.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { isStorageError } from "@stowage/core";
import { FsStorageDriver } from "../../src/storager.js";

/** What one append came to: its chunk and offset when it succeeded, else the error's code. */
interface RacerOutcome {
  chunk: string;
  offset: number;
  ok: boolean;
  code?: string;
}

/** The chunk of append `seq` of racer `tag`: `size` bytes, unique, ending in a newline. */
function racerChunk(tag: string, seq: number, size: number): string {
  return `${tag}:${String(seq).padStart(6, "0")}:`.padEnd(size - 1, tag) + "\n";
}

async function main(): Promise<void> {
  const [workDir, name, tag, roundsArg, sizeArg] = process.argv.slice(2);
  if (workDir === undefined || name === undefined || tag === undefined) throw new Error("usage: append-racer <work_dir> <name> <tag> <rounds> <size>");
  const rounds = Number(roundsArg);
  const size = Number(sizeArg);
  const driver = new FsStorageDriver(workDir);
  const key = join(workDir, name).slice(1);
  // Start together: wait for the parent's go.
  await new Promise<void>((resolve) => {
    process.once("message", () => resolve());
    process.send!("ready");
  });
  const outcomes: RacerOutcome[] = [];
  for (let seq = 0; seq < rounds; seq++) {
    const chunk = racerChunk(tag, seq, size);
    const offset = Number((await stat(join(workDir, name))).size);
    try {
      await driver.writeAppend(key, offset, { data: Buffer.from(chunk), size }, {});
      outcomes.push({ chunk, offset, ok: true });
    } catch (e) {
      outcomes.push({ chunk, offset, ok: false, code: isStorageError(e) ? e.code : String(e) });
    }
  }
  await new Promise<void>((resolve, reject) => process.send!(outcomes, (error: Error | null) => (error ? reject(error) : resolve())));
  process.disconnect();
}

await main();
