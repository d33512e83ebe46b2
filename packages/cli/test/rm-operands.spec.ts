/**
 * How `rm` (and `cat`, `presign`) treat their operands: a path ending in `/` names a directory and
 * never the object of that name without the slash; `rm a missing c` reports `missing` and still
 * deletes `c`, as rm(1) does; `rm --dry-run` names what it would delete so that the lines of two
 * operands can be told apart. In process, on fs, memory and the COS emulator.
 */
import { describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { exists, readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { keyLocation, useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const BUCKET = "rm-operands-1250000000";
const ws = useWorkspace();
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const run = inProcess(ws, { env: () => ({ STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, "/"), STOWAGE_PROFILE_BOX: "memory://rm-operands-box/" }) });
/** `path` (a key, may end in `/`) in the emulator's bucket, as a connection string. */
const cos = (path: string): string => keyLocation(emu.emulator, BUCKET, path);

describe("a trailing / names a directory", () => {
  it("rm obj/ where obj is a file fails with ObjectModeInvalid and deletes nothing, -f or not (fs)", async () => {
    await writeTree(ws.work, { "obj.txt": "data" });
    for (const argv of [["rm", "obj.txt/"], ["rm", "-f", "obj.txt/"], ["rm", "--dry-run", "obj.txt/"]]) {
      const r = await run(argv);
      expect([argv, r.code, r.stdout]).toEqual([argv, 10, ""]);
      expect(r.stderr).toContain("obj.txt/ ends in / (a directory), but obj.txt is an object, not a directory: it was left alone");
    }
    expect(await readTree(ws.work)).toMatchObject({ "obj.txt": "data" });
    // Nothing of either name: ObjectNotExist, which -f ignores; a real directory still wants -r.
    expect((await run(["rm", "nothing/"])).code).toBe(3);
    expect((await run(["rm", "-f", "nothing/"])).code).toBe(0);
    await writeTree(ws.work, { "adir/in.txt": "in" });
    const dir = await run(["rm", "adir/"]);
    expect([dir.code, dir.stderr]).toEqual([2, "stowage: adir/ is a directory: use rm -r\n"]);
    expect((await run(["rm", "obj.txt"])).code).toBe(0);
    expect(await exists(join(ws.work, "obj.txt"))).toBe(false);
  });

  it("rm obj/ on an object store keeps the object obj (COS emulator and memory)", async () => {
    expect((await run(["put", "-", cos("obj.bin")], "bytes")).code).toBe(0);
    expect((await run(["put", "-", "memory://rm-operands-m/obj.bin"], "bytes")).code).toBe(0);
    for (const operand of [cos("obj.bin/"), "memory://rm-operands-m/obj.bin/"]) {
      const r = await run(["rm", operand]);
      expect([operand, r.code]).toEqual([operand, 10]);
      expect(r.stderr).toContain("but obj.bin is an object, not a directory: it was left alone");
    }
    expect((await run(["cat", cos("obj.bin")])).stdout).toBe("bytes");
    expect((await run(["cat", "memory://rm-operands-m/obj.bin"])).stdout).toBe("bytes");
  });

  it("cat file/ prints nothing of the file: ObjectModeInvalid; cat of a missing dir/ is ObjectNotExist", async () => {
    await writeTree(ws.work, { "c.txt": "hello" });
    const fs = await run(["cat", "c.txt/"]);
    expect([fs.code, fs.stdout]).toEqual([10, ""]);
    expect(fs.stderr).toContain("c.txt/ ends in / (a directory), but c.txt is an object");
    const store = await run(["cat", cos("obj.bin/")]);
    expect([store.code, store.stdout]).toEqual([10, ""]);
    expect((await run(["cat", "no-such/"])).code).toBe(3);
    expect((await run(["cat", "c.txt"])).stdout).toBe("hello");
  });

  it("ls file/ lists nothing of the file: ObjectModeInvalid (ls(1): not a directory); ls file lists it", async () => {
    await writeTree(ws.work, { "l.txt": "hello" });
    const fs = await run(["ls", "l.txt/"]);
    expect([fs.code, fs.stdout]).toEqual([10, ""]);
    expect(fs.stderr).toContain("l.txt/ ends in / (a directory), but l.txt is an object");
    const store = await run(["ls", cos("obj.bin/")]);
    expect([store.code, store.stdout]).toEqual([10, ""]);
    expect((await run(["ls", "no-such-dir/"])).code).toBe(3);
    expect((await run(["ls", "l.txt"])).stdout).toBe("l.txt\n");
  });

  it("x/. names a directory as x/ does (review-fixes16 L3): rm, cat and ls of file/. act on nothing", async () => {
    await writeTree(ws.work, { "dot.txt": "kept" });
    for (const argv of [["rm", "dot.txt/."], ["rm", "-f", "dot.txt/."], ["cat", "dot.txt/."], ["ls", "dot.txt/."]]) {
      const r = await run(argv);
      expect([argv, r.code, r.stdout]).toEqual([argv, 10, ""]);
    }
    expect((await run(["cat", "dot.txt"])).stdout).toBe("kept");
  });

  it("presign d/ is refused as a directory (exit 2) and signs nothing; presign d signs d", async () => {
    const r = await run(["presign", cos("obj.bin/")]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain("ends in / (a directory): presign signs one object");
    const write = await run(["presign", "--method", "write", "emu:new/"]);
    expect([write.code, write.stdout]).toEqual([2, ""]);
    const ok = await run(["presign", cos("obj.bin")]);
    expect(ok.code).toBe(0);
    expect(new URL(ok.stdout.trim()).pathname).toMatch(/\/obj\.bin$/);
  });
});

describe("rm with several operands", () => {
  it("rm a missing c: reports missing, still deletes c, exits with the first failure's code", async () => {
    await writeTree(ws.work, { "o1.txt": "1", "o3.txt": "3" });
    const r = await run(["rm", "o1.txt", "missing.txt", "o3.txt"]);
    expect(r.code).toBe(3);
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      "rm: deleted o1.txt",
      'stowage: ObjectNotExist: missing.txt does not exist (op=rm, service=fs, path="missing.txt")',
      "rm: deleted o3.txt",
    ]);
    expect([await exists(join(ws.work, "o1.txt")), await exists(join(ws.work, "o3.txt"))]).toEqual([false, false]);
  });

  it("goes on after a directory without -r and after an operand ending in / that names an object", async () => {
    await writeTree(ws.work, { "d1/x.txt": "x", "f.txt": "f", "g.txt": "g" });
    const r = await run(["rm", "d1", "f.txt/", "g.txt"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("stowage: d1 is a directory: use rm -r\n");
    expect(r.stderr).toContain("ObjectModeInvalid: f.txt/ ends in /");
    expect(r.stderr).toContain("rm: deleted g.txt\n");
    expect(await readTree(ws.work)).toMatchObject({ "d1/x.txt": "x", "f.txt": "f" });
    expect(await exists(join(ws.work, "g.txt"))).toBe(false);
  });

  it("rm -r goes on with the next tree after a missing one", async () => {
    await writeTree(ws.work, { "t2/a.txt": "a" });
    const r = await run(["rm", "-r", "--yes", "t1-missing/", "t2/"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("t1-missing/ does not exist");
    expect(r.stderr).toContain("rm: deleted 1 object (1 B)");
    expect(await exists(join(ws.work, "t2"))).toBe(false);
  });
});

describe("rm --dry-run names paths that can be told apart", () => {
  it("each line is the operand plus the path below it (local paths, profiles), or a connection string", async () => {
    await writeTree(ws.work, { "x1/f": "1", "x2/f": "2", "d/sub/two": "2" });
    const trees = await run(["rm", "-r", "--dry-run", "x1/", "x2"]);
    expect([trees.code, trees.stdout]).toEqual([0, "would delete x1/f\nwould delete x2/f\n"]);
    const one = await run(["rm", "--dry-run", "d/sub/two", "./x1/f"]);
    expect([one.code, one.stdout]).toEqual([0, "would delete d/sub/two\nwould delete ./x1/f\n"]);
    for (const key of ["t/a.txt", "t/sub/b.txt"]) expect((await run(["put", "-", `box:${key}`], "x")).code).toBe(0);
    const profile = await run(["rm", "-r", "--dry-run", "box:t/", "box:t/a.txt"]);
    expect([profile.code, profile.stdout]).toEqual([0, "would delete box:t/a.txt\nwould delete box:t/sub/b.txt\nwould delete box:t/a.txt\n"]);
    const memory = await run(["rm", "-r", "--dry-run", "memory://rm-operands-box/t/"]);
    expect([memory.code, memory.stdout]).toEqual([0, "would delete memory://rm-operands-box/t/a.txt\nwould delete memory://rm-operands-box/t/sub/b.txt\n"]);
    const store = await run(["rm", "--dry-run", cos("obj.bin")]);
    expect([store.code, store.stdout]).toEqual([0, `would delete cos://${BUCKET}/obj.bin\n`]);
    expect(await readTree(join(ws.work, "x1"))).toEqual({ f: "1" });
  });
});
