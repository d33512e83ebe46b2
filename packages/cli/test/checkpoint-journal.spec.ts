/**
 * The checkpoint is a journal of JSON lines (review-bigtree M3): each save appends the changes since
 * the last one instead of serialising the whole state (~178 B per finished object: at 1M objects
 * each save stalled the run ~1.8 s, and past ~3M the state could not be serialised at all, so the
 * checkpoint was lost). The first save of a run, and one that finds the journal past twice the live
 * state, rewrite it whole (compacted). Version-1 files (one JSON text) are still read.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { appendFile, open, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../src/index.js";
import { Checkpoint, type SourceId } from "../src/transfer/checkpoint.js";
import { findCheckpoint, findCheckpointAgain } from "../src/transfer/found-checkpoint.js";
import { readCheckpoint } from "./checkpoint-reader.js";
import { removeDir, tempDir } from "./helpers.js";

const META = { command: "cp", source: "fs:///src/", destination: "memory://dst/" };
const SOURCE: SourceId = { size: 10, etag: "e" };
const DST = { size: 10, etag: '"d"' };
const AT_DST = { path: "x", mode: "file" as const, size: 10, etag: '"d"' };

let work: string;
beforeEach(async () => {
  work = await tempDir();
});
afterEach(async () => {
  await removeDir(work);
});

/** The file's lines (the last one, after the final "\n", left out). */
async function linesOf(path: string): Promise<string[]> {
  return (await readFile(path, "utf8")).split("\n").slice(0, -1);
}

/** A journal of `a` then `b` finished, each in a save of its own (a rewrite, then an append). */
async function twoSaves(): Promise<string> {
  const path = join(work, "run.json");
  const first = await Checkpoint.open(path, META);
  first.markDone("a", SOURCE, DST);
  await first.flush();
  first.markDone("b", SOURCE, DST);
  await first.flush();
  return path;
}

