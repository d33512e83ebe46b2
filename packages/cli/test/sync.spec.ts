import { beforeAll, describe, expect, it } from "@jest/globals";
import { readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bytes, exists, readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

interface Stats {
  objects: { planned: number; copied: number; skipped: number; deleted: number; failed: number; verified: number };
  bytes: { copied: number; sent: number; resumed: number; serverSide: number };
  parts: { skipped: number; resumedUploads: number };
}

const ws = useWorkspace();
/** Run in process; binary.spec.ts and resume.spec.ts run sync as a child process. */
const cli = inProcess(ws);
const stats = (stdout: string): Stats => JSON.parse(stdout.trim().split("\n").pop()!) as Stats;

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), {
    "index.html": "<h1>hi</h1>",
    "css/site.css": "body{}",
    "img/logo.png": bytes(3000, 7),
    "img/raw/photo.raw": bytes(5000, 8),
    "notes.tmp": "scratch",
  });
});

describe("sync", () => {
  it("copies everything, then nothing on a second run, then only what changed", async () => {
    const first = await cli(["sync", "src", "dst", "--stats-json", "--progress", "lines"]);
    expect(first.code).toBe(0);
    expect(stats(first.stdout).objects).toMatchObject({ planned: 5, copied: 5, failed: 0 });
    expect(first.stderr).toMatch(/sync: copied 5 objects/);
    expect(await readTree(join(ws.work, "dst"))).toEqual(await readTree(join(ws.work, "src")));

    const second = await cli(["sync", "src", "dst", "--stats-json"]);
    expect(stats(second.stdout).objects).toMatchObject({ planned: 0, copied: 0, skipped: 5 });

    await writeFile(join(ws.work, "src/css/site.css"), "body{color:red}");
    const third = await cli(["sync", "src", "dst", "--stats-json"]);
    expect(stats(third.stdout).objects).toMatchObject({ copied: 1, skipped: 4 });
    expect(await readFile(join(ws.work, "dst/css/site.css"), "utf8")).toBe("body{color:red}");
  });

  it("--dry-run prints what it would copy and delete and changes nothing", async () => {
    await writeTree(join(ws.work, "dry"), { "extra.txt": "only here" });
    const r = await cli(["sync", "--dry-run", "--delete", "src", "dry"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("would copy img/logo.png (2.9 KiB, new)");
    expect(r.stdout).toContain("would delete extra.txt");
    expect(await readTree(join(ws.work, "dry"))).toEqual({ "extra.txt": "only here" });
  });

  it("--delete removes destination objects the source lacks; globs limit both copies and deletes", async () => {
    await writeTree(join(ws.work, "del"), { "stale.html": "old", "keep.tmp": "excluded, so kept" });
    const r = await cli(["sync", "--delete", "--exclude", "*.tmp", "--exclude", "img/raw/**", "src", "del", "--stats-json"]);
    expect(r.code).toBe(0);
    expect(stats(r.stdout).objects).toMatchObject({ copied: 3, deleted: 1 });
    expect(Object.keys(await readTree(join(ws.work, "del"))).sort()).toEqual(["css/site.css", "img/logo.png", "index.html", "keep.tmp"]);
  });

  it("--include picks paths by glob (file names at any depth, or full paths)", async () => {
    const r = await cli(["sync", "--include", "*.png", "--include", "css/*", "src", "inc"]);
    expect(r.code).toBe(0);
    expect(Object.keys(await readTree(join(ws.work, "inc"))).sort()).toEqual(["css/site.css", "img/logo.png"]);
  });

  it("--checksum finds a same-size change that times would miss", async () => {
    await writeTree(join(ws.work, "ck"), {});
    expect((await cli(["sync", "src", "ck"])).code).toBe(0);
    await writeFile(join(ws.work, "ck/index.html"), "<h1>HI</h1>"); // same size, newer than the source
    // A second later at least (in the source's second, the contents would decide).
    await utimes(join(ws.work, "ck/index.html"), new Date(), new Date(Date.now() + 60_000));
    const byTime = await cli(["sync", "src", "ck", "--stats-json"]);
    expect(stats(byTime.stdout).objects.copied).toBe(0);
    const byContent = await cli(["sync", "--checksum", "src", "ck", "--stats-json"]);
    expect(stats(byContent.stdout).objects).toMatchObject({ copied: 1, skipped: 4 });
    expect(await readFile(join(ws.work, "ck/index.html"), "utf8")).toBe("<h1>hi</h1>");
  });

  it("streams large objects in parts when server-side copy is off, and --verify re-reads them", async () => {
    await writeTree(join(ws.work, "big"), { "blob.bin": bytes(3 * 1024 * 1024 + 17, 3), "small.txt": "s" });
    const r = await cli(["sync", "big", "bigcopy", "--no-server-side", "--large-threshold", "1M", "--part-size", "512K", "--verify", "--stats-json"]);
    expect(r.code).toBe(0);
    const s = stats(r.stdout);
    expect(s.objects).toMatchObject({ copied: 2, verified: 2 });
    expect(s.bytes).toMatchObject({ sent: 3 * 1024 * 1024 + 18, serverSide: 0 });
    expect((await readFile(join(ws.work, "bigcopy/blob.bin"))).equals(bytes(3 * 1024 * 1024 + 17, 3))).toBe(true);
  });

  it("copies server-side within one account (two local directories too, each confined to its own), and refuses overlapping directories", async () => {
    const r = await cli(["sync", "src", `fs://${ws.work}/same/`, "--stats-json"]);
    expect(stats(r.stdout).bytes.serverSide).toBeGreaterThan(0);
    expect(stats(r.stdout).bytes.sent).toBe(0);
    const overlap = await cli(["sync", "src", "src/inner"]);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toContain("overlap");
  });

  it("a missing source directory exits 3", async () => {
    const r = await cli(["sync", "nope", "x"]);
    expect(r.code).toBe(3);
    expect(await exists(join(ws.work, "x"))).toBe(false);
  });

  it("a same-size edit stamped in the same second as the copy is found by content, not taken for up to date", async () => {
    await writeTree(join(ws.work, "s1"), { "config.json": '{"mode":"old"}' });
    expect((await cli(["sync", "s1", "s1copy"])).code).toBe(0);
    await writeFile(join(ws.work, "s1/config.json"), '{"mode":"new"}');
    // The edit lands in the second the copy was written (as a save right after a sync does).
    const copied = (await stat(join(ws.work, "s1copy/config.json"))).mtime;
    await utimes(join(ws.work, "s1/config.json"), copied, copied);
    const r = await cli(["sync", "s1", "s1copy", "--stats-json"]);
    expect(stats(r.stdout).objects).toMatchObject({ copied: 1, skipped: 0 });
    expect(await readFile(join(ws.work, "s1copy/config.json"), "utf8")).toBe('{"mode":"new"}');
    const again = await cli(["sync", "s1", "s1copy", "--stats-json"]);
    expect(stats(again.stdout).objects).toMatchObject({ copied: 0 });
  });

  it("compares by modification time: an older source is not copied over a newer destination", async () => {
    await writeTree(join(ws.work, "t1"), { "f.txt": "v1" });
    await writeTree(join(ws.work, "t2"), { "f.txt": "v2" });
    await utimes(join(ws.work, "t1/f.txt"), new Date(2001, 0, 1), new Date(2001, 0, 1));
    expect(stats((await cli(["sync", "t1", "t2", "--stats-json"])).stdout).objects.copied).toBe(0);
    await utimes(join(ws.work, "t1/f.txt"), new Date(), new Date(Date.now() + 60_000));
    expect(stats((await cli(["sync", "t1", "t2", "--stats-json"])).stdout).objects.copied).toBe(1);
  });
});
