/**
 * The summary of a resumed multipart transfer names what was resumed: a download when the
 * destination is a local file (`get`, `cp` from a service), an upload otherwise.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { summaryLine, newStats } from "../src/transfer/stats.js";
import { bytes, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { uploadReached } from "./checkpoint-progress.js";
import { inProcess } from "./cli-run.js";

const MiB = 1024 * 1024;
const ws = useWorkspace();
const run = inProcess(ws);

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), { "big.bin": bytes(6 * MiB + 3, 4) });
});

describe("a resumed download", () => {
  it("get, interrupted and run again, says it resumed a download", async () => {
    expect((await run(["put", "src/big.bin", "memory://rdl/big.bin", "--quiet"])).code).toBe(0);
    const checkpoint = join(ws.work, "get.json");
    const args = ["get", "memory://rdl/big.bin", "down/big.bin", "--part-size", "1M", "--checkpoint", checkpoint];
    const controller = new AbortController();
    const first = run([...args, "--part-concurrency", "1", "--bwlimit", "4M"], { signal: controller.signal });
    await uploadReached(checkpoint, "big.bin", 2 * MiB);
    controller.abort();
    expect((await first).code).toBe(130);

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
