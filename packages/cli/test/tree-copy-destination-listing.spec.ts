/**
 * `cp -r` and `mv -r` (without globs) list the destination only in the directories the source has
 * (review-scale MEDIUM-3): one small source into a large bucket used to list the whole bucket
 * (every key held in memory) before copying one object. What they decide is what a walk of the
 * whole destination decided: new or overwrite, a checkpoint's done objects skipped, and on a
 * storage with real directories a file where the destination has a directory (holding files at
 * any depth) or the reverse, and a symbolic link on the way, refused with the same messages.
 * `sync`, and a copy with globs (matched against both trees), still list the whole destination.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { newStorager, type Storager } from "@stowage/core";
import { builtSuite, exists, readTree, writeTree } from "./helpers.js";
import { readCheckpoint } from "./checkpoint-reader.js";
import { useWorkspace } from "./workspace.js";
import { keyLocation, useEmulator } from "./emulators.js";
import { inProcess, withStats } from "./cli-run.js";

const BUCKET = "dst-listing-1250000000";
/** Objects in the destination besides the source's: five list pages of a walk of the whole bucket. */
const BULK = 4_500;
/** Objects under big/more/: with BULK, more than a whole listing may hold for a small source (5,000). */
const MORE = 701;
/** Directories (one file each) of the `wide` source: more than a source a copy lists directory by directory without trying a whole listing. */
const WIDE = 20;

interface Stats {
  objects: { copied: number; skipped: number; failed: number };
}

const suite = builtSuite(["cos"]);
const ws = useWorkspace({ stateDir: true });
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const run = inProcess(ws);
let bucket: Storager;

const at = (path: string): string => keyLocation(emu.emulator, BUCKET, path);

/** The requests the emulator served for `argv` (stats reset first) and the run's result. */
async function counted(argv: string[]): Promise<{ r: Awaited<ReturnType<typeof run>>; list: number; sent: number }> {
  emu.emulator.resetStats();
  const r = await run(argv);
  const stats = emu.emulator.stats();
  return { r, list: stats.byOperation["ListObjects"] ?? 0, sent: stats.bytesSent };
}

