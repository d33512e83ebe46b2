/**
 * The built binary on the COS emulator with temporary keys (an access key, a secret and a security
 * token) in a profile, revoked part way through a run (the emulator's `setCredentials`: requests
 * signed with the old keys are then refused with `InvalidAccessKeyId`, as an expired STS token is),
 * and the same command run again with the refreshed keys in the profile:
 * - `cp` of a large file: the default checkpoint is named without the keys, so the re-run resumes
 *   the recorded multipart upload (no upload is left on the service), and the checkpoint file holds
 *   no key, secret or token;
 * - `sync` of many small files: once the service refused the credential, no further object is sent
 *   (only those in flight are refused), one line says how many were not attempted, exit 4; the
 *   re-run copies the rest.
 * The keys are revoked while requests wait in the emulator's `delay` fault, once it has counted
 * enough of them: the requests then waiting are refused, those answered before are not.
 * Skipped until the COS driver is built.
 */
import { describe, expect, it } from "@jest/globals";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EmulatorCredential } from "@stowage/emulator";
import { EXIT_CODES } from "../src/errors.js";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary } from "./cli-run.js";
import { builtSuite, bytes, finished, spawnCli, waitFor, writeTree } from "./helpers.js";
import { parseCheckpoint } from "./checkpoint-reader.js";

const MiB = 1024 * 1024;
const BUCKET = "creds-1250000000";
const suite = builtSuite(["cos"]);

const FIRST: EmulatorCredential = { accessKey: "STSAKfirst", secretKey: "first-secret-zz9", securityToken: "first-token-qq7" };
const SECOND: EmulatorCredential = { accessKey: "STSAKsecond", secretKey: "second-secret-zz9", securityToken: "second-token-qq7" };

