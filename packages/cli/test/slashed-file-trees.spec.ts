/**
 * A tree command (`cp -r`, `mv -r`, `sync`, `verify`, `du`, `rm -r`) given `x/` where `x` is an
 * object: a path that ends in `/` names a directory, and there is none, but there is an object of
 * that name without the slash. The command says so (ObjectModeInvalid, exit 10), as `ls -r x/`
 * does, rather than "x/ does not exist", and changes nothing; `nothing/` is still ObjectNotExist
 * (exit 3), which `rm -rf` ignores. In process, on fs and on memory.
 */
import { describe, expect, it } from "@jest/globals";
import { readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);

/** Every tree command on `src` (its destination `dst`, where it has one). */
const commands = (src: string, dst: string): string[][] => [
  ["ls", "-r", src],
  ["cp", "-r", src, dst],
  ["mv", "-r", src, dst],
  ["sync", src, dst],
  ["sync", "--delete", src, dst],
  ["verify", src, dst],
  ["du", src],
  ["rm", "-r", "--yes", src],
  ["rm", "-rf", "--yes", src],
];

describe("a tree command on file/ (an object spelled as a directory)", () => {
  it("fs: says the file is an object, not a directory (exit 10, as ls -r), and changes nothing", async () => {
    await writeTree(ws.work, { "afile.txt": "data", "dst/kept.txt": "kept" });
    for (const argv of commands("afile.txt/", "dst/")) {
      const r = await run(argv);
      expect([argv, r.code, r.stdout]).toEqual([argv, 10, ""]);
      expect([argv, r.stderr]).toEqual([argv, expect.stringContaining("afile.txt/ ends in / (a directory), but afile.txt is an object, not a directory")]);
      expect(r.stderr).not.toContain("does not exist");
    }
    expect(await readTree(ws.work)).toEqual({ "afile.txt": "data", "dst/kept.txt": "kept" });
  });

  it("memory: the same for an object of an object store", async () => {
    expect((await run(["put", "-", "memory://slashed-trees/obj.bin"], "bytes")).code).toBe(0);
    for (const argv of commands("memory://slashed-trees/obj.bin/", "memory://slashed-trees/dst/")) {
      const r = await run(argv);
      expect([argv, r.code]).toEqual([argv, 10]);
      expect([argv, r.stderr]).toEqual([argv, expect.stringContaining("but obj.bin is an object, not a directory")]);
    }
    expect((await run(["cat", "memory://slashed-trees/obj.bin"])).stdout).toBe("bytes");
  });

  it("nothing/ (no object either) is still ObjectNotExist, exit 3; rm -rf of it succeeds", async () => {
    await writeTree(ws.work, { "dst/kept.txt": "kept" });
    const before = await readTree(ws.work);
    for (const argv of commands("nothing/", "dst/")) {
      const r = await run(argv);
      const expected = argv.includes("-rf") ? 0 : 3;
      expect([argv, r.code]).toEqual([argv, expected]);
      if (expected === 3) expect([argv, r.stderr]).toEqual([argv, expect.stringContaining("nothing/ does not exist")]);
    }
    expect(await readTree(ws.work)).toEqual(before);
  });
});