suite("cp -r of a small source into a large bucket (COS emulator)", () => {
  beforeAll(async () => {
    bucket = newStorager(at(""));
    const body = Buffer.from("bulk");
    let next = 0;
    // 45 directories of 100 objects, and what the source will overwrite, three levels down.
    const put = async (): Promise<void> => {
      while (next < BULK) {
        const i = next++;
        await bucket.write(`big/bulk${String(i % 45).padStart(2, "0")}/k${i}`, body);
      }
    };
    await Promise.all(Array.from({ length: 32 }, put));
    // 701 more under big/more/: big/ then holds more than a whole listing is allowed to (destination-listing.ts).
    let more = 0;
    const putMore = async (): Promise<void> => {
      while (more < MORE) await bucket.write(`big/more/m${more++}`, body);
    };
    await Promise.all(Array.from({ length: 32 }, putMore));
    await bucket.write("big/a/b/c/old.txt", "old");
    await bucket.write("big/w00/f.txt", "old");
    await writeTree(join(ws.work, "wide"), Object.fromEntries(Array.from({ length: WIDE }, (_, i) => [`w${String(i).padStart(2, "0")}/f.txt`, "wide"])));
    await Promise.all(Array.from({ length: WIDE }, (_, i) => bucket.write(`dense/w${String(i).padStart(2, "0")}/f.txt`, "dens")));
    await writeTree(join(ws.work, "s"), { "one.txt": "1", "a/b/c/old.txt": "new!", "a/b/c/new.txt": "22", "a/b/c/d/deep.txt": "333" });
  });

  it("lists only the source's directories there (one listing each), and says new and overwrite as before", async () => {
    const { r, list, sent } = await counted(["cp", "-r", "--dry-run", "s/", at("big/")]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual([
      "would copy a/b/c/d/deep.txt (3 B, new)",
      "would copy a/b/c/new.txt (2 B, new)",
      "would copy a/b/c/old.txt (4 B, overwrite)",
      "would copy one.txt (1 B, new)",
    ]);
    // The 45 bulk directories are one line each in big/'s listing; their 4,500 keys are never sent
    // (a walk of the whole bucket: about 1.2 MB of listing in 5 pages).
    expect(sent).toBeLessThan(50_000);
    // big/, big/a/, big/a/b/, big/a/b/c/ (big/a/b/c/d/ is not there).
    expect(list).toBe(4);
  });

  it("a checkpointed re-run skips what the first run copied, three levels down, never sent the keys of other directories", async () => {
    const checkpoint = join(ws.work, "deep.json");
    const argv = ["cp", "-r", "s/", at("ck/"), "--checkpoint", checkpoint, "--stats-json", "--progress", "none"];
    await bucket.write("ck/a/b/c/old.txt", "old");
    for (let i = 0; i < 1_100; i++) await bucket.write(`ck/a/b/other/k${i}`, "x");
    emu.emulator.setFaults([{ kind: "status", status: 500, keyPrefix: "ck/a/b/c/new.txt" }]);
    try {
      const first = await withStats<Stats>(run(argv));
      expect(first.code).not.toBe(0);
      expect(first.stats?.objects).toMatchObject({ copied: 3, failed: 1 });
    } finally {
      emu.emulator.setFaults([]);
    }
    expect(Object.keys((await readCheckpoint(checkpoint)).done).sort()).toEqual(["a/b/c/d/deep.txt", "a/b/c/old.txt", "one.txt"]);
    // A dry run predicts the re-run: it reads the checkpoint, and leaves it as it was (no lock, no write).
    const kept = await readFile(checkpoint, "utf8");
    const dryRun = await run([...argv, "--dry-run"]);
    const dry = await withStats<Stats>(Promise.resolve(dryRun));
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain(`cp: would resume from checkpoint ${checkpoint} (3 objects done in an earlier run)`);
    expect(dryRun.stdout.split("\n").filter((l) => l.startsWith("would copy"))).toEqual(["would copy a/b/c/new.txt (2 B, new)"]);
    expect(dry.stats?.objects).toMatchObject({ planned: 1, skipped: 3 });
    expect(await readFile(checkpoint, "utf8")).toBe(kept);
    expect(await exists(checkpoint + ".lock")).toBe(false);
    // A live run holding the checkpoint: the real run would not use it, nor does the dry run's prediction.
    const holder = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await writeFile(checkpoint + ".lock", JSON.stringify({ pid: holder.pid, host: hostname() }));
      const held = await run([...argv, "--dry-run"]);
      expect(held.code).toBe(0);
      expect(held.stderr).toContain(`cp: checkpoint ${checkpoint} is in use by another run (pid ${holder.pid}): a run now would neither resume from it nor record in it`);
      expect(held.stderr).not.toContain("would resume");
      expect(held.stdout.split("\n").filter((l) => l.startsWith("would copy"))).toHaveLength(4);
      // What names no holder, at the lock's name of a checkpoint the user named, is refused as the real run refuses it.
      await writeFile(checkpoint + ".lock", "my notes");
      const notALock = await run([...argv, "--dry-run"]);
      expect(notALock.code).toBe(2);
      expect(notALock.stderr).toContain(".lock is not a stowage checkpoint lock (it is not JSON)");
    } finally {
      holder.kill();
      await rm(checkpoint + ".lock", { force: true });
    }
    expect(await readFile(checkpoint, "utf8")).toBe(kept);
    emu.emulator.resetStats();
    const second = await withStats<Stats>(run(argv));
    const { byOperation, bytesSent } = emu.emulator.stats();
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`cp: resuming from checkpoint ${checkpoint} (3 objects done in an earlier run)`);
    expect(second.stats?.objects).toMatchObject({ copied: 1, skipped: 3, failed: 0 });
    // ck/, a/, a/b/, a/b/c/, a/b/c/d/, one small listing each: a/b/other/'s 1,100 keys are never sent
    // (a walk of ck/: 2 pages, about 300 KB).
    expect(bytesSent).toBeLessThan(20_000);
    expect(byOperation["ListObjects"]).toBe(5);
    expect((await bucket.read("ck/a/b/c/new.txt")).toString()).toBe("22");
    expect(await exists(checkpoint)).toBe(false);
  });

  it("mv -r lists as little, and moves", async () => {
    await writeTree(join(ws.work, "mv-src"), { "a/b/c/moved.txt": "m" });
    const { r, list } = await counted(["mv", "-r", "mv-src/", at("big/")]);
    expect(r.code).toBe(0);
    // big/, a/, a/b/, a/b/c/, and the look whether the bucket exists (nothing there at the source's paths).
    expect(list).toBe(5);
    expect((await bucket.read("big/a/b/c/moved.txt")).toString()).toBe("m");
    expect(await exists(join(ws.work, "mv-src/a"))).toBe(false);
  });

  it("a source over many directories onto a destination about its size: one whole listing, not one per directory", async () => {
    const { r, list } = await counted(["cp", "-r", "--dry-run", "wide/", at("dense/")]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(WIDE);
    expect(r.stdout).toContain("would copy w00/f.txt (4 B, overwrite)");
    expect(r.stdout).toContain("would copy w19/f.txt (4 B, overwrite)");
    // dense/ (the look at its top), then one page of the whole of it; one per directory would be 1 + 20.
    expect(list).toBe(2);
  });

  it("a source over many directories onto a much larger destination: the whole listing stops at its limit, then directory by directory", async () => {
    const { r, list, sent } = await counted(["cp", "-r", "--dry-run", "wide/", at("big/")]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(WIDE);
    expect(lines.filter((l) => l.endsWith("overwrite)"))).toEqual(["would copy w00/f.txt (4 B, overwrite)"]);
    // big/'s top; 6 pages of the whole listing (past 5,000 entries, of 5,203); big/w00/, the one
    // directory of the source big/ has. The rest of big/ (about 200 keys) is never asked for.
    expect(list).toBe(8);
    expect(sent).toBeLessThan(2_000_000);
  });

  it("sync still lists the whole destination (it deletes extras)", async () => {
    const { r, list } = await counted(["sync", "--dry-run", "s/", at("big/")]);
    expect(r.code).toBe(0);
    expect(list).toBeGreaterThanOrEqual(5);
  });
});

describe("cp -r onto a storage with real directories: the refusals at depth are as before", () => {
  /** The destination `d/` of each test: kind swaps three levels down, a link on the way, bulk elsewhere. */
  async function trees(name: string): Promise<{ s: string; d: string }> {
    const s = join(ws.work, name, "s");
    const d = join(ws.work, name, "d");
    await writeTree(s, {
      "x/y/dir-there": "a file where d/ has a directory holding a file",
      "x/y/deep-dir-there": "a file where d/ has a directory holding a file only three levels down",
      "x/y/file-there/z/w.txt": "below a directory where d/ has a file",
      "x/y/through/v.txt": "below a directory where d/ has a link",
      "x/y/ok.txt": "ok",
    });
    await writeTree(d, {
      "x/y/dir-there/old.txt": "o",
      "x/y/deep-dir-there/p/q/r.txt": "r",
      "x/y/file-there": "a file",
      "elsewhere/keep.txt": "k",
      ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`bulk/b${i}.txt`, "b"])),
    });
    await symlink("../../elsewhere", join(d, "x/y/through"));
    return { s: s + "/", d: d + "/" };
  }

  it("on fs: each refusal names what to remove, the rest is copied, nothing is written through the link", async () => {
    const { s, d } = await trees("fs");
    const r = await run(["cp", "-r", s, d]);
    expect(r.code).toBe(10);
    const lines = r.stderr.split("\n");
    const shown = d;
    expect(lines).toContain(
      `stowage: cp x/y/deep-dir-there: ObjectModeInvalid: ${shown}x/y/deep-dir-there/ is a directory at the destination, where the source has a file: not replaced ` +
        `(a copy never replaces a directory with a file, not even sync --delete); copy the file to another name (stowage cp), ` +
        `or, if nothing in the directory is needed, remove it (stowage rm -r ${shown}x/y/deep-dir-there/) and run again (op=write, service=fs, path="x/y/deep-dir-there")`,
    );
    expect(lines.some((l) => l.startsWith(`stowage: cp x/y/dir-there: ObjectModeInvalid: ${shown}x/y/dir-there/ is a directory at the destination`))).toBe(true);
    expect(lines).toContain(
      `stowage: cp x/y/file-there/z/w.txt: ObjectModeInvalid: ${shown}x/y/file-there is a file at the destination, where the source has a directory: not replaced ` +
        `(a copy never replaces a file with a directory, not even sync --delete); move it to another name (stowage mv), ` +
        `or, if it is not needed, remove it (stowage rm ${shown}x/y/file-there), and run again (op=write, service=fs, path="x/y/file-there/z/w.txt")`,
    );
    expect(lines.some((l) => l.startsWith(`stowage: cp x/y/through/v.txt: ObjectModeInvalid: ${shown}x/y/through is a symbolic link`))).toBe(true);
    const after = await readTree(d);
    expect(after["x/y/ok.txt"]).toBe("ok");
    expect(after["x/y/file-there"]).toBe("a file");
    expect(after["x/y/dir-there/old.txt"]).toBe("o");
    expect(await exists(join(d, "elsewhere/v.txt"))).toBe(false);
  });

  it("an empty directory (or one holding empty ones only) is a directory too: the dry run refuses what the real run cannot write", async () => {
    const { s, d } = await trees("empty-dirs");
    await mkdir(join(d, "x/y/hollow/p/q"), { recursive: true });
    await mkdir(join(d, "x/y/bare"), { recursive: true });
    await writeTree(s, { "x/y/hollow": "a file where d/ has only empty directories", "x/y/bare": "a file where d/ has an empty directory" });
    for (const argv of [["cp", "-r", "--dry-run", s, d], ["cp", "-r", s, d]]) {
      const r = await run(argv);
      expect(r.code).toBe(10);
      expect(r.stderr).toContain(`stowage: cp x/y/hollow: ObjectModeInvalid: ${d}x/y/hollow/ is a directory at the destination, where the source has a file`);
      expect(r.stderr).toContain(`stowage: cp x/y/bare: ObjectModeInvalid: ${d}x/y/bare/ is a directory at the destination, where the source has a file`);
    }
    expect(await exists(join(d, "x/y/hollow/p/q"))).toBe(true);
    expect((await readTree(d))["x/y/ok.txt"]).toBe("ok");
  });

  it("an empty directory is refused the same way where the destination is listed whole (a source over many directories, sync)", async () => {
    const s = join(ws.work, "wide-empty", "s");
    const d = join(ws.work, "wide-empty", "d");
    await writeTree(s, { ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`w${i}/f.txt`, "w"])), "w3/bare": "a file where d/ has an empty directory" });
    await mkdir(join(d, "w3/bare"), { recursive: true });
    for (const argv of [["cp", "-r", "--dry-run", s + "/", d + "/"], ["sync", "--dry-run", s + "/", d + "/"], ["sync", "--delete", s + "/", d + "/"]]) {
      const r = await run(argv);
      expect(r.code).toBe(10);
      expect(r.stderr).toContain(`ObjectModeInvalid: ${d}/w3/bare/ is a directory at the destination, where the source has a file`);
      // sync lists the destination whole, so it knows the directory holds nothing.
      if (argv[0] === "sync") expect(r.stderr).toContain(`the directory holds no object (a fifo, socket or device in it is not listed, and rm -r leaves it: remove those with your shell's rm): remove it (stowage rm -r ${d}/w3/bare/) and run again`);
    }
    // sync --delete held back by the refusal, the directory still there; the others copied.
    expect(await exists(join(d, "w3/bare"))).toBe(true);
    expect((await readTree(d))["w19/f.txt"]).toBe("w");
  });

  it("into memory, the same refusals", async () => {
    const { s } = await trees("mem");
    const mem = newStorager("memory://dst-listing/");
    await mem.write("x/y/deep-dir-there/p/q/r.txt", "r");
    await mem.write("x/y/file-there", "a file");
    for (let i = 0; i < 50; i++) await mem.write(`bulk/b${i}.txt`, "b");
    await mem.createDir("x/y/dir-there/");
    const r = await run(["cp", "-r", "--dry-run", s, "memory://dst-listing/"]);
    expect(r.code).toBe(10);
    expect(r.stderr).toContain("stowage: cp x/y/dir-there: ObjectModeInvalid: memory://dst-listing/x/y/dir-there/ is a directory at the destination");
    expect(r.stderr).toContain("stowage: cp x/y/deep-dir-there: ObjectModeInvalid: memory://dst-listing/x/y/deep-dir-there/ is a directory at the destination");
    expect(r.stderr).toContain("stowage: cp x/y/file-there/z/w.txt: ObjectModeInvalid: memory://dst-listing/x/y/file-there is a file at the destination");
    expect(r.stdout).toContain("would copy x/y/ok.txt (2 B, new)");
  });

  it("a source holding both a and a/x (an object store's independent keys): the file is refused on every run, dry or not, the directory copied", async () => {
    const src = newStorager(at("clash/"));
    await src.write("a", "file a");
    await src.write("a/x", "file a/x");
    const fsDst = join(ws.work, "clash-d") + "/";
    await writeTree(fsDst, { "old.txt": "extra" });
    const memDst = "memory://clash-d/";
    await newStorager(memDst).write("old.txt", "extra");
    for (const dst of [fsDst, memDst]) {
      const dry = await run(["sync", "--delete", "--dry-run", at("clash/"), dst]);
      const real = await run(["sync", "--delete", at("clash/"), dst]);
      for (const r of [dry, real]) {
        expect(r.code).toBe(10);
        expect(r.stderr).toContain("stowage: sync a: ObjectModeInvalid: the source holds both a and objects below a/ (independent keys on an object store)");
      }
      expect(dry.stdout).toContain("would copy a/x (8 B, new)");
      expect(dry.stdout).not.toContain("would copy a ");
      // The refusal holds --delete back, as any failed copy does.
      const kept = newStorager(dst.startsWith("memory:") ? dst : `fs://${dst}`);
      expect((await kept.read("a/x")).toString()).toBe("file a/x");
      expect((await kept.read("old.txt")).toString()).toBe("extra");
      // A re-run (a/ now at the destination) refuses a for the same reason: never "remove a/".
      for (const again of [await run(["sync", "--delete", "--dry-run", at("clash/"), dst]), await run(["cp", "-r", at("clash/"), dst])]) {
        expect(again.code).toBe(10);
        expect(again.stderr).toContain("ObjectModeInvalid: the source holds both a and objects below a/");
        expect(again.stderr).not.toContain("is a directory at the destination");
      }
    }
  });

  it("with a glob, a directory only the destination has is still warned of (globs are matched against both trees)", async () => {
    const { s, d } = await trees("glob");
    await writeTree(d, { "cache/data.bin": "precious" });
    const r = await run(["cp", "-r", "--dry-run", "--exclude", "cache", s, d]);
    expect(r.stderr).toContain("cp: warning: --exclude 'cache' matched no path but names the directory cache/");
  });
});