suite("temporary keys in a profile, revoked part way through a run, then refreshed", () => {
  const ws = useWorkspace({ linkCosDriver: true, stateDir: true });
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET], credentials: FIRST });
  const cli = binary(ws);

  /** The profile `emu` on `dir` of the bucket, signed with `c` (its token in the credential pair). */
  const profile = (c: EmulatorCredential, dir: string): NodeJS.ProcessEnv => {
    const conn = emu.emulator.connectionString(BUCKET, dir).replace(`credential=hmac:${c.accessKey}:${c.secretKey}`, `credential=hmac:${c.accessKey}:${c.secretKey}:${c.securityToken}`);
    if (!conn.includes(c.securityToken!)) throw new Error("the emulator's connection string is not signed with these keys");
    return { STOWAGE_PROFILE_EMU: conn };
  };

  /** Runs `args` with the first keys and revokes them (the second take over) once `operation` was received `count` times. */
  async function revokedAfter(args: string[], dir: string, operation: string, count: number): Promise<{ code: number | null; stderr: string; stdout: string }> {
    emu.emulator.setCredentials(FIRST);
    emu.emulator.resetStats();
    const child = spawnCli(args, { env: { ...ws.env, ...profile(FIRST, dir) }, cwd: ws.work });
    const exit = finished(child, 60_000);
    await waitFor(async () => ((emu.emulator.stats().byOperation[operation] ?? 0) >= count ? true : undefined));
    emu.emulator.setCredentials(SECOND);
    return exit;
  }

  it("cp of a large file resumes with the refreshed keys: the checkpoint is found, its upload completed, none left", async () => {
    const body = bytes(6 * MiB + 321, 7);
    await writeFile(join(ws.work, "big.bin"), body);
    // One part at a time, each held 300 ms: the keys are revoked while the third waits.
    emu.emulator.setFaults([{ kind: "delay", ms: 300, operation: "UploadPart" }]);
    const args = ["cp", "big.bin", "emu:big.bin", "--part-size", "1M", "--large-threshold", "1M", "--part-concurrency", "1"];
    const first = await revokedAfter(args, "/cp/", "UploadPart", 3);
    expect(first.code).toBe(EXIT_CODES.PermissionDenied);
    expect(first.stderr.trim().split("\n").at(-1)).toBe(
      "stowage: cp: the credential was refused (InvalidAccessKeyId on cos write): re-run with fresh credentials to resume (credentials are read once, when the command starts)",
    );

    const dir = join(ws.work, "state/checkpoints");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".json"));
    expect(files).toHaveLength(1);
    const text = await readFile(join(dir, files[0]!), "utf8");
    for (const secret of [FIRST.accessKey, FIRST.secretKey, FIRST.securityToken!]) expect(text).not.toContain(secret);
    const recorded = parseCheckpoint(text).uploads["big.bin"];
    expect(recorded?.bytesDone).toBeGreaterThanOrEqual(2 * MiB);

    emu.emulator.setFaults([]);
    emu.emulator.resetStats();
    const second = await cli([...args, "--stats-json"], { env: profile(SECOND, "/cp/") });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`cp: resuming from checkpoint ${join(dir, files[0]!)} (1 upload to go on with`);
    const stats = JSON.parse(second.stdout) as { parts: { resumedUploads: number; skipped: number } };
    expect(stats.parts.resumedUploads).toBe(1);
    expect(stats.parts.skipped).toBeGreaterThanOrEqual(2);
    expect(emu.emulator.stats().byOperation["InitiateMultipartUpload"]).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);

    const uploads = await cli(["uploads", "emu:"], { env: profile(SECOND, "/cp/") });
    expect([uploads.code, uploads.stdout]).toEqual([0, ""]);
    const { newStorager } = await import("@stowage/core");
    await import("@stowage/cos");
    const stored = await newStorager(profile(SECOND, "/cp/")["STOWAGE_PROFILE_EMU"]!).read("big.bin");
    expect(stored.equals(body)).toBe(true);
  });

  it("sync stops sending once the credential is refused: one closing line, exit 4; the re-run copies the rest", async () => {
    const names = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, "0")}.bin`);
    await writeTree(join(ws.work, "many"), Object.fromEntries(names.map((n, i) => [n, bytes(1000 + i, i)])));
    // Two writes at a time, each held 300 ms: the keys are revoked while the sixth (and the one beside it) waits.
    emu.emulator.setFaults([{ kind: "delay", ms: 300, operation: "PutObject" }]);
    const first = await revokedAfter(["sync", "many", "emu:", "--small-concurrency", "2", "--stats-json"], "/many/", "PutObject", 6);
    emu.emulator.setFaults([]);
    expect(first.code).toBe(EXIT_CODES.PermissionDenied);
    const seen = emu.emulator.stats();
    const refused = seen.byStatus["403"] ?? 0;
    const stats = JSON.parse(first.stdout) as { objects: { copied: number; failed: number; notAttempted: number } };
    // Only the writes in flight were refused; nothing was sent after.
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(2);
    expect(seen.byOperation["PutObject"]).toBe(stats.objects.copied + refused);
    expect(stats.objects.failed).toBe(refused);
    expect(stats.objects.notAttempted).toBe(names.length - stats.objects.copied - refused);
    const lines = first.stderr.split("\n").filter(Boolean);
    expect(lines.filter((l) => l.includes("PermissionDenied"))).toHaveLength(refused);
    expect(lines.at(-1)).toBe(
      `stowage: sync: the credential was refused (InvalidAccessKeyId on cos write): ${stats.objects.notAttempted} objects not attempted; ` +
        "re-run with fresh credentials to resume (credentials are read once, when the command starts)",
    );
    for (const secret of [FIRST.secretKey, FIRST.securityToken!]) expect(first.stderr + first.stdout).not.toContain(secret);

    const second = await cli(["sync", "many", "emu:", "--stats-json"], { env: profile(SECOND, "/many/") });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ objects: { copied: names.length - stats.objects.copied, skipped: stats.objects.copied, failed: 0 } });
  });
});
