/**
 * Operands that would delete far more than meant are refused before anything is listed or deleted:
 * an empty operand (an unset shell variable) never means the current directory, for any command;
 * `rm -r` refuses the file system's root, the home directory and (unfiltered) the current directory
 * and its parents; `sync --delete` refuses the root and the home directory as its destination.
 * The root is only ever given with --dry-run here, and every refusal is asserted to come before
 * any `would delete` line. In process, on fs and memory.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, symlink, unlink } from "node:fs/promises";
import { join, relative } from "node:path";
import { Locations, main, UsageError } from "../src/index.js";
import { exists, readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";

const ws = useWorkspace();
let home: string;
/** Runs in `cwd` (default: `work/here`, a directory holding precious.txt). */
const run = (argv: string[], cwd = join(ws.work, "here")) => main(argv, { env: ws.env, cwd });

beforeAll(async () => {
  home = join(ws.work, "home");
  await writeTree(ws.work, { "here/precious.txt": "keep", "here/sub/deep.txt": "keep", "home/dot.txt": "keep", "src/s.txt": "s" });
});

/** The files under work/here and work/home, which every refused command must leave alone. */
const kept = async (): Promise<Record<string, string>> => ({ ...(await readTree(join(ws.work, "here"))), ...(await readTree(home)) });
const KEPT = { "precious.txt": "keep", "sub/deep.txt": "keep", "dot.txt": "keep" };

