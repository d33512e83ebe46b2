/**
 * `stowage restore` against the COS emulator (in process): an archived object refused by cat is
 * restored, stat shows the restore (under way, then readable until a date), cat reads it; a restore
 * under way is reported, not a failure; -r restores what is listed in an archive class and skips the
 * rest; bad operands and options fail with their exit codes, the other operands still done.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { newStorager, type Storager } from "@stowage/core";
import { main } from "../src/index.js";
import { cleanEnv, removeDir, startCosEmulator, tempDir, type CliEmulator } from "./helpers.js";

const BUCKET = "restore-cli-1250000000";
const SLOW = "restore-slow-1250000000";
let emulator: CliEmulator | undefined;
/** An emulator whose restores take an hour: they stay under way for the whole spec. */
let slow: CliEmulator | undefined;
let work: string;
let env: NodeJS.ProcessEnv;
const run = (argv: string[]) => main(argv, { env, cwd: work });
/** `path` in `bucket` of `emu`, as a connection string. */
const at = (emu: CliEmulator, bucket: string, path: string): string => emu.connectionString(bucket, "/").replace(`cos://${bucket}/`, `cos://${bucket}/${path}`);
const cos = (path: string): string => at(emulator!, BUCKET, path);
let store: Storager;

beforeAll(async () => {
  emulator = await startCosEmulator([BUCKET]);
  const { startEmulator } = (await import("@stowage/emulator")) as unknown as {
    startEmulator(o: { provider: "cos"; buckets: string[]; host: string; restoreDelayMs: number }): Promise<CliEmulator>;
  };
  slow = await startEmulator({ provider: "cos", buckets: [SLOW], host: "127.0.0.1", restoreDelayMs: 3_600_000 });
  store = newStorager(emulator.connectionString(BUCKET, "/"));
  work = await tempDir();
  env = cleanEnv(join(work, "home"));
});

afterAll(async () => {
  await emulator?.stop();
  await slow?.stop();
  if (work) await removeDir(work);
});

describe("stowage restore", () => {
  it("cat of an archived object names stowage restore; restore, stat shows readable until a date, cat reads; again extends", async () => {
    await store.write("one/frozen.txt", "frozen bytes", { storageClass: "ARCHIVE" });
    const refused = await run(["cat", cos("one/frozen.txt")]);
    expect(refused.code).toBe(12);
    expect(refused.stderr).toContain("restore it first (Storager restore(), or stowage restore)");
    const r = await run(["restore", cos("one/frozen.txt")]);
    expect([r.code, r.stdout]).toEqual([0, ""]);
    expect(r.stderr).toMatch(/restore: cos:\/\/.*one\/frozen\.txt.*: restore started, for 1 day \(stowage stat shows when it reads\)/);
    const stat = await run(["stat", cos("one/frozen.txt")]);
    expect(stat.stdout).toMatch(/^storageClass: ARCHIVE$/m);
    expect(stat.stdout).toMatch(/^restore: done, readable until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    const json = JSON.parse((await run(["stat", "--json", cos("one/frozen.txt")])).stdout) as { restore: { ongoing: boolean; expiresAt: string } };
    expect(json.restore.ongoing).toBe(false);
    expect((await run(["cat", cos("one/frozen.txt")])).stdout).toBe("frozen bytes");
    const again = await run(["restore", "--days", "3", cos("one/frozen.txt")]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(": restored already: its expiry set 3 days on");
  });

  it("a restore under way: stat says so, cat is refused, a second restore is reported and exits 0", async () => {
    const slowStore = newStorager(slow!.connectionString(SLOW, "/"));
    await slowStore.write("cold.bin", "cold", { storageClass: "DEEP_ARCHIVE" });
    expect((await run(["restore", "--tier", "Bulk", "--days", "2", at(slow!, SLOW, "cold.bin")])).code).toBe(0);
    expect((await run(["stat", at(slow!, SLOW, "cold.bin")])).stdout).toMatch(/^restore: ongoing \(not readable yet\)$/m);
    expect((await run(["cat", at(slow!, SLOW, "cold.bin")])).code).toBe(12);
    const twice = await run(["restore", at(slow!, SLOW, "cold.bin")]);
    expect(twice.code).toBe(0);
    expect(twice.stderr).toContain(": a restore is under way already (stowage stat shows when it reads)");
  });

  it("-r restores the objects listed in an archive class below a directory and skips the others", async () => {
    await store.write("tree/a.txt", "a", { storageClass: "ARCHIVE" });
    await store.write("tree/sub/b.txt", "b", { storageClass: "DEEP_ARCHIVE" });
    await store.write("tree/warm.txt", "w", { storageClass: "STANDARD_IA" });
    const r = await run(["restore", "-r", "--tier", "Standard", cos("tree/")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/tree\/\?\S*: started 2, extended 0, under way 0, skipped 1 object in no archive class/);
    expect((await run(["cat", cos("tree/sub/b.txt")])).stdout).toBe("b");
    expect((await store.stat("tree/warm.txt")).restore).toBeUndefined();
  });

  it("refusals: exit codes per operand, the other operands still restored", async () => {
    await store.write("bad/warm.txt", "w");
    await store.write("bad/deep.txt", "d", { storageClass: "DEEP_ARCHIVE" });
    await store.write("bad/ok.txt", "ok", { storageClass: "ARCHIVE" });
    const mixed = await run(["restore", cos("bad/warm.txt"), cos("bad/missing.txt"), cos("bad/ok.txt")]);
    expect(mixed.code).toBe(10);
    expect(mixed.stderr).toContain("ObjectModeInvalid: restore: the object is STANDARD, no archive class (ARCHIVE, DEEP_ARCHIVE)");
    expect(mixed.stderr).toContain("ObjectNotExist");
    expect((await store.stat("bad/ok.txt")).restore).toMatchObject({ ongoing: false });
    const tier = await run(["restore", "--tier", "Expedited", cos("bad/deep.txt")]);
    expect(tier.code).toBe(11);
    expect(tier.stderr).toContain("COS restores DEEP_ARCHIVE objects at tier Standard or Bulk, not Expedited; nothing sent");
    const dir = await run(["restore", cos("bad/")]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(/bad\/\?\S* is a directory: use restore -r\n$/);
    for (const argv of [["--days", "0"], ["--days", "1.5"], ["--days", "x"], ["--tier", "Fast"]]) {
      const r = await run(["restore", ...argv, cos("bad/deep.txt")]);
      expect([argv, r.code]).toEqual([argv, 2]);
    }
    expect((await store.stat("bad/deep.txt")).restore).toBeUndefined();
    const memory = await run(["restore", "memory://restore-cli/x"]);
    expect(memory.code).toBe(5);
    expect(memory.stderr).toContain("CapabilityInsufficient: memory cannot restore");
    const memoryTree = await run(["restore", "-r", "memory://restore-cli/"]);
    expect(memoryTree.code).toBe(5);
  });
});
