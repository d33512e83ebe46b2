/**
 * The summary of a resumed multipart transfer names what was resumed: a download when the
 * destination is a local file (`get`, `cp` from a service), an upload otherwise.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { summaryLine, newStats } from "../src/transfer/stats.js";
import { bytes, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { abortWhenRecorded } from "./checkpoint-progress.js";
import { inProcess } from "./cli-run.js";
import { useMemoryVariant } from "./memory-variants.js";

const MiB = 1024 * 1024;
const ws = useWorkspace();
const run = inProcess(ws);

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), { "big.bin": bytes(6 * MiB + 3, 4) });
});

/**
 * While set, the first read of a `heldread` store gives its first 2 MiB and then waits for it
 * before the rest: a download held at a known point (the memory driver reads the whole object as
 * one stream).
 */
let readGate: Promise<void> | undefined;
let heldReads = 0;
/** Whether that read got to 2 MiB and waited there. */
let waitedAt2MiB = false;
useMemoryVariant("heldread", (driver) => {
  const read = driver.read.bind(driver);
  driver.read = async (key, range, options) => {
    const result = await read(key, range, options);
    const gate = readGate;
    if (gate === undefined || (range.offset ?? 0) !== 0 || ++heldReads !== 1) return result;
    async function* held(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      let given = 0;
      let waited = false;
      for await (const chunk of source) {
        let rest = chunk;
        if (!waited) {
          const before = Math.min(rest.length, 2 * MiB - given);
          if (before > 0) yield rest.subarray(0, before);
          given += before;
          rest = rest.subarray(before);
          if (given === 2 * MiB && rest.length > 0) {
            waited = true;
            waitedAt2MiB = true;
            await gate;
          }
        }
        if (rest.length > 0) yield rest;
      }
    }
    return { ...result, stream: Readable.from(held(result.stream), { objectMode: false }) };
  };
  return driver;
});

describe("a resumed download", () => {
  it("get, interrupted and run again, says it resumed a download", async () => {
    expect((await run(["put", "src/big.bin", "memory://rdl/big.bin", "--quiet"])).code).toBe(0);
    const checkpoint = join(ws.work, "get.json");
    // "heldread" is memory://rdl underneath; the first run's read waits at 2 MiB until after the abort.
    const args = ["get", "heldread://rdl/big.bin", "down/big.bin", "--part-size", "1M", "--checkpoint", checkpoint];
    const controller = new AbortController();
    let release!: () => void;
    readGate = new Promise<void>((resolve) => (release = resolve));
    heldReads = 0;
    waitedAt2MiB = false;
    const first = run([...args, "--part-concurrency", "1"], { signal: controller.signal });
    try {
      await abortWhenRecorded(first, controller, checkpoint, "big.bin", 2 * MiB);
    } finally {
      readGate = undefined;
      release();
    }
    expect((await first).code).toBe(130);
    expect(waitedAt2MiB).toBe(true);

    const second = await run(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/get: copied 1 object \(6\.0 MiB\), resumed 1 download \(\d+ parts, [\d.]+ MiB not re-sent\)/);
    expect(second.stderr).not.toContain("upload");
    expect((await readFile(join(ws.work, "down/big.bin"))).equals(await readFile(join(ws.work, "src/big.bin")))).toBe(true);
  });

  it("the summary line says upload unless told download", () => {
    const stats = newStats("cp", false);
    stats.parts = { resumedUploads: 2, skipped: 3 };
    stats.bytes.resumed = 3 * MiB;
    expect(summaryLine(stats)).toContain("resumed 2 uploads (3 parts, 3.0 MiB not re-sent)");
    expect(summaryLine(stats, "download")).toContain("resumed 2 downloads (3 parts, 3.0 MiB not re-sent)");
  });
});
