/**
 * A checkpoint's tables are looked up by object path: a path named like an inherited member of a
 * plain object (`constructor`, `toString`, `__proto__`...) finds its own entry or none (review-names
 * H1: an "upload" inherited from Object.prototype, with no id, had the destination's object deleted
 * as a plain object before anything was copied; a large object failed with a TypeError; a finished
 * `__proto__` was never remembered). What a file holds is taken entry by entry, well-formed ones only.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { Checkpoint } from "../src/transfer/checkpoint.js";
import { removeDir, tempDir, writeTree } from "./helpers.js";
import { readCheckpoint } from "./checkpoint-reader.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";
import { keyLocation, useEmulator } from "./emulators.js";

const META = { command: "cp", source: "memory://src/", destination: "fs:///dst/" };
const NAMES = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"];
const SOURCE = { size: 3, etag: "e" };
const BUCKET = "odd-names-1250000000";

let work: string;
beforeEach(async () => {
  work = await tempDir();
});
afterEach(async () => {
  await removeDir(work);
});

describe("checkpoint tables", () => {
  it("find nothing for a path named like an inherited member, and keep what is recorded under it", async () => {
    const path = join(work, "cp.json");
    const fresh = await Checkpoint.open(path, META);
    for (const name of NAMES) {
      expect(fresh.staleUpload(name)).toBeUndefined();
      expect(fresh.upload(name, SOURCE)).toBeUndefined();
      expect(fresh.isDone(name, SOURCE, { path: name, mode: "file", size: 3 })).toBe(false);
    }
    for (const name of NAMES) fresh.markDone(name, SOURCE, { size: 3, etag: "d" });
    await fresh.startUpload("big/__proto__", { multipartId: "u1", partSize: 8, source: SOURCE, bytesDone: 0 });
    await fresh.flush();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["size"]).toBeUndefined();
    const again = await Checkpoint.open(path, META);
    for (const name of NAMES) expect(again.isDone(name, SOURCE, { path: name, mode: "file", size: 3, etag: "d" })).toBe(true);
    expect(again.staleUpload("big/__proto__")?.multipartId).toBe("u1");
    expect(Object.keys((await readCheckpoint(path)).done)).toContain("__proto__");
  });

  it("take well-formed entries only from the file: an upload without an id is forgotten, never used", async () => {
    const path = join(work, "cp.json");
    const upload = { multipartId: "u1", partSize: 8, source: SOURCE, bytesDone: 0 };
    const data = {
      version: 1,
      ...META,
      updated: new Date().toISOString(),
      uploads: { ok: upload, noId: { ...upload, multipartId: undefined }, empty: { ...upload, multipartId: "" }, notObject: 5, badSize: { ...upload, partSize: -1 } },
      done: {
        fine: { ...SOURCE, destination: { size: 3, etag: "d" } },
        broken: "x",
        nullDestination: { ...SOURCE, destination: null },
        numberEtag: { ...SOURCE, destination: { size: 3, etag: 5 } },
        noSize: { etag: "e", destination: { size: 3, etag: "d" } },
      },
    };
    await writeFile(path, JSON.stringify(data));
    const loaded = await Checkpoint.open(path, META);
    expect(loaded.staleUpload("ok")?.multipartId).toBe("u1");
    for (const key of ["noId", "empty", "notObject", "badSize"]) expect(loaded.staleUpload(key)).toBeUndefined();
    expect(loaded.isDone("fine", SOURCE, { path: "fine", mode: "file", size: 3, etag: "d" })).toBe(true);
    for (const key of ["broken", "nullDestination", "numberEtag", "noSize"]) expect(loaded.isDone(key, SOURCE, { path: key, mode: "file", size: 3, etag: "d" })).toBe(false);
  });
});

describe("cp -r with a checkpoint, of objects named like inherited members, onto COS", () => {
  const ws = useWorkspace({ stateDir: true });
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
  const run = inProcess(ws);

  it("copies them, large ones in parts (recorded uploads) too; the destination's object of such a name is replaced, never deleted first", async () => {
    // At the top of the tree, where a path is the table's key as it is; large, so each is an upload.
    const files = Object.fromEntries(NAMES.flatMap((n) => [[n, `${n}.`.padEnd(2048, "x")], [`small/${n}`, `small ${n}`]]));
    await writeTree(join(ws.work, "s"), files);
    const dst = newStorager(keyLocation(emu.emulator, BUCKET, "d/"));
    await dst.write("constructor", "old");
    await dst.write("keep", "kept");
    emu.emulator.resetStats();
    const r = await run(["cp", "-r", "--large-threshold", "1KiB", join(ws.work, "s") + "/", keyLocation(emu.emulator, BUCKET, "d/")]);
    expect(r.stderr).toContain("cp: copied 10 objects");
    expect(r.code).toBe(0);
    // Nothing deleted: no "upload" found for `constructor` and aborted as a plain delete of the object.
    expect(emu.emulator.stats().byOperation["DeleteObject"]).toBeUndefined();
    for (const [key, body] of Object.entries(files)) expect((await dst.read(key)).toString()).toBe(body);
    expect((await dst.read("keep")).toString()).toBe("kept");
  });
});
