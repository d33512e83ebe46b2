/**
 * Ctrl-C once objects are stored, on the COS emulator with the built binary (its faults hold or
 * fail a request; SIGINT as Ctrl-C): a Ctrl-C that stopped nothing while another copy had failed of
 * itself ends the run as it would have ended (its summary, the failure's exit code), not
 * "interrupted"; a `--verify` re-read of a stored object stops at Ctrl-C at once (no wait for the
 * grace), the kept checkpoint says no upload stays at the destination (its Complete was answered),
 * and the rerun sends nothing again but still re-reads the object. Skipped until the COS driver is built.
 */
import { afterEach, beforeAll, expect, it } from "@jest/globals";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary } from "./cli-run.js";
import { builtSuite, bytes, ensureBuilt, finished, spawnCli, waitFor } from "./helpers.js";
import { readCheckpoint } from "./checkpoint-reader.js";

const MiB = 1024 * 1024;
const BUCKET = "stored-1250000000";
const FLAGS = ["--part-size", "1M", "--large-threshold", "1M"];
const suite = builtSuite(["cos"]);

const ws = useWorkspace({ linkCosDriver: true, stateDir: true });
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });

interface Store {
  read(path: string): Promise<Buffer>;
}

async function storeAt(dir: string): Promise<Store> {
  const { newStorager } = await import("@stowage/core");
  await import("@stowage/cos");
  return newStorager(emu.emulator.connectionString(BUCKET, dir)) as unknown as Store;
}

/** Resolves once the emulator has received `operation` (counted on arrival, before a delay). */
function arrived(operation: string): Promise<true> {
  return waitFor(async () => ((emu.emulator.stats().byOperation[operation] ?? 0) >= 1 ? true : undefined));
}

/** The checkpoint files in the state directory, but those in `but` (left by an earlier test). */
async function checkpoints(but: readonly string[] = []): Promise<string[]> {
  const dir = join(ws.work, "state/checkpoints");
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(".json")).map((n) => join(dir, n)).filter((p) => !but.includes(p));
}

