/**
 * A local operand holding `..` names what the kernel reaches, as rm(1) and ls(1) see it: `p/g/..`
 * with `g` a file or a missing name names nothing (nothing deleted), and `p/link/..` is the parent
 * of where the link leads, not `p`. In process, on fs.
 */
import { describe, expect, it } from "@jest/globals";
import { symlink } from "node:fs/promises";
import { join, win32 } from "node:path";
import { resolveLocalPath } from "../src/local-path.js";
import { readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);

describe("a .. after a name that is not a directory", () => {
  it("rm -r p/g/.. with g a file deletes nothing and says g is not a directory", async () => {
    await writeTree(ws.work, { "p/g": "file", "p/keep.txt": "keep" });
    const r = await run(["rm", "-r", "--yes", "p/g/.."]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("is not a directory");
    expect(await readTree(join(ws.work, "p"))).toEqual({ g: "file", "keep.txt": "keep" });
  });

  it("rm -r p/missing/.. deletes nothing and exits as for a missing operand", async () => {
    await writeTree(ws.work, { "q/keep.txt": "keep" });
    const r = await run(["rm", "-r", "--yes", "q/missing/.."]);
    expect([r.code, r.stdout]).toEqual([3, ""]);
    expect(r.stderr).toContain("does not exist");
    expect(await readTree(join(ws.work, "q"))).toEqual({ "keep.txt": "keep" });
  });

  it("cp into d/new/.. with new missing copies nothing", async () => {
    await writeTree(ws.work, { "src.txt": "s", "d/old.txt": "o" });
    const r = await run(["cp", "src.txt", "d/new/../copy.txt"]);
    expect(r.code).toBe(3);
    expect(await readTree(join(ws.work, "d"))).toEqual({ "old.txt": "o" });
  });
});

describe("a .. after a symbolic link to a directory", () => {
  it("ls and cat go to the parent of where the link leads, as the shell does; rm refuses a final ..", async () => {
    await writeTree(ws.work, { "far/dir/inner.txt": "i", "far/sibling.txt": "s", "near/keep.txt": "keep" });
    await symlink(join(ws.work, "far/dir"), join(ws.work, "near/link"));
    const ls = await run(["ls", "near/link/../"]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain("sibling.txt");
    expect(ls.stdout).not.toContain("keep.txt");
    const cat = await run(["cat", "near/link/../sibling.txt"]);
    expect([cat.code, cat.stdout]).toEqual([0, "s"]);
    // rm refuses an operand ending in `..`, as rm(1) does: nothing is deleted on either side.
    const rm = await run(["rm", "-r", "--yes", "--include", "sibling.txt", "near/link/.."]);
    expect([rm.code, rm.stdout]).toEqual([2, ""]);
    expect(rm.stderr).toContain("refused, as rm(1) refuses '..'");
    for (const operand of ["near/link/../", "near/link/../.", "near/link/.././"]) {
      const again = await run(["rm", "-r", "--yes", operand]);
      expect([operand, again.code, again.stdout]).toEqual([operand, 2, ""]);
    }
    expect(await readTree(join(ws.work, "far"))).toEqual({ "dir/inner.txt": "i", "sibling.txt": "s" });
    expect(await readTree(join(ws.work, "near"))).toMatchObject({ "keep.txt": "keep" });
  });

  it("a .. without links still resolves as before", async () => {
    await writeTree(ws.work, { "plain/a/x.txt": "x", "plain/b.txt": "b" });
    const r = await run(["cat", "plain/a/../b.txt"]);
    expect([r.code, r.stdout]).toEqual([0, "b"]);
  });
});

describe("Windows paths (path.win32 rules)", () => {
  it("the drive or share is the root, never a segment joined onto it", () => {
    const at = (arg: string): unknown => {
      try {
        return resolveLocalPath("C:\\work", arg, win32);
      } catch (e) {
        return (e as { path?: string }).path;
      }
    };
    // Nothing of these exists here: the name before the `..` is reported, as Windows would reach it.
    expect(at("C:\\data\\sub\\..\\x")).toBe("C:\\data\\sub");
    expect(at("\\\\server\\share\\dir\\..\\x")).toBe("\\\\server\\share\\dir");
    expect(at("rel\\..\\x")).toBe("C:\\work\\rel");
    expect(resolveLocalPath("C:\\work", "C:\\data\\x", win32)).toBe("C:\\data\\x");
  });
});
