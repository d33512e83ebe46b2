/**
 * Copies between two local (fs) directories go through one storager opened at the directories'
 * common parent, each copy or move confined by the fs driver to each side's own directory
 * (`sourceWithin` / `destinationWithin`); what it refuses streams, each side confined by its own storager.
 * A directory symlink inside the destination is then never written through (neither into the
 * source nor into a third tree; `mv -r` loses nothing), a local source edited during its copy is
 * caught (Conflict, the copy deleted), and directories reached through symlinks copy as any other.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { mkdir, readFile, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager, type Storager } from "@stowage/core";
import { exists, readTree, removeDir, tempDir, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
/** A tree outside `ws.work`: symlinks inside `ws.work` lead here. */
let outside: string;
const cli = inProcess(ws);
const stats = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop()!) as { objects: { copied: number; failed: number }; bytes: { sent: number; serverSide: number } };

beforeAll(async () => {
  outside = await tempDir();
});

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(async () => {
  await removeDir(outside);
});

describe("a symlinked directory inside the destination is never written through", () => {
  it.each([["sync"], ["cp -r"]])("%s: nothing outside the destination changes", async (typed) => {
    const command = typed.split(" ");
    const base = join(ws.work, `esc-${command.join("")}`);
    const victim = join(outside, `victim-${command.join("")}`);
    await writeTree(join(base, "a/src"), { "top.txt": "SOURCE-TOP", "inner/top.txt": "from-inner", "other/v.txt": "from-other" });
    await writeTree(victim, { "v.txt": "VICTIM" });
    await mkdir(join(base, "b/dst"), { recursive: true });
    await symlink(join(base, "a/src"), join(base, "b/dst/inner"), "dir");
    await symlink(victim, join(base, "b/dst/other"), "dir");

    const r = await cli([...command, "--stats-json", join(base, "a/src/"), join(base, "b/dst/")]);
    // Refused when planned (the destination lists `inner` and `other` as links: link-parents.ts),
    // before the fs driver's confinement to the destination directory would refuse the write.
    expect(r.code).toBe(10);
    expect(r.stderr).toContain(`${command[0]} inner/top.txt: ObjectModeInvalid: ${join(base, "b/dst/inner")} is a symbolic link`);
    expect(r.stderr).toContain(`${command[0]} other/v.txt: ObjectModeInvalid: ${join(base, "b/dst/other")} is a symbolic link`);
    expect(await readTree(join(base, "a/src"))).toEqual({ "top.txt": "SOURCE-TOP", "inner/top.txt": "from-inner", "other/v.txt": "from-other" });
    expect(await readTree(victim)).toEqual({ "v.txt": "VICTIM" });
    // top.txt, inside both directories, is copied by the file system.
    expect(stats(r.stdout)).toMatchObject({ objects: { copied: 1, failed: 2 }, bytes: { sent: 0, serverSide: 10 } });
    expect(await readFile(join(base, "b/dst/top.txt"), "utf8")).toBe("SOURCE-TOP");
  });

  it("mv -r with dst/inner -> src: every source file is kept (moved, or left in place)", async () => {
    const base = join(ws.work, "mvloss");
    const files: Record<string, string> = {};
    for (let i = 1; i <= 40; i++) {
      files[`z${i}`] = `top-${i}`;
      files[`inner/z${i}`] = `inner-${i}`;
    }
    await writeTree(join(base, "src"), files);
    await mkdir(join(base, "dst"), { recursive: true });
    await symlink(join(base, "src"), join(base, "dst/inner"), "dir");

    const r = await cli(["mv", "-r", join(base, "src/"), join(base, "dst/")]);
    expect(r.code).toBe(10);
    // The 40 top files moved; the 40 inner ones, refused at the destination, stay where they were.
    const left = await readTree(join(base, "src"));
    const moved = Object.fromEntries(Object.entries(files).filter(([k]) => !k.startsWith("inner/")));
    const kept = Object.fromEntries(Object.entries(files).filter(([k]) => k.startsWith("inner/")));
    expect(left).toEqual(kept);
    for (const [name, content] of Object.entries(moved)) expect([name, await readFile(join(base, "dst", name), "utf8")]).toEqual([name, content]);
  });
});

describe("a local source edited during its copy to another local directory", () => {
  it("is reported as Conflict and its copy deleted, so the next run copies it again", async () => {
    const base = join(ws.work, "mixed");
    await writeTree(join(base, "src"), { "f.txt": "version-1", "g.txt": "steady" });
    const file = join(base, "src/f.txt");
    // The edit lands between the listing (the plan) and the read (the copy): same size, a later time.
    const proto = Object.getPrototypeOf(newStorager("memory://local-to-local-probe/")) as Storager;
    const list = proto.list;
    jest.spyOn(proto, "list").mockImplementation(async function* (this: Storager, ...args: Parameters<Storager["list"]>) {
      yield* list.apply(this, args);
      if (this.info.service === "fs" && this.info.workDir.replace(/\/+$/, "").endsWith("/mixed/src")) {
        await writeFile(file, "version-2");
        const later = new Date((await stat(file)).mtimeMs + 10_000);
        await utimes(file, later, later);
      }
    });

    const r = await cli(["sync", join(base, "src/"), join(base, "dst/")]);
    expect(r.code).toBe(12);
    expect(r.stderr).toContain("f.txt");
    expect(r.stderr).toContain("Conflict");
    expect(await readTree(join(base, "dst"))).toEqual({ "g.txt": "steady" });
    jest.restoreAllMocks();

    const again = await cli(["sync", join(base, "src/"), join(base, "dst/")]);
    expect(again.code).toBe(0);
    expect(await readTree(join(base, "dst"))).toEqual({ "f.txt": "version-2", "g.txt": "steady" });
  });
});

describe("local directories reached through symlinks", () => {
  it("copy, sync and move like any other (each side read and written in its own directory)", async () => {
    const base = join(ws.work, "linked");
    const ext = join(outside, "ext");
    const extDst = join(outside, "ext-dst");
    await writeTree(ext, { "a.txt": "alpha", "sub/b.txt": "beta" });
    await mkdir(extDst, { recursive: true });
    await mkdir(base, { recursive: true });
    await symlink(ext, join(base, "srclink"), "dir");
    await symlink(extDst, join(base, "dstlink"), "dir");

    const one = await cli(["cp", join(base, "srclink/a.txt"), join(base, "a-copy.txt")]);
    expect([one.code, one.stderr]).toEqual([0, expect.stringContaining("cp: copied 1 object")]);
    expect(await readFile(join(base, "a-copy.txt"), "utf8")).toBe("alpha");

    const tree = await cli(["sync", "--stats-json", join(base, "srclink/"), join(base, "d/")]);
    expect(tree.code).toBe(0);
    expect(stats(tree.stdout)).toMatchObject({ objects: { copied: 2, failed: 0 }, bytes: { sent: 9, serverSide: 0 } });
    expect(await readTree(join(base, "d"))).toEqual({ "a.txt": "alpha", "sub/b.txt": "beta" });

    const into = await cli(["sync", join(base, "d/"), join(base, "dstlink/")]);
    expect(into.code).toBe(0);
    expect(await readTree(extDst)).toEqual({ "a.txt": "alpha", "sub/b.txt": "beta" });

    const mv = await cli(["mv", join(base, "srclink/a.txt"), join(base, "moved.txt")]);
    expect(mv.code).toBe(0);
    expect([await exists(join(ext, "a.txt")), await readFile(join(base, "moved.txt"), "utf8")]).toEqual([false, "alpha"]);
  });
});
