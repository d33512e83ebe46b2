/**
 * A `--checkpoint <file>` the user named that holds something else (security review M2): a file
 * that is no stowage checkpoint (a file name that slid into the option's value), another
 * transfer's checkpoint (whose recorded uploads would be orphaned), or a `<file>.lock` of the
 * user's. Each was replaced by the run and then deleted when it ended. Now the run is refused
 * (UsageError, exit 2) before anything is written or copied, and the file is left as it was. A file
 * of zero bytes (nothing to lose) is taken as a fresh checkpoint; the default checkpoint, in
 * stowage's own state directory, is still started over when unreadable.
 */
import { beforeEach, describe, expect, it } from "@jest/globals";
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { main, UsageError } from "../src/index.js";
import { Checkpoint } from "../src/transfer/checkpoint.js";
import { lockCheckpoint } from "../src/transfer/checkpoint-lock.js";
import { useWorkspace } from "./workspace.js";

const ws = useWorkspace();
/** The test's own directory in the workspace (its HOME beside them): what `entries` lists must be this test's only. */
let work: string;
let tests = 0;
beforeEach(async () => {
  work = join(ws.work, `test-${++tests}`);
  await mkdir(work);
});

/** Runs `stowage cp --checkpoint <checkpoint> memory://<src>/a.txt memory://<src>-dst/a.txt` (a.txt seeded). */
async function cpWith(checkpoint: string, src: string): Promise<{ code: number; stderr: string; copied: boolean }> {
  await newStorager(`memory://${src}/`).write("a.txt", "a");
  const r = await main(["cp", "--checkpoint", checkpoint, `memory://${src}/a.txt`, `memory://${src}-dst/a.txt`], { env: ws.env, cwd: work });
  const copied = await newStorager(`memory://${src}-dst/`)
    .stat("a.txt")
    .then(() => true)
    .catch(() => false);
  return { code: r.code, stderr: r.stderr, copied };
}

/** The entries of the test's directory, sorted. */
async function entries(): Promise<string[]> {
  return (await readdir(work)).sort();
}

describe("a --checkpoint file that is no checkpoint of this transfer", () => {
  it("a file of the user's is refused (exit 2) and left as it is: content, mode and no lock beside it", async () => {
    const notes = join(work, "notes.txt");
    await writeFile(notes, "precious user notes\n");
    await chmod(notes, 0o640);
    const before = await stat(notes);
    const r = await cpWith(notes, "fc-notes");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `stowage: cp: --checkpoint ${notes} is not a stowage checkpoint (not JSON): refused, the file is left as it is and nothing was transferred; name another file, or remove this one\n`,
    );
    expect(r.copied).toBe(false);
    expect(await readFile(notes, "utf8")).toBe("precious user notes\n");
    const after = await stat(notes);
    expect([after.ino, after.mode & 0o777, after.mtimeMs]).toEqual([before.ino, 0o640, before.mtimeMs]);
    expect(await entries()).toEqual(["notes.txt"]);
  });

  it("JSON that is not a version-1 or version-2 checkpoint is refused, each saying why", async () => {
    const header = '{"version":2,"command":"cp","source":"s","destination":"d","updated":"2026-01-01T00:00:00.000Z"}\n';
    const cases: Array<[string, string]> = [
      ['{"name":"my-app","version":"1.0.0"}', 'checkpoint version "1.0.0", not 1 or 2'],
      ['{"version":3,"command":"cp","source":"s","destination":"d","uploads":{},"done":{}}', "checkpoint version 3, not 1 or 2"],
      ['{"version":2,"command":"cp","source":"s","destination":"d","uploads":{},"done":{}}', "version 2, but not the lines of a checkpoint"],
      ['{"version":2,"command":"cp"}\n', "version 2, but not the fields of a checkpoint"],
      // A line in the middle that is no change: damaged (only the last line may be cut short, by a crash).
      [`${header}{"done":"a","object":{"size":1}}\n{"done":"b"\n{"drop":"a"}\n`, "version 2, but line 3 is no change of a checkpoint"],
      [`${header}{"done":"a","drop":"a"}\n`, "version 2, but line 2 is no change of a checkpoint"],
      [`${header}\n{"drop":"a"}\n`, "version 2, but line 2 is no change of a checkpoint"],
      // A first line past 64 KiB is no header stowage writes: not read on (review-journal LOW-3).
      [`{"version":2,"command":"cp","source":"${"s".repeat(70_000)}","destination":"d","updated":"x"}\n`, "version 2, but its first line is over 64 KiB"],
      ['{"version":1,"command":"cp"}', "version 1, but not the fields of a checkpoint"],
      ["[1,2,3]", "JSON, but not an object"],
      ['{"settings":true}', "no checkpoint version"],
      [" ", "not JSON"],
    ];
    for (const [i, [text, why]] of cases.entries()) {
      const file = join(work, `case-${i}.json`);
      await writeFile(file, text);
      const r = await cpWith(file, `fc-json-${i}`);
      expect([text, r.code, r.copied]).toEqual([text, 2, false]);
      expect(r.stderr).toContain(`--checkpoint ${file} is not a stowage checkpoint (${why}): refused`);
      expect(await readFile(file, "utf8")).toBe(text);
    }
  });

  it("another transfer's checkpoint is refused and kept, with the upload it records", async () => {
    const other = join(work, "other-run.json");
    const text = JSON.stringify({
      version: 1,
      command: "sync",
      source: "fs:///elsewhere/",
      destination: "cos://b-1250000000/",
      updated: new Date().toISOString(),
      uploads: { big: { multipartId: "X", partSize: 8, source: { size: 1 }, bytesDone: 0 } },
      done: {},
    });
    await writeFile(other, text);
    const r = await cpWith(other, "fc-other");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `stowage: cp: --checkpoint ${other} is the checkpoint of another transfer (sync fs:///elsewhere/ to cos://b-1250000000/): refused, the file is left as it is`,
    );
    expect(r.copied).toBe(false);
    expect(await readFile(other, "utf8")).toBe(text);
    expect(await entries()).toEqual(["other-run.json"]);
  });

  it("a checkpoint of this very transfer is still resumed from, and removed once the run is done", async () => {
    const own = join(work, "own.json");
    // What an earlier run left: old.txt copied (the destination still holds that copy), a.txt not yet.
    const src = newStorager("memory://fc-own/");
    const dst = newStorager("memory://fc-own-dst/");
    await src.write("old.txt", "old");
    await dst.write("old.txt", "old");
    const [srcOld, dstOld] = [await src.stat("old.txt"), await dst.stat("old.txt")];
    await writeFile(
      own,
      JSON.stringify({
        version: 1,
        command: "cp",
        source: "memory://fc-own/",
        destination: "memory://fc-own-dst/",
        updated: new Date().toISOString(),
        uploads: {},
        done: { "old.txt": { size: 3, etag: srcOld.etag, destination: { size: 3, etag: dstOld.etag } } },
      }),
    );
    await src.write("a.txt", "a");
    const r = await main(["cp", "-r", "--checkpoint", own, "memory://fc-own/", "memory://fc-own-dst/"], { env: ws.env, cwd: work });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`resuming from checkpoint ${own} (1 object done in an earlier run)`);
    expect(r.stderr).toContain("cp: copied 1 object (1 B), skipped 1");
    expect(await entries()).toEqual([]);
  });

  it("an empty file is taken as a fresh checkpoint (nothing in it to lose): the run goes on, and removes it when done", async () => {
    const empty = join(work, "empty.ckpt");
    await writeFile(empty, "");
    const r = await cpWith(empty, "fc-empty");
    expect([r.code, r.copied]).toEqual([0, true]);
    expect(r.stderr).not.toContain("checkpoint");
    expect(await entries()).toEqual([]);
  });

  it("Checkpoint.open refuses such a file only when the path was named; else (the state directory) it starts over", async () => {
    const junk = join(work, "junk.json");
    await writeFile(junk, "not json");
    const meta = { command: "cp", source: "memory://a/", destination: "memory://b/" };
    await expect(Checkpoint.open(junk, meta, true)).rejects.toBeInstanceOf(UsageError);
    const fresh = await Checkpoint.open(junk, meta);
    expect([fresh.resumed, fresh.empty, fresh.notRead]).toEqual([false, true, undefined]);
    expect(await readFile(junk, "utf8")).toBe("not json");
  });
});