suite("Ctrl-C once objects are stored (COS emulator, built binary)", () => {
  const cli = binary(ws, { timeoutMs: 60_000 });
  beforeAll(ensureBuilt);
  afterEach(() => {
    emu.emulator.setFaults([]);
  });

  it("cp -r: a Ctrl-C that stopped nothing after a copy failed of itself ends with the summary and the failure's exit code", async () => {
    await mkdir(join(ws.work, "t"), { recursive: true });
    await writeFile(join(ws.work, "t/a.bin"), bytes(1000, 3));
    const b = bytes(3 * MiB + 7, 4);
    await writeFile(join(ws.work, "t/b.bin"), b);
    emu.emulator.resetStats();
    // a's PUT fails (no retries); b's Complete is held 3 s: Ctrl-C once a failed and b's Complete was sent.
    emu.emulator.setFaults([
      { kind: "status", status: 500, operation: "PutObject" },
      { kind: "delay", ms: 3000, operation: "CompleteMultipartUpload" },
    ]);
    const env = { ...ws.env, STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, "/f/") + "&max_retries=0" };
    const child = spawnCli(["cp", "-r", ...FLAGS, "t/", "emu:"], { env, cwd: ws.work });
    let said = "";
    child.stderr!.on("data", (c: Buffer) => (said += c.toString("utf8")));
    const exit = finished(child, 60_000);
    child.stdin!.end();
    await arrived("CompleteMultipartUpload");
    // The failure is reported (its catch ran) before Ctrl-C: it failed of itself.
    await waitFor(async () => (said.includes("cp a.bin: ServiceInternal") ? true : undefined));
    child.kill("SIGINT");
    const r = await exit;
    expect(r.stderr).not.toContain("interrupted");
    expect(r.stderr).toMatch(/^cp: copied 1 object \(3\.0 MiB\)/m);
    expect(r.stderr).toContain("1 of 2 objects failed; see the messages above");
    expect(r.code).toBe(15);
    expect((await (await storeAt("/f/")).read("b.bin")).equals(b)).toBe(true);
  });

  it("cp --verify: Ctrl-C stops the re-read at once; no upload is said to stay; the rerun sends nothing but re-reads the object", async () => {
    const body = bytes(3 * MiB + 7, 11);
    await writeFile(join(ws.work, "v.bin"), body);
    const earlier = await checkpoints();
    emu.emulator.resetStats();
    // The re-read's GET is held 30 s: far longer than the 10 s grace of a sent request.
    emu.emulator.setFaults([{ kind: "delay", ms: 30_000, operation: "GetObject" }]);
    const args = ["cp", ...FLAGS, "--verify", "v.bin", "emu:v.bin"];
    const child = spawnCli(args, { env: { ...ws.env, STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, "/g/") }, cwd: ws.work });
    const exit = finished(child, 60_000);
    child.stdin!.end();
    await arrived("CompleteMultipartUpload");
    await arrived("GetObject");
    const sent = Date.now();
    child.kill("SIGINT");
    const first = await exit;
    const waited = Date.now() - sent;
    emu.emulator.setFaults([]);
    expect(first.code).toBe(130);
    expect(waited).toBeLessThan(5000);
    expect(first.stderr).toContain("stowage: interrupted");
    const [path] = await checkpoints(earlier);
    expect(path).toBeDefined();
    expect(first.stderr).toContain(`cp: checkpoint kept at ${path}; run the same command again to resume\n`);
    expect(first.stderr).not.toContain("stays at the destination");
    const recorded = await readCheckpoint(path!);
    expect([Object.keys(recorded.done), recorded.uploads["v.bin"]?.ended]).toEqual([[], true]);

    emu.emulator.resetStats();
    const second = await cli([...args, "--stats-json"], { env: { STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, "/g/") } });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(
      "stowage: cp v.bin: its recorded upload was completed by an earlier run, and the destination already holds the source's bytes (size and CRC-64 checked): not sent again",
    );
    const ops = emu.emulator.stats().byOperation;
    // Nothing sent again; the object read whole once more (--verify).
    expect([ops["InitiateMultipartUpload"], ops["UploadPart"], ops["PutObject"], ops["GetObject"]]).toEqual([undefined, undefined, undefined, 1]);
    const stats = JSON.parse(second.stdout) as { objects: { copied: number; verified: number } };
    expect([stats.objects.copied, stats.objects.verified]).toEqual([1, 1]);
    expect(await checkpoints(earlier)).toEqual([]);
    expect((await (await storeAt("/g/")).read("v.bin")).equals(body)).toBe(true);
  });

  it("cp --verify: a re-read that fails keeps a checkpoint that says no upload stays (its Complete was answered); the rerun re-reads only", async () => {
    const body = bytes(3 * MiB + 7, 12);
    await writeFile(join(ws.work, "r.bin"), body);
    const earlier = await checkpoints();
    emu.emulator.resetStats();
    // Every GET fails (no retries; the re-read is started again twice, then fails).
    emu.emulator.setFaults([{ kind: "status", status: 500, operation: "GetObject" }]);
    const args = ["cp", ...FLAGS, "--verify", "r.bin", "emu:r.bin"];
    const connection = emu.emulator.connectionString(BUCKET, "/r/") + "&max_retries=0";
    const first = await cli(args, { env: { STOWAGE_PROFILE_EMU: connection } });
    emu.emulator.setFaults([]);
    expect(first.code).toBe(15);
    const [path] = await checkpoints(earlier);
    expect(path).toBeDefined();
    expect(first.stderr).toContain(`cp: checkpoint kept at ${path}; run the same command again to resume\n`);
    expect(first.stderr).not.toContain("stays at the destination");

    emu.emulator.resetStats();
    const second = await cli([...args, "--stats-json"], { env: { STOWAGE_PROFILE_EMU: connection } });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("its recorded upload was completed by an earlier run");
    const ops = emu.emulator.stats().byOperation;
    expect([ops["InitiateMultipartUpload"], ops["UploadPart"], ops["PutObject"], ops["GetObject"]]).toEqual([undefined, undefined, undefined, 1]);
    expect((JSON.parse(second.stdout) as { objects: { verified: number } }).objects.verified).toBe(1);
    expect(await checkpoints(earlier)).toEqual([]);
  });
});