describe("an empty operand", () => {
  it("rm -r --yes \"\" is a usage error naming the empty operand; the current directory is kept", async () => {
    const r = await run(["rm", "-r", "--yes", ""]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain('operand 1 of rm is empty ("")');
    expect(await kept()).toEqual(KEPT);
    expect(await exists(join(ws.work, "here"))).toBe(true);
  });

  it("among other operands it is refused before any of them is deleted", async () => {
    await writeTree(ws.work, { "here/first.txt": "1" });
    const r = await run(["rm", "first.txt", ""]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain('operand 2 of rm is empty ("")');
    expect(await exists(join(ws.work, "here/first.txt"))).toBe(true);
    expect((await run(["rm", "first.txt"])).code).toBe(0);
  });

  it("sync --delete src/ \"\" plans and deletes nothing in the current directory", async () => {
    for (const dry of [["--dry-run"], []]) {
      const r = await run(["sync", "--delete", ...dry, "../src/", ""]);
      expect([dry, r.code, r.stdout]).toEqual([dry, 2, ""]);
      expect(r.stderr).toContain('operand 2 of sync is empty ("")');
      expect(r.stderr).not.toContain("would delete");
    }
    expect(await kept()).toEqual(KEPT);
  });

  it("is refused by Locations.parse itself (the library entry), never resolved against the cwd", () => {
    const locations = new Locations({ cwd: join(ws.work, "here"), env: ws.env });
    expect(() => locations.parse("")).toThrow(UsageError);
    expect(() => locations.parse("")).toThrow('an empty location ("") names nothing');
  });

  it("is a usage error for every command that takes a location", async () => {
    const commands = [
      ["ls", ""],
      ["ls", "-r", ""],
      ["stat", ""],
      ["cat", ""],
      ["du", ""],
      ["get", "", "out.txt"],
      ["put", "precious.txt", ""],
      ["cp", "-r", "", "../copy/"],
      ["mv", "-r", "", "../moved/"],
      ["verify", "", "../src/"],
      ["mkdir", ""],
      ["uploads", ""],
      ["presign", ""],
      ["rm", ""],
      ["rm", "-r", "-f", "--yes", ""],
    ];
    for (const argv of commands) {
      const r = await run(argv);
      expect([argv, r.code, r.stdout, r.stderr]).toEqual([argv, 2, "", expect.stringContaining(`operand ${argv.indexOf("") - argv.filter((a) => a.startsWith("-")).length} of ${argv[0]} is empty ("")`)]);
    }
    expect(await kept()).toEqual(KEPT);
    expect(await exists(join(ws.work, "moved"))).toBe(false);
  });
});

describe("rm -r of a protected directory", () => {
  it("refuses the file system's root however it is written (dry runs only), before listing anything", async () => {
    const up = relative(join(ws.work, "here"), "/");
    for (const root of ["/", "//", "/..", `${up}`, `${up}/`, "fs:///"]) {
      const r = await run(["rm", "-r", "--dry-run", root]);
      expect([root, r.code, r.stdout]).toEqual([root, 2, ""]);
      expect(r.stderr).toContain("refused, it is the file system's root: nothing was listed or deleted");
      expect(r.stderr).not.toContain("would delete");
    }
  });

  it("refuses the root behind a link (with a trailing /), yet would remove such a link itself without one (dry runs only)", async () => {
    await symlink("/", join(ws.work, "here/to-root"));
    try {
      const through = await run(["rm", "-r", "--dry-run", "to-root/"]);
      expect([through.code, through.stdout]).toEqual([2, ""]);
      expect(through.stderr).toContain('rm -r "to-root/": refused, it is the file system\'s root (/)');
      const link = await run(["rm", "-r", "--dry-run", "to-root"]);
      expect([link.code, link.stdout]).toEqual([0, "would delete to-root\n"]);
    } finally {
      await unlink(join(ws.work, "here/to-root"));
    }
  });

  it("refuses the home directory, even filtered; nothing in it is deleted", async () => {
    for (const argv of [["rm", "-r", "--yes", home], ["rm", "-r", "--yes", "--include", "*.txt", `${home}/`], ["rm", "-r", "--yes", "../home"]]) {
      const r = await run(argv);
      expect([argv, r.code, r.stdout]).toEqual([argv, 2, ""]);
      expect(r.stderr).toContain("refused, it is the home directory: nothing was listed or deleted");
    }
    expect(await kept()).toEqual(KEPT);
  });

  it("refuses the current directory and its parents without a filter, as rm(1) refuses . and ..", async () => {
    const deep = join(ws.work, "here/sub");
    for (const [operand, reason] of [
      [".", "the current directory"],
      ["./", "the current directory"],
      [deep, "the current directory"],
      ["..", "a parent of the current directory"],
      ["../", "a parent of the current directory"],
      [ws.work, "a parent of the current directory"],
    ] as const) {
      const r = await run(["rm", "-r", "--yes", operand], deep);
      expect([operand, r.code, r.stdout]).toEqual([operand, 2, ""]);
      expect(r.stderr).toContain(`refused, it is ${reason}`);
    }
    expect(await kept()).toEqual(KEPT);
    // With a filter the directory itself stays: cleaning the current directory is allowed.
    const filtered = await run(["rm", "-r", "--dry-run", "--include", "*.txt", "."], deep);
    expect([filtered.code, filtered.stdout]).toEqual([0, "would delete ./deep.txt\n"]);
  });

  it("refuses every operand before deleting any (one protected operand among others)", async () => {
    await writeTree(ws.work, { "other/o.txt": "o" });
    // (The protected operand here is the test's own home directory, never the real root.)
    const r = await run(["rm", "-r", "--yes", "../other/", home]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain(`rm -r ${JSON.stringify(home)}: refused`);
    expect(await readTree(join(ws.work, "other"))).toEqual({ "o.txt": "o" });
    expect(await kept()).toEqual(KEPT);
  });

  it("leaves the root of a bucket or store alone: it is an ordinary (confirmed) target", async () => {
    expect((await run(["put", "precious.txt", "memory://protected-ops/a.txt"])).code).toBe(0);
    const r = await run(["rm", "-r", "--yes", "memory://protected-ops/"]);
    expect([r.code, r.stderr]).toEqual([0, "rm: deleted 1 object (4 B)\n"]);
  });
});

describe("sync --delete into a protected directory", () => {
  it("refuses the file system's root as the destination (dry run only)", async () => {
    for (const dst of ["/", "fs:///"]) {
      const r = await run(["sync", "--delete", "--dry-run", "../src/", dst]);
      expect([dst, r.code, r.stdout]).toEqual([dst, 2, ""]);
      expect(r.stderr).toContain("refused, it is the file system's root: nothing was listed or deleted");
    }
  });

  it("refuses the home directory; nothing there is deleted or copied", async () => {
    const r = await run(["sync", "--delete", "../src/", home]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain(`sync --delete ${JSON.stringify(home)}: refused, it is the home directory`);
    expect(await readTree(home)).toEqual({ "dot.txt": "keep" });
  });

  it("still syncs into the current directory (rsync's `--delete src/ .`)", async () => {
    await mkdir(join(ws.work, "mirror"));
    const r = await run(["sync", "--delete", "--dry-run", "../src/", "."], join(ws.work, "mirror"));
    expect(r.code).toBe(0);
  });
});

describe("mv -r of a protected directory (its source tree is deleted as rm -r deletes it)", () => {
  it("refuses the file system's root (dry run only), the home directory and . without a filter; nothing moves", async () => {
    const root = await run(["mv", "-r", "--dry-run", "/", "../moved-root/"]);
    expect([root.code, root.stdout]).toEqual([2, ""]);
    expect(root.stderr).toContain("mv -r \"/\": refused, it is the file system's root: nothing was listed or deleted");
    const fromHome = await run(["mv", "-r", home, "../moved-home/"]);
    expect([fromHome.code, fromHome.stderr]).toEqual([2, expect.stringContaining("refused, it is the home directory")]);
    expect(await readTree(home)).toEqual({ "dot.txt": "keep" });
    const here = await run(["mv", "-r", ".", "../moved-here/"]);
    expect([here.code, here.stderr]).toEqual([2, expect.stringContaining("refused, it is the current directory")]);
    expect(await kept()).toEqual(KEPT);
    expect(await exists(join(ws.work, "moved-home"))).toBe(false);
    expect(await exists(join(ws.work, "moved-here"))).toBe(false);
  });
});

describe("a symbolic link to a protected directory, without a trailing / (review-fixes16 M1)", () => {
  it("sync --delete into it and mv -r of it are refused: both go through the link; nothing in home changes", async () => {
    const link = join(ws.work, "homelink");
    await symlink(home, link);
    try {
      const synced = await run(["sync", "--delete", "../src/", link]);
      expect([synced.code, synced.stderr]).toEqual([2, expect.stringContaining(`refused, it is the home directory (${home})`)]);
      const moved = await run(["mv", "-r", link, "../moved-link/"]);
      expect([moved.code, moved.stderr]).toEqual([2, expect.stringContaining("refused, it is the home directory")]);
      expect(await readTree(home)).toEqual({ "dot.txt": "keep" });
      expect(await exists(join(ws.work, "moved-link"))).toBe(false);
    } finally {
      await unlink(link);
    }
  });
});