describe("checkpoint journal", () => {
  it("round trip: changes appended over several saves are read back, keys of any spelling included", async () => {
    const path = join(work, "run.json");
    const odd = ["__proto__", "constructor", "toString", 'a "quoted"\\name', "line\nbreak\r\nand\rreturn", "unicode/日本語/é/😀", "sep\u2028\u2029", "lone\ud800surrogate", ""];
    const first = await Checkpoint.open(path, META);
    for (const key of odd) first.markDone(key, SOURCE, DST);
    await first.flush();
    for (const [i, key] of odd.entries()) await first.startUpload(`big/${key}`, { multipartId: `id-${i}`, partSize: 5, source: { size: 20 }, bytesDone: 0 });
    for (const key of odd) first.progress(`big/${key}`, 10);
    await first.flush();
    first.endUpload(`big/${odd[0]!}`);
    first.dropUpload(`big/${odd[1]!}`);
    first.markDone(`big/${odd[2]!}`, { size: 20 }, { size: 20, crc64: "1" });
    await first.flush();
    // Nothing but the file: no temp file left.
    expect(await readdir(work)).toEqual(["run.json"]);
    const lines = await linesOf(path);
    expect(JSON.parse(lines[0]!)).toMatchObject({ version: 2, ...META });
    // Appended, not rewritten: one line per change after the first save's.
    expect(lines.slice(1 + odd.length).map((l) => Object.keys(JSON.parse(l) as object)[0])).toEqual([
      ...odd.map(() => "start"),
      ...odd.map(() => "progress"),
      "done",
      "end",
      "drop",
    ]);

    const again = await Checkpoint.open(path, META);
    expect(again.resumed).toBe(true);
    for (const key of odd) expect([key, again.isDone(key, SOURCE, AT_DST)]).toEqual([key, true]);
    expect(again.endedUpload(`big/${odd[0]!}`, { size: 20 })).toBe(true);
    expect(again.staleUpload(`big/${odd[1]!}`)).toBeUndefined();
    expect(again.isDone(`big/${odd[2]!}`, { size: 20 }, { ...AT_DST, size: 20, etag: undefined, crc64: "1" })).toBe(true);
    expect(again.staleUpload(`big/${odd[2]!}`)).toBeUndefined();
    for (const [i, key] of odd.entries()) {
      if (i < 3) continue;
      expect(again.upload(`big/${key}`, { size: 20 })).toEqual({ multipartId: `id-${i}`, partSize: 5, source: { size: 20 }, bytesDone: 10, writes: "" });
    }
    // No inherited member answers for a key: an unknown key finds nothing.
    expect(again.staleUpload("hasOwnProperty")).toBeUndefined();
    const read = await readCheckpoint(path);
    expect(Object.keys(read.done).sort()).toEqual([...odd, `big/${odd[2]!}`].sort());
    expect(Object.keys(read.uploads)).toHaveLength(odd.length - 2);
  });

  it("a last line cut short (a crash in the middle of an append) is left out; the rest is resumed", async () => {
    const path = await twoSaves();
    await appendFile(path, '{"done":"c","object":{"size":10,"etag":"e","destinat');
    for (const named of [false, true]) {
      const again = await Checkpoint.open(path, META, named);
      expect([again.resumed, again.unreadable]).toEqual([true, undefined]);
      expect(["a", "b", "c"].map((k) => again.isDone(k, SOURCE, AT_DST))).toEqual([true, true, false]);
    }
    // The next run's first save rewrites the file whole: the cut line is gone.
    const next = await Checkpoint.open(path, META);
    next.markDone("d", SOURCE, DST);
    await next.flush();
    expect((await readFile(path, "utf8")).endsWith("\n")).toBe(true);
    expect(Object.keys((await readCheckpoint(path)).done).sort()).toEqual(["a", "b", "d"]);
  });

  it("a malformed line in the middle: a named --checkpoint is refused, the default one is started over and said so", async () => {
    const path = await twoSaves();
    const lines = await linesOf(path);
    const damaged = [lines[0], lines[1]!.slice(0, 10), lines[2], ""].join("\n");
    await writeFile(path, damaged);
    await expect(Checkpoint.open(path, META, true)).rejects.toThrow(
      new UsageError(
        `cp: --checkpoint ${path} is not a stowage checkpoint (version 2, but line 2 is no change of a checkpoint): refused, the file is left as it is and nothing was transferred; name another file, or remove this one`,
      ),
    );
    expect(await readFile(path, "utf8")).toBe(damaged);
    const fresh = await Checkpoint.open(path, META);
    expect([fresh.resumed, fresh.empty, fresh.unreadable]).toEqual([false, true, "version 2, but line 2 is no change of a checkpoint"]);
  });

  it("is compacted once it holds more than twice the live state's lines (plus 10,000), and keeps the state", async () => {
    const path = join(work, "run.json");
    const checkpoint = await Checkpoint.open(path, META);
    await checkpoint.startUpload("big", { multipartId: "id", partSize: 1, source: { size: 1_000_000 }, bytesDone: 0 });
    let most = 0;
    // 10 objects done over and over, and an upload's progress: the live state stays 11 entries.
    for (let i = 1; i <= 3_000; i++) {
      for (let k = 0; k < 10; k++) checkpoint.markDone(`k${k}`, { size: i }, { size: i, etag: `"${i}"` });
      checkpoint.progress("big", i);
      await checkpoint.flush();
      if (i % 25 === 0) most = Math.max(most, (await linesOf(path)).length);
    }
    // 33,000 changes written: without compaction the file would hold them all.
    expect(most).toBeLessThanOrEqual(2 * 11 + 10_000 + 1 + 11);
    expect(await readdir(work)).toEqual(["run.json"]);
    const again = await Checkpoint.open(path, META);
    for (let k = 0; k < 10; k++) expect(again.isDone(`k${k}`, { size: 3_000 }, { ...AT_DST, size: 3_000, etag: '"3000"' })).toBe(true);
    expect(again.upload("big", { size: 1_000_000 })?.bytesDone).toBe(3_000);
  });

  it("a version-1 file (an earlier stowage's) is resumed, and rewritten as version 2 by the first save", async () => {
    const path = join(work, "old.json");
    const v1 = {
      version: 1,
      ...META,
      updated: "2025-01-01T00:00:00.000Z",
      uploads: { big: { multipartId: "u1", partSize: 5, source: { size: 20 }, bytesDone: 5 } },
      done: { a: { ...SOURCE, destination: DST } },
    };
    // JSON.stringify writes `__proto__` as a key of its own only when it is one: defined so.
    Object.defineProperty(v1.done, "__proto__", { value: { ...SOURCE, destination: DST }, enumerable: true });
    await writeFile(path, JSON.stringify(v1, null, 2));
    const checkpoint = await Checkpoint.open(path, META);
    expect(checkpoint.resumed).toBe(true);
    expect(checkpoint.isDone("a", SOURCE, AT_DST)).toBe(true);
    expect(checkpoint.isDone("__proto__", SOURCE, AT_DST)).toBe(true);
    expect(checkpoint.upload("big", { size: 20 })?.multipartId).toBe("u1");
    checkpoint.markDone("b", SOURCE, DST);
    await checkpoint.flush();
    expect(JSON.parse((await linesOf(path))[0]!)).toMatchObject({ version: 2, ...META });
    const read = await readCheckpoint(path);
    expect(Object.keys(read.done).sort()).toEqual(["__proto__", "a", "b"]);
    // Rewritten with the digest of the flags it was started under: its file's (none here).
    expect(read.uploads["big"]).toEqual({ ...v1.uploads.big, writes: "" });
  });

  it("200k objects done in saves of 1,000: each save appends what changed, to the same file", async () => {
    const path = join(work, "run.json");
    const checkpoint = await Checkpoint.open(path, META);
    checkpoint.markDone("first", SOURCE, DST);
    await checkpoint.flush();
    // A handle on the file the first save wrote: an append grows it, a rewrite would replace it.
    const handle = await open(path, "r");
    try {
      let size = (await handle.stat()).size;
      const line = Buffer.byteLength(JSON.stringify({ done: "small/000000", object: { ...SOURCE, destination: DST } })) + 1;
      for (let save = 0; save < 200; save++) {
        for (let i = 0; i < 1_000; i++) checkpoint.markDone(`small/${String(save * 1_000 + i).padStart(6, "0")}`, SOURCE, DST);
        await checkpoint.flush();
        const now = (await handle.stat()).size;
        expect([save, now - size]).toEqual([save, 1_000 * line]);
        expect((await stat(path)).size).toBe(now);
        size = now;
      }
    } finally {
      await handle.close();
    }
    const again = await Checkpoint.open(path, META);
    expect(again.isDone("small/199999", SOURCE, AT_DST)).toBe(true);
    expect(again.isDone("first", SOURCE, AT_DST)).toBe(true);
  });

  it("never appends through a symbolic link planted at the path: the next save puts a file there", async () => {
    const path = join(work, "run.json");
    const checkpoint = await Checkpoint.open(path, META);
    checkpoint.markDone("a", SOURCE, DST);
    await checkpoint.flush();
    const victim = join(work, "victim.txt");
    await writeFile(victim, "the user's data\n");
    await removeDir(path);
    await symlink(victim, path);
    checkpoint.markDone("b", SOURCE, DST);
    await checkpoint.flush();
    expect(await readFile(victim, "utf8")).toBe("the user's data\n");
    expect(Object.keys((await readCheckpoint(path)).done).sort()).toEqual(["a", "b"]);
    expect(checkpoint.lost).toBeUndefined();
  });

  /**
   * Records 50,000 finished objects, starts the upload of `big` (its save is the run's first: a
   * rewrite of ~7 MB in 64 KiB writes), and, while that rewrite still runs, finishes `big` with
   * `destination`. Resolves once the rewrite has ended, with the state the file holds then.
   */
  async function finishedDuringRewrite(cp: Checkpoint, destination: { size: number; etag?: string; crc64?: string }): Promise<Awaited<ReturnType<typeof readCheckpoint>>> {
    for (let i = 0; i < 50_000; i++) cp.markDone(`small/${i}`, SOURCE, DST);
    let rewritten = false;
    const first = cp.startUpload("big", { multipartId: "id-big", partSize: 5, source: { size: 20 }, bytesDone: 0 }).then(() => {
      rewritten = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(rewritten).toBe(false);
    cp.markDone("big", { size: 20 }, destination);
    await first;
    return readCheckpoint(cp.path);
  }

  it("an object finished while a rewrite runs is not written by that rewrite: its upload stays live until the next save's done line", async () => {
    // A rewrite writes the objects finished at its start, then the uploads; one finished during it
    // (its done line would come before its upload's start line, leaving a finished object's upload
    // live in the file) is left to the next save, appended after the rewrite.
    const cp = await Checkpoint.open(join(work, "race.json"), META);
    const after = await finishedDuringRewrite(cp, { size: 20, crc64: "1" });
    expect(Object.keys(after.uploads)).toEqual(["big"]);
    expect(after.done["big"]).toBeUndefined();
    expect(Object.keys(after.done)).toHaveLength(50_000);
    await cp.flush();
    const next = await readCheckpoint(cp.path);
    expect(Object.keys(next.uploads)).toEqual([]);
    expect(next.done["big"]).toMatchObject({ size: 20 });
    await cp.remove();
  });

  it("an object an earlier run finished, uploaded again and finished anew while a rewrite runs: the rewrite writes its old done record beside its upload (review-journal LOW-1)", async () => {
    const cp = await Checkpoint.open(join(work, "redone.json"), META);
    cp.markDone("big", { size: 20 }, { size: 20, etag: "old" });
    const after = await finishedDuringRewrite(cp, { size: 20, etag: "new" });
    // As at the rewrite's start: the old record and the upload (never the new record beside it).
    expect(Object.keys(after.uploads)).toEqual(["big"]);
    expect(after.done["big"]?.destination?.etag).toBe("old");
    await cp.flush();
    const next = await readCheckpoint(cp.path);
    expect(Object.keys(next.uploads)).toEqual([]);
    expect(next.done["big"]?.destination?.etag).toBe("new");
    await cp.remove();
  });

  it("a checkpoint checked before its lock is not read again under it while the file is unchanged; a changed one is", async () => {
    const path = join(work, "named.json");
    const cp = await Checkpoint.open(path, META);
    cp.markDone("a", SOURCE, DST);
    await cp.flush();
    const earlier = await findCheckpoint(path);
    expect(earlier.kind).toBe("checkpoint");
    // The very result: the journal was not read again.
    expect(await findCheckpointAgain(path, earlier)).toBe(earlier);
    cp.markDone("b", SOURCE, DST);
    await cp.flush();
    const again = await findCheckpointAgain(path, earlier);
    expect(again).not.toBe(earlier);
    expect(again.kind === "checkpoint" && [...again.data.done.keys()]).toEqual(["a", "b"]);
    await cp.remove();
    expect(await findCheckpointAgain(path, earlier)).toEqual({ kind: "none" });
  });
});
