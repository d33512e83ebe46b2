/**
 * The built binary against the COS protocol emulator, through the COS driver
 * loaded the way users install it: `@stowage/cos` in a `node_modules` above
 * the working directory (the CLI imports `@stowage/<scheme>` on demand).
 * Skipped until the COS driver is built.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { useWorkspace } from "./workspace.js";
import { uploadReached } from "./checkpoint-progress.js";
import { useEmulator } from "./emulators.js";
import { binary } from "./cli-run.js";
import { builtSuite, bytes, finished, readTree, spawnCli, writeTree } from "./helpers.js";

const MiB = 1024 * 1024;
const BUCKET = "cli-1250000000";
const suite = builtSuite(["cos"]);

const ws = useWorkspace({ linkCosDriver: true });
const cosEmu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const cli = binary(ws);
/** A profile on the emulator bucket, below `dir`. */
const profile = (dir: string) => ({ STOWAGE_PROFILE_EMU: cosEmu.emulator.connectionString(BUCKET, dir) });

/** Runs the slowed-down copy `args` of `big.bin` and kills it once its checkpoint records 2 MiB stored; the record then. */
async function killAfter2MiB(args: string[], checkpoint: string, dir: string): Promise<{ bytesDone: number }> {
  const child = spawnCli([...args, "--part-concurrency", "1", "--bwlimit", "2M", "--quiet"], { env: { ...ws.env, ...profile(dir) }, cwd: ws.work });
  const exit = finished(child);
  const before = await uploadReached(checkpoint, "big.bin", 2 * MiB);
  child.kill("SIGKILL");
  await exit;
  return before;
}

