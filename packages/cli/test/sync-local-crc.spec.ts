/**
 * Found in everyday use (review-cli7): sync between a local directory and COS settles (a local
 * file against COS's CRC-64 is decided by hashing the local file, not by times), `verify` of a
 * single file refuses it as an object, and a sync into a missing bucket fails once.
 * Skipped until the COS driver is built.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary } from "./cli-run.js";
import { builtSuite, bytes, writeTree } from "./helpers.js";

const BUCKET = "crc-1250000000";
const suite = builtSuite(["cos"]);

const ws = useWorkspace({ linkCosDriver: true });
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const cli = binary(ws);
const profile = (dir: string) => ({ STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, dir) });
const stats = (stdout: string) => JSON.parse(stdout) as { objects: { copied: number; skipped: number } };

/** Sets every file's times in `dir` an hour ahead: a local copy newer than anything the emulator stamped. */
async function touchAhead(dir: string): Promise<void> {
  const later = new Date(Date.now() + 3600_000);
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) await utimes(join(e.parentPath, e.name), later, later);
}

suite("sync and verify between fs and the COS emulator", () => {
  beforeAll(async () => {
    await writeTree(join(ws.work, "site"), { "a.txt": "alpha", "sub/b.bin": bytes(70_000, 3), "c.txt": "gamma" });
  });

  it("a round trip cos -> fs -> cos copies nothing back: same-size local files are hashed, COS objects are not read", async () => {
    expect((await cli(["sync", "site", "emu:"], { env: profile("/rt/") })).code).toBe(0);
    const down = await cli(["sync", "emu:", "down", "--stats-json"], { env: profile("/rt/") });
    expect([down.code, stats(down.stdout).objects.copied]).toEqual([0, 3]);
    // The copies are newer than the objects (as they are a second or more later): times would say "source newer".
    await touchAhead(join(ws.work, "down"));
    emu.emulator.resetStats();
    const up = await cli(["sync", "down", "emu:", "--stats-json"], { env: profile("/rt/") });
    expect(up.code).toBe(0);
    expect(stats(up.stdout).objects).toMatchObject({ copied: 0, skipped: 3 });
    expect(emu.emulator.stats().byOperation["GetObject"] ?? 0).toBe(0);
    expect(emu.emulator.stats().byOperation["PutObject"] ?? 0).toBe(0);
    // And back down: the (older) objects against the newer local copies, still nothing to do.
    const again = await cli(["sync", "emu:", "down", "--stats-json"], { env: profile("/rt/") });
    expect(stats(again.stdout).objects).toMatchObject({ copied: 0, skipped: 3 });
    // A same-size edit of a local file is found by its content.
    await writeFile(join(ws.work, "down/a.txt"), "ALPHA");
    await touchAhead(join(ws.work, "down"));
    const edit = await cli(["sync", "down", "emu:", "--stats-json"], { env: profile("/rt/") });
    expect(stats(edit.stdout).objects).toMatchObject({ copied: 1, skipped: 2 });
    expect((await cli(["cat", "emu:a.txt"], { env: profile("/rt/") })).stdout).toBe("ALPHA");
  });

  it("--checksum reads only the local side of a local file against COS", async () => {
    emu.emulator.resetStats();
    const r = await cli(["sync", "--checksum", "down", "emu:", "--stats-json"], { env: profile("/rt/") });
    expect(stats(r.stdout).objects).toMatchObject({ copied: 0, skipped: 3 });
    expect(emu.emulator.stats().byOperation["GetObject"] ?? 0).toBe(0);
  });

  it("verify of one local file against an object refuses it as an object (exit 2), not 'does not exist'", async () => {
    expect((await cli(["cp", "site/a.txt", "emu:one.txt"], { env: profile("/v/") })).code).toBe(0);
    const r = await cli(["verify", "site/a.txt", "emu:one.txt"], { env: profile("/v/") });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("site/a.txt is an object, not a directory: verify compares directories");
    expect(r.stderr).not.toContain("does not exist");
  });

  it("sync into a missing bucket fails once with exit 3 and writes nothing", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`f${i}.txt`] = String(i);
    await writeTree(join(ws.work, "many"), files);
    emu.emulator.resetStats();
    const r = await cli(["sync", "many", "emu:"], { env: { STOWAGE_PROFILE_EMU: emu.emulator.connectionString("nope-1250000000", "/x/") } });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("no such bucket");
    expect(emu.emulator.stats().byOperation["PutObject"] ?? 0).toBe(0);
  });
});
