/**
 * The checkpoint file on disk: it names every object a command transferred, and may live in a
 * directory others can write to (`--checkpoint /tmp/x.json`, a shared `STOWAGE_STATE_DIR`). Its
 * temp file must be a new file of a name nobody can guess (a symlink planted at a predictable
 * name was followed: the link's target overwritten, the checkpoint turned into that link), the
 * file the user's only (0600), and the directories the CLI makes for it too (0700).
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { main } from "../src/index.js";
import { Checkpoint } from "../src/transfer/checkpoint.js";
import { cleanEnv, removeDir, tempDir } from "./helpers.js";
import { readCheckpoint } from "./checkpoint-reader.js";

const META = { command: "cp", source: "cos://bucket/src/", destination: "fs:///dst/" };

let work: string;
let umask: number;
beforeEach(async () => {
  work = await tempDir();
  // A common umask, so the modes below are the CLI's choice, not the environment's.
  umask = process.umask(0o022);
});
afterEach(async () => {
  process.umask(umask);
  await removeDir(work);
});

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("checkpoint file", () => {
  it("is written through a new temp file: a symlink planted where the temp file used to go is not followed", async () => {
    const shared = join(work, "shared");
    await mkdir(shared);
    const victim = join(work, "victim.txt");
    await writeFile(victim, "the user's data");
    const path = join(shared, "run.json");
    const planted = `${path}.${process.pid}.tmp`;
    await symlink(victim, planted);
    const checkpoint = await Checkpoint.open(path, META);
    checkpoint.markDone("secret-project/plan.pdf", { size: 1 }, { size: 1, etag: '"e"' });
    await checkpoint.flush();
    expect(await readFile(victim, "utf8")).toBe("the user's data");
    expect((await lstat(path)).isFile()).toBe(true);
    expect(await readCheckpoint(path)).toMatchObject({ done: { "secret-project/plan.pdf": { size: 1 } } });
    expect(await readlink(planted)).toBe(victim);
    // Nothing else is left beside it: the temp file was renamed into place.
    expect((await readdir(shared)).sort()).toEqual(["run.json", `run.json.${process.pid}.tmp`]);
  });

  it("is 0600, in directories the CLI makes 0700; a directory that exists keeps its mode", async () => {
    const path = join(work, "state", "stowage", "checkpoints", "run.json");
    const checkpoint = await Checkpoint.open(path, META);
    checkpoint.markDone("a", { size: 1 }, { size: 1, etag: '"e"' });
    await checkpoint.flush();
    expect(await modeOf(path)).toBe(0o600);
    for (const dir of ["state", "state/stowage", "state/stowage/checkpoints"]) expect([dir, await modeOf(join(work, dir))]).toEqual([dir, 0o700]);
    const open = join(work, "open");
    await mkdir(open, { mode: 0o755 });
    const second = await Checkpoint.open(join(open, "run.json"), META);
    await second.startUpload("big", { multipartId: "id", partSize: 1, source: { size: 2 }, bytesDone: 0 });
    expect(await modeOf(join(open, "run.json"))).toBe(0o600);
    expect(await modeOf(open)).toBe(0o755);
  });

  it("is not read through a symbolic link or from a fifo: the run starts over, and the first save puts a file there", async () => {
    const own = join(work, "own.json");
    const first = await Checkpoint.open(own, META);
    first.markDone("a", { size: 1 }, { size: 1, etag: '"e"' });
    await first.flush();
    // A link planted at the path, to a checkpoint that matches: not followed.
    const linked = join(work, "linked.json");
    await symlink(own, linked);
    const viaLink = await Checkpoint.open(linked, META);
    expect(viaLink.resumed).toBe(false);
    expect(viaLink.notRead).toBe("a symbolic link");
    expect(first.notRead).toBeUndefined();
    viaLink.markDone("b", { size: 1 }, { size: 1, etag: '"f"' });
    await viaLink.flush();
    expect((await lstat(linked)).isFile()).toBe(true);
    expect((await readCheckpoint(own)).done).not.toHaveProperty("b");
    // A fifo: a blocking read would wait for a writer for ever; the open returns at once.
    const fifo = join(work, "fifo.json");
    execFileSync("mkfifo", [fifo]);
    const viaFifo = await Checkpoint.open(fifo, META);
    expect(viaFifo.resumed).toBe(false);
    expect(viaFifo.notRead).toBe("a fifo");
    // A file that is not a checkpoint, or nothing at all: started over without a word.
    await writeFile(join(work, "junk.json"), "not json");
    expect((await Checkpoint.open(join(work, "junk.json"), META)).notRead).toBeUndefined();
    expect((await Checkpoint.open(join(work, "none.json"), META)).notRead).toBeUndefined();
  });

  it("a --checkpoint path that is a symbolic link: one warning says it is not read and the run starts over", async () => {
    await newStorager("memory://ck-link-src/").write("a.txt", "a");
    const own = join(work, "own.json");
    await writeFile(own, "{}");
    const linked = join(work, "linked.json");
    await symlink(own, linked);
    const env = cleanEnv(join(work, "home"));
    const r = await main(["cp", "--checkpoint", linked, "memory://ck-link-src/a.txt", "memory://ck-link-dst/a.txt"], { env, cwd: work });
    expect(r.code).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => l.includes("checkpoint"));
    expect(warnings).toEqual([`stowage: cp: checkpoint ${linked} is a symbolic link: not read (only a regular file is); starting over`]);
    expect(await readFile(own, "utf8")).toBe("{}");
  });
});