suite("the stowage binary on the COS emulator", () => {
  beforeAll(async () => {
    await writeTree(join(ws.work, "site"), { "index.html": "<p>hi</p>", "img/a.png": bytes(40_000, 1), "big.bin": bytes(6 * MiB + 5, 2) });
  });

  it("syncs a folder in through a profile, lists, verifies by CRC64, syncs on to fs; a second sync copies nothing", async () => {
    const up = await cli(["sync", "site", "emu:", "--stats-json"], { env: profile("/site/") });
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ objects: { copied: 3, verified: 3 } });
    const ls = await cli(["ls", "-r", "emu:"], { env: profile("/site/") });
    expect(ls.stdout.split("\n").filter(Boolean)).toEqual(["big.bin", "img/a.png", "index.html"]);
    const verify = await cli(["verify", "site", "emu:"], { env: profile("/site/") });
    expect([verify.code, verify.stderr.trim()]).toEqual([0, "verify: 3 of 3 objects match (3 by crc64)"]);
    expect((await cli(["sync", "emu:", "copy"], { env: profile("/site/") })).code).toBe(0);
    expect(await readTree(join(ws.work, "copy"))).toEqual(await readTree(join(ws.work, "site")));
    const again = await cli(["sync", "site", "emu:", "--stats-json"], { env: profile("/site/") });
    expect(JSON.parse(again.stdout)).toMatchObject({ objects: { copied: 0, skipped: 3 } });
  });

  it("cp and mv of an appendable object within the bucket stream it (COS copies none server-side); mv then deletes the source", async () => {
    const { newStorager } = await import("@stowage/core");
    await import("@stowage/cos");
    const store = newStorager(cosEmu.emulator.connectionString(BUCKET, "/appendable/"));
    const created = await store.createAppend("log");
    await store.writeAppend(created, "line 1\nline 2\n");
    const cp = await cli(["cp", "emu:log", "emu:copy", "--stats-json"], { env: profile("/appendable/") });
    expect(cp.code).toBe(0);
    expect(JSON.parse(cp.stdout)).toMatchObject({ objects: { copied: 1 }, bytes: { serverSide: 0 } });
    expect((await store.read("copy")).toString()).toBe("line 1\nline 2\n");
    const mv = await cli(["mv", "emu:log", "emu:moved"], { env: profile("/appendable/") });
    expect(mv.code).toBe(0);
    expect((await store.read("moved")).toString()).toBe("line 1\nline 2\n");
    await expect(store.stat("log")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await store.deleteMany(["copy", "moved"]);
  });

  it("resumes an upload after the process is killed: no byte of a stored part is sent again", async () => {
    const checkpoint = join(ws.work, "kill.json");
    const args = ["cp", "site/big.bin", "emu:big.bin", "--part-size", "1M", "--checkpoint", checkpoint];
    const before = await killAfter2MiB(args, checkpoint, "/resume/");
    const rerun = await cli([...args, "--stats-json", "--verify"], { env: profile("/resume/") });
    expect(rerun.code).toBe(0);
    const stats = JSON.parse(rerun.stdout) as { parts: { skipped: number; resumedUploads: number }; bytes: { sent: number; resumed: number }; objects: { verified: number } };
    expect(stats.parts.resumedUploads).toBe(1);
    expect(stats.parts.skipped * MiB).toBeGreaterThanOrEqual(before.bytesDone);
    expect(stats.bytes.sent).toBe(6 * MiB + 5 - stats.bytes.resumed);
    expect(stats.objects.verified).toBe(1);
    expect((await cli(["verify", "--full", "--include", "big.bin", "site", "emu:"], { env: profile("/resume/") })).code).toBe(0);
  });

  it("resumes a download after the process is killed: stored parts are not fetched again", async () => {
    expect((await cli(["cp", "site/big.bin", "emu:big.bin"], { env: profile("/download/") })).code).toBe(0);
    const checkpoint = join(ws.work, "download.json");
    const args = ["cp", "emu:big.bin", "down/big.bin", "--part-size", "1M", "--checkpoint", checkpoint];
    const before = await killAfter2MiB(args, checkpoint, "/download/");
    cosEmu.emulator.resetStats();
    const rerun = await cli([...args, "--stats-json"], { env: profile("/download/") });
    expect(rerun.code).toBe(0);
    const stats = JSON.parse(rerun.stdout) as { parts: { skipped: number; resumedUploads: number }; bytes: { sent: number; resumed: number } };
    expect(stats.parts.resumedUploads).toBe(1);
    expect(stats.parts.skipped * MiB).toBeGreaterThanOrEqual(before.bytesDone - MiB);
    expect(stats.bytes.resumed).toBe(stats.parts.skipped * MiB);
    // The emulator sent the object's rest, not the parts the fs upload already holds (plus headers).
    const sent = cosEmu.emulator.stats().bytesSent;
    expect(sent).toBeGreaterThanOrEqual(6 * MiB + 5 - stats.bytes.resumed);
    expect(sent).toBeLessThan(6 * MiB + 5 - stats.bytes.resumed + 64 * 1024);
    expect((await readFile(join(ws.work, "down/big.bin"))).equals(await readFile(join(ws.work, "site/big.bin")))).toBe(true);
  });

  it("downloads a large object in concurrent ranges with --read-concurrency", async () => {
    expect((await cli(["cp", "site/big.bin", "emu:big.bin"], { env: profile("/ranged/") })).code).toBe(0);
    cosEmu.emulator.resetStats();
    const down = await cli(["cp", "emu:big.bin", "ranged/big.bin", "--part-size", "1M", "--read-concurrency", "4", "--no-checkpoint"], { env: profile("/ranged/") });
    expect(down.code).toBe(0);
    // Seven 1 MiB ranges (6 MiB + 5 bytes), one GET each.
    expect(cosEmu.emulator.stats().byOperation["GetObject"]).toBe(7);
    expect((await readFile(join(ws.work, "ranged/big.bin"))).equals(await readFile(join(ws.work, "site/big.bin")))).toBe(true);
  });

  it("presigns a read URL anyone can fetch", async () => {
    const r = await cli(["presign", "--expires", "600", "emu:index.html"], { env: profile("/site/") });
    expect(r.code).toBe(0);
    const res = await fetch(r.stdout.trim());
    expect([res.status, await res.text()]).toEqual([200, "<p>hi</p>"]);
    const save = await cli(["presign", "--response-content-disposition", 'attachment; filename="home.html"', "--response-content-type", "text/html", "emu:index.html"], { env: profile("/site/") });
    const download = await fetch(save.stdout.trim());
    expect([download.status, download.headers.get("content-disposition"), download.headers.get("content-type")]).toEqual([200, 'attachment; filename="home.html"', "text/html"]);
  });

  it("presigns every step of a multipart upload; a client without credentials runs it to the end", async () => {
    const emu = profile("/presigned/");
    const presigned = async (args: string[]) => {
      const r = await cli(["presign", "--json", ...args, "emu:big.bin"], { env: emu });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      return JSON.parse(r.stdout) as { method: string; url: string; headers: Record<string, string>; body?: string };
    };
    const send = (req: { method: string; url: string; headers: Record<string, string>; body?: string }, body?: Buffer) => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !/^(host|content-length)$/i.test(k)));
      return fetch(req.url, { method: req.method, headers, body: body ?? req.body });
    };
    const created = await send(await presigned(["--method", "createMultipart", "--content-type", "application/x-big"]));
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await created.text())?.[1];
    expect(uploadId).toBeTruthy();
    const chunks = [bytes(MiB, 7), bytes(1000, 8)];
    const parts = [];
    for (const [index, data] of chunks.entries()) {
      const res = await send(await presigned(["--method", "writeMultipart", "--multipart-id", uploadId!, "--index", String(index), "--size", String(data.length)]), data);
      expect(res.status).toBe(200);
      parts.push({ index, size: data.length, etag: res.headers.get("etag") });
    }
    const listed = await (await send(await presigned(["--method", "listMultipart", "--multipart-id", uploadId!]))).text();
    expect(listed.match(/<PartNumber>/g)).toHaveLength(2);
    const partsFile = join(ws.work, "parts.json");
    await writeFile(partsFile, JSON.stringify(parts));
    // A request with a body prints whole even without --json.
    const r = await cli(["presign", "--method", "completeMultipart", "--multipart-id", uploadId!, "--parts", "parts.json", "emu:big.bin"], { env: emu });
    const complete = JSON.parse(r.stdout) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(complete.body).toContain("<CompleteMultipartUpload>");
    const done = await send(complete);
    expect(done.status).toBe(200);
    expect(await done.text()).not.toContain("<Error>");
    const stat = await cli(["stat", "--json", "emu:big.bin"], { env: emu });
    expect(JSON.parse(stat.stdout)).toMatchObject({ size: MiB + 1000, contentType: "application/x-big" });
    const got = await cli(["get", "emu:big.bin", "got.bin"], { env: emu });
    expect(got.code).toBe(0);
    expect(await readFile(join(ws.work, "got.bin"))).toEqual(Buffer.concat(chunks));
  });

  it("presign refuses what an operation does not take, and parts that are not JSON", async () => {
    const emu = profile("/presigned/");
    const wrong = await cli(["presign", "--method", "read", "--multipart-id", "u", "emu:x"], { env: emu });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("presign --method read does not take --multipart-id (only --method delete, writeMultipart, listMultipart, completeMultipart)");
    await writeFile(join(ws.work, "bad.json"), "not json");
    const bad = await cli(["presign", "--method", "completeMultipart", "--multipart-id", "u", "--parts", "bad.json", "emu:x"], { env: emu });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--parts: bad.json is not JSON/);
    const missing = await cli(["presign", "--method", "completeMultipart", "--multipart-id", "u", "emu:x"], { env: emu });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("presign --method completeMultipart needs --multipart-id and --parts (--parts not given)");
  });
});
