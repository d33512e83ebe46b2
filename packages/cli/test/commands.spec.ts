import { beforeAll, describe, expect, it } from "@jest/globals";
import { readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exists, readTree, removeDir, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
/** Every command and its variants, run in process (the binary itself is exercised in binary.spec.ts). */
const cli = inProcess(ws);

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), {
    "a.txt": "alpha\n",
    "b.log": "bravo log\n",
    "sub/c.txt": "charlie\n",
    "sub/deep/d.jpg": "delta jpeg bytes",
    ".hidden": "dot file\n",
  });
});

describe("ls", () => {
  it("lists one level, directories with a trailing slash", async () => {
    const r = await cli(["ls", "src"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual([".hidden", "a.txt", "b.log", "sub/"]);
  });

  it("-r lists every object; --json gives one ObjectInfo per line", async () => {
    const r = await cli(["ls", "-r", "--json", `fs://${ws.work}/src/`]);
    expect(r.code).toBe(0);
    const items = r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { path: string; size: number; mode: string });
    expect(items.map((i) => i.path).sort()).toEqual([".hidden", "a.txt", "b.log", "sub/c.txt", "sub/deep/d.jpg"]);
    expect(items.find((i) => i.path === "sub/c.txt")).toMatchObject({ mode: "file", size: 8 });
  });

  it("-r --start-after lists only the paths after it, in key order; without -r it is a usage error", async () => {
    const paths = async (after: string) => (await cli(["ls", "-r", "--start-after", after, "src"])).stdout.split("\n").filter(Boolean).sort();
    expect(await paths("a.txt")).toEqual(["b.log", "sub/c.txt", "sub/deep/d.jpg"]);
    expect(await paths("sub/")).toEqual(["sub/c.txt", "sub/deep/d.jpg"]);
    expect(await paths("sub/deep/d.jpg")).toEqual([]);
    expect(await paths(".hidden")).toEqual(["a.txt", "b.log", "sub/c.txt", "sub/deep/d.jpg"]);
    expect((await cli(["ls", "-r", "--start-after", "", "src"])).stderr).toContain('invalid value for option "startAfter": must not be empty');
    const usage = await cli(["ls", "--start-after", "a.txt", "src"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--start-after needs -r");
  });

  it("-l shows mode, size and time; a file lists itself; a missing path exits 3", async () => {
    const long = await cli(["ls", "-l", "src/sub"]);
    expect(long.stdout).toMatch(/^file\s+8\s+\d{4}-\d\d-\d\dT\S+Z\s+c\.txt$/m);
    expect(long.stdout).toMatch(/^dir\s+-\s+.*deep\/$/m);
    const file = await cli(["ls", "src/a.txt"]);
    expect([file.code, file.stdout.trim()]).toEqual([0, "a.txt"]);
    const missing = await cli(["ls", "src/nope"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("ObjectNotExist");
  });
});

describe("stat and cat", () => {
  it("stat prints the metadata, --json the ObjectInfo; a directory stats as dir", async () => {
    const r = await cli(["stat", "src/a.txt"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("path: a.txt");
    expect(r.stdout).toContain("size: 6 (6 B)");
    const json = JSON.parse((await cli(["stat", "--json", "src/a.txt"])).stdout) as { size: number; mode: string };
    expect(json).toMatchObject({ size: 6, mode: "file" });
    expect((await cli(["stat", "src/sub"])).stdout).toContain("mode: dir");
  });

  it("cat writes the object, or a range of it", async () => {
    expect((await cli(["cat", "src/sub/c.txt"])).stdout).toBe("charlie\n");
    const range = await cli(["cat", "--offset", "2", "--size", "3", "src/a.txt"]);
    expect([range.code, range.stdout]).toEqual([0, "pha"]);
  });
});

describe("put, get and mkdir", () => {
  it("put uploads a file and stdin; a trailing / keeps the file's name", async () => {
    expect((await cli(["put", "src/a.txt", `fs://${ws.work}/up/one.txt`])).code).toBe(0);
    expect((await cli(["put", "src/b.log", "up/"])).code).toBe(0);
    const piped = await cli(["put", "-", "up/stdin.txt", "--stats-json"], "from stdin\n");
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ command: "put", objects: { planned: 1, copied: 1 }, bytes: { copied: 11, sent: 11 }, failures: [] });
    // A pipe is read once: nothing to re-read, pace or resume.
    for (const flag of [["--verify"], ["--bwlimit", "1M"], ["--checkpoint", "cp.json"]]) {
      const refused = await cli(["put", "-", "up/other.txt", ...flag], "x");
      expect([flag[0], refused.code]).toEqual([flag[0], 2]);
    }
    expect((await cli(["get", "up/stdin.txt", "-", "--stats-json"])).code).toBe(2);
    expect(await readTree(join(ws.work, "up"))).toEqual({ "one.txt": "alpha\n", "b.log": "bravo log\n", "stdin.txt": "from stdin\n" });
  });

  it("get downloads to a file, to its own name in the cwd, and to stdout", async () => {
    expect((await cli(["get", "src/sub/c.txt", "got.txt"])).code).toBe(0);
    expect(await readFile(join(ws.work, "got.txt"), "utf8")).toBe("charlie\n");
    expect((await cli(["get", `fs://${ws.work}/src/sub/deep/d.jpg`])).code).toBe(0);
    expect(await readFile(join(ws.work, "d.jpg"), "utf8")).toBe("delta jpeg bytes");
    expect((await cli(["get", "src/a.txt", "-"])).stdout).toBe("alpha\n");
  });

  it("mkdir creates nested directories and accepts existing ones", async () => {
    expect((await cli(["mkdir", "made/x/y"])).code).toBe(0);
    expect((await cli(["mkdir", "made/x/y", "made/z"])).code).toBe(0);
    expect(await exists(join(ws.work, "made/x/y"))).toBe(true);
    expect(await exists(join(ws.work, "made/z"))).toBe(true);
  });
});

describe("cp and mv", () => {
  it("cp copies one object, into a directory, and refuses a directory without -r", async () => {
    expect((await cli(["cp", "src/a.txt", "cp1/renamed.txt"])).code).toBe(0);
    expect((await cli(["cp", "src/a.txt", "cp1/"])).code).toBe(0);
    expect(await readTree(join(ws.work, "cp1"))).toEqual({ "renamed.txt": "alpha\n", "a.txt": "alpha\n" });
    const dir = await cli(["cp", "src/sub", "cp1/x"]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain("use cp -r");
  });

  it("cp -r copies a tree, filtered by --include and --exclude globs", async () => {
    const r = await cli(["cp", "-r", "src/", "cp2/", "--include", "*.txt", "--include", "sub/deep/**", "--exclude", "sub/c.txt"]);
    expect(r.code).toBe(0);
    expect(await readTree(join(ws.work, "cp2"))).toEqual({ "a.txt": "alpha\n", "sub/deep/d.jpg": "delta jpeg bytes" });
  });

  it("cp -r --dry-run prints the plan and writes nothing", async () => {
    const r = await cli(["cp", "-r", "--dry-run", "src", "cp3"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("would copy sub/c.txt (8 B, new)");
    expect(await exists(join(ws.work, "cp3"))).toBe(false);
  });

  it("mv moves one object and, with -r, a whole tree (source gone)", async () => {
    await writeTree(join(ws.work, "mvsrc"), { "m.txt": "move me", "t/u.txt": "tree" });
    expect((await cli(["mv", "mvsrc/m.txt", "mvdst/m2.txt"])).code).toBe(0);
    expect(await exists(join(ws.work, "mvsrc/m.txt"))).toBe(false);
    expect((await cli(["mv", "-r", "mvsrc", "mvdst/tree"])).code).toBe(0);
    expect(await readTree(join(ws.work, "mvdst"))).toEqual({ "m2.txt": "move me", "tree/t/u.txt": "tree" });
    expect(await exists(join(ws.work, "mvsrc"))).toBe(false);
  });
});

describe("rm", () => {
  it("deletes one object; a missing one exits 3 unless -f", async () => {
    await writeTree(join(ws.work, "rm1"), { "x.txt": "x", "y.txt": "y" });
    expect((await cli(["rm", "rm1/x.txt"])).code).toBe(0);
    expect(await readTree(join(ws.work, "rm1"))).toEqual({ "y.txt": "y" });
    expect((await cli(["rm", "rm1/x.txt"])).code).toBe(3);
    expect((await cli(["rm", "-f", "rm1/x.txt"])).code).toBe(0);
  });

  it("rm -r asks for --yes without a terminal, honours --dry-run and filters, then deletes the tree", async () => {
    await writeTree(join(ws.work, "rm2"), { "a.tmp": "1", "keep.txt": "2", "d/b.tmp": "3", "d/e/f.txt": "4" });
    const refused = await cli(["rm", "-r", "rm2"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing without --yes");
    const dry = await cli(["rm", "-r", "--dry-run", "rm2"]);
    expect(dry.stdout).toContain("would delete rm2/d/e/f.txt");
    expect(Object.keys(await readTree(join(ws.work, "rm2")))).toHaveLength(4);
    expect((await cli(["rm", "-r", "--yes", "--include", "*.tmp", "rm2"])).code).toBe(0);
    expect(await readTree(join(ws.work, "rm2"))).toEqual({ "keep.txt": "2", "d/e/f.txt": "4" });
    expect((await cli(["rm", "-r", "-y", "rm2"])).code).toBe(0);
    expect(await exists(join(ws.work, "rm2"))).toBe(false);
  });
});

describe("du, presign, verify, profiles", () => {
  it("du totals bytes and objects, per directory with -d, as JSON", async () => {
    const r = await cli(["du", "--json", "-d", "1", "src"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { objects: number; bytes: number; byDir: Record<string, { objects: number }> };
    expect(json).toMatchObject({ objects: 5, bytes: 6 + 10 + 8 + 16 + 9 });
    expect(json.byDir["sub/"]).toEqual({ objects: 2, bytes: 24 });
    const plain = await cli(["du", "src/sub"]);
    expect(plain.stdout.trim()).toMatch(/^24\s+2\s+src\/sub$/);
  });

  it("presign on fs fails with CapabilityInsufficient (exit 5)", async () => {
    const r = await cli(["presign", "src/a.txt"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("CapabilityInsufficient");
  });

  it("verify passes for equal trees and exits 13 on a difference or a missing object", async () => {
    expect((await cli(["cp", "-r", "src", "ver"])).code).toBe(0);
    const ok = await cli(["verify", "src", "ver"]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain("5 of 5 objects match");
    await writeFile(join(ws.work, "ver/sub/c.txt"), "CHARLIE\n");
    await removeDir(join(ws.work, "ver/a.txt"));
    const bad = await cli(["verify", "src", "ver"]);
    expect(bad.code).toBe(13);
    expect(bad.stdout).toContain("mismatch  sub/c.txt");
    expect(bad.stdout).toContain("missing   a.txt");
  });

  it("profiles come from STOWAGE_PROFILE_* and the config file, listed with secrets redacted", async () => {
    const config = join(ws.work, "profiles.json");
    // fs uses no credential: enable_loose_pair drops it (without, opening refuses it with PairUnsupported)
    await writeFile(config, JSON.stringify({ profiles: { files: `fs://${ws.work}/src?enable_loose_pair&credential=hmac:AKIDX:TOPSECRET` } }));
    const viaFile = await cli(["--config", config, "ls", "files:sub"]);
    expect(viaFile.stdout.split("\n").filter(Boolean).sort()).toEqual(["c.txt", "deep/"]);
    const viaEnv = await cli(["cat", "data:a.txt"], { env: { STOWAGE_PROFILE_DATA: `fs://${ws.work}/src` } });
    expect(viaEnv.stdout).toBe("alpha\n");
    const list = await cli(["--config", config, "profiles"]);
    expect(list.stdout).toContain("files");
    expect(list.stdout).not.toContain("TOPSECRET");
  });

  it("sync of a tree skips an unchanged destination (mtime older than the copy)", async () => {
    await writeTree(join(ws.work, "old"), { "o.txt": "old" });
    await utimes(join(ws.work, "old/o.txt"), new Date(2000, 0, 1), new Date(2000, 0, 1));
    const first = await cli(["sync", "old", "old2", "--stats-json", "--quiet"]);
    expect(JSON.parse(first.stdout)).toMatchObject({ objects: { copied: 1 } });
    const second = await cli(["sync", "old", "old2", "--stats-json", "--quiet"]);
    expect(JSON.parse(second.stdout)).toMatchObject({ objects: { copied: 0, skipped: 1 } });
  });
});