describe("a <checkpoint>.lock that is no stowage lock", () => {
  it("a file of the user's, an empty file, JSON naming no process and a link are refused (exit 2) and left as they are", async () => {
    const target = join(work, "elsewhere.txt");
    await writeFile(target, "the link's target");
    const cases: Array<[string, string | undefined, string]> = [
      ["mine", "user data, not a lock\n", "it is not JSON"],
      ["flock", "", "it is empty"],
      ["named", '{"owner":"me"}', "it names no pid and host"],
      ["linked", undefined, "it is a symbolic link"],
    ];
    for (const [name, text, why] of cases) {
      const checkpoint = join(work, name);
      const lock = `${checkpoint}.lock`;
      if (text === undefined) await symlink(target, lock);
      else await writeFile(lock, text);
      const r = await cpWith(checkpoint, `fl-${name}`);
      expect([name, r.code, r.copied]).toEqual([name, 2, false]);
      expect(r.stderr).toBe(
        `stowage: cp: --checkpoint ${checkpoint}: ${lock} is not a stowage checkpoint lock (${why}): refused, the file is left as it is and nothing was transferred; name another checkpoint file, or remove or rename this one\n`,
      );
      if (text === undefined) expect(await readlink(lock)).toBe(target);
      else expect(await readFile(lock, "utf8")).toBe(text);
      // Neither the checkpoint nor a temp file of the lock was left.
      expect((await readdir(work)).filter((n) => n.startsWith(name)).sort()).toEqual([`${name}.lock`]);
    }
    expect(await readFile(target, "utf8")).toBe("the link's target");
  });

  it("a lock naming a process that is gone is still taken over; in the state directory a lock naming nobody is removed as before", async () => {
    const checkpoint = join(work, "stale");
    await writeFile(`${checkpoint}.lock`, JSON.stringify({ pid: 2 ** 22 + 7, host: hostname() }));
    const r = await cpWith(checkpoint, "fl-stale");
    expect([r.code, r.copied]).toEqual([0, true]);
    await expect(lstat(`${checkpoint}.lock`)).rejects.toMatchObject({ code: "ENOENT" });

    const unnamed = join(work, "state-checkpoint.json");
    await writeFile(`${unnamed}.lock`, "");
    const taken = await lockCheckpoint(unnamed);
    expect("lock" in taken).toBe(true);
    if ("lock" in taken) await taken.lock.release();
    const named = await lockCheckpoint(join(work, "named"), true);
    expect("lock" in named).toBe(true);
    if ("lock" in named) await named.lock.release();
    await writeFile(`${join(work, "junk")}.lock`, "junk");
    await expect(lockCheckpoint(join(work, "junk"), true)).rejects.toBeInstanceOf(UsageError);
    expect(await readFile(`${join(work, "junk")}.lock`, "utf8")).toBe("junk");
  });
});
