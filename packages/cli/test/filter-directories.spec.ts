/**
 * A filter glob that names a directory in either tree whose contents no glob of its flag matched
 * (`--exclude cache` while `cache/` exists: a glob without `/` matches file names, one ending in `/`
 * no file), whether or not it matched files elsewhere, would let `sync --delete` delete what the
 * user meant to keep. Found before anything is copied or deleted:
 * refused with `--delete` (InvalidArgument, exit 11, nothing changed), a warning otherwise.
 * `rm -r` refuses such a glob the same way before it deletes anything (`--dry-run` too).
 */
import { describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { readTree, removeDir, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);

/** A source with `a` and a destination with `cache/data.bin` (and `nested/cache/x` when asked) below `work/<name>`. */
async function trees(name: string, nested = false): Promise<{ s: string; d: string }> {
  const s = join(ws.work, name, "s");
  const d = join(ws.work, name, "d");
  await writeTree(s, { a: "A" });
  await writeTree(d, { "cache/data.bin": "precious", ...(nested ? { "nested/cache/x": "deep" } : {}) });
  return { s: s + "/", d: d + "/" };
}

describe("sync --delete with a glob that names only a directory", () => {
  it.each([["cache"], ["cache/"]])("--exclude '%s' is refused before anything is copied or deleted", async (glob) => {
    const { s, d } = await trees(`refuse-${glob.replace("/", "slash")}`);
    const r = await cli(["sync", "--delete", "--exclude", glob, s, d]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(`--exclude '${glob}' matched no path but names the directory cache/`);
    expect(r.stderr).toContain("'cache/**'");
    expect(r.stderr).toContain("nothing was copied or deleted");
    expect(await readTree(d)).toEqual({ "cache/data.bin": "precious" });
  });

  it("names the glob for any depth when the directory is nested, and a dry run is refused too", async () => {
    const { s, d } = await trees("nested", true);
    await removeDir(join(d, "cache"));
    const r = await cli(["sync", "--delete", "--dry-run", "--exclude", "cache", s, d]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain("names the directory nested/cache/");
    expect(r.stderr).toContain("'**/cache/**' (at any depth)");
    expect(r.stdout).toBe("");
  });

  it("the glob the message names keeps the directory", async () => {
    const { s, d } = await trees("fixed");
    const r = await cli(["sync", "--delete", "--exclude", "cache/**", s, d]);
    expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining("names the directory")]);
    expect(await readTree(d)).toEqual({ a: "A", "cache/data.bin": "precious" });
  });

  it("a glob that matched a file too but not what the directory holds is refused", async () => {
    const { s, d } = await trees("file-too");
    await writeTree(s, { "sub/cache": "a file named cache" });
    const r = await cli(["sync", "--delete", "--exclude", "cache", s, d]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain("--exclude 'cache' matched files but also names the directory cache/, not what it holds");
    expect(r.stderr).toContain("add --exclude 'cache/**'");
    expect(await readTree(d)).toEqual({ "cache/data.bin": "precious" });
  });

  it.each([[["cache", "cache/**"]], [["cache", "**/cache/**"]], [[".*", "**/.*/**"]]])("with a glob for the contents as well (%j) nothing is refused and the directory is kept", async (globs) => {
    const { s, d } = await trees(`covered-${globs[1]!.replace(/[/*.]/g, "_")}`);
    await writeTree(s, { "sub/cache": "a file named cache", ".hidden": "h" });
    await writeTree(d, { ".git/config": "mine" });
    const r = await cli(["sync", "--delete", ...globs.flatMap((g) => ["--exclude", g]), s, d]);
    expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining("names the directory")]);
    const kept = await readTree(d);
    // What the globs leave out is kept; the rest is synced (.git/ or cache/ deleted, as not in the source).
    if (globs[0] === "cache") expect(kept).toEqual({ a: "A", ".hidden": "h", "cache/data.bin": "precious" });
    else expect(kept).toEqual({ a: "A", "sub/cache": "a file named cache", ".git/config": "mine" });
  });

  it("a glob that names only the directory, given with the glob the message names, is not refused", async () => {
    const { s, d } = await trees("named-and-fixed");
    const r = await cli(["sync", "--delete", "--exclude", "cache", "--exclude", "cache/**", s, d]);
    expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining("names the directory")]);
    expect(await readTree(d)).toEqual({ a: "A", "cache/data.bin": "precious" });
  });

  it("--exclude '.*' alone names .git/ and is refused: what .git/ holds would be deleted", async () => {
    const { s, d } = await trees("dot");
    await writeTree(s, { ".hidden": "h" });
    await writeTree(d, { ".git/config": "mine" });
    const r = await cli(["sync", "--delete", "--exclude", ".*", s, d]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain("--exclude '.*' matched files but also names the directory .git/");
    expect(await readTree(d)).toEqual({ ".git/config": "mine", "cache/data.bin": "precious" });
  });
});

describe("without --delete such a glob is a warning", () => {
  it("sync and cp -r warn before copying, and go on", async () => {
    const { s, d } = await trees("warn");
    await writeTree(s, { "cache/tmp.bin": "scratch" });
    for (const command of [["sync"], ["cp", "-r"]]) {
      const r = await cli([...command, "--exclude", "cache", s, d]);
      expect([command, r.code]).toEqual([command, 0]);
      expect(r.stderr).toContain(`stowage: ${command[0]}: warning: --exclude 'cache' matched no path but names the directory cache/`);
    }
    expect(await readTree(d)).toEqual({ a: "A", "cache/data.bin": "precious", "cache/tmp.bin": "scratch" });
  });
});

describe("rm -r with a glob that names only a directory", () => {
  /** `d/` with `a`, `cache/data.bin` and `sub/cache/deep` below `work/<name>`. */
  async function tree(name: string): Promise<string> {
    const d = join(ws.work, name, "d");
    await writeTree(d, { a: "A", "cache/data.bin": "precious", "sub/cache/deep": "deep" });
    return d + "/";
  }

  it.each([["cache"], ["cache/"]])("--exclude '%s' is refused before anything is deleted, a dry run too", async (glob) => {
    const d = await tree(`rm-${glob.replace("/", "slash")}`);
    for (const dry of [["--dry-run"], []]) {
      const r = await cli(["rm", "-r", "--yes", ...dry, "--exclude", glob, d]);
      expect([dry, r.code]).toEqual([dry, 11]);
      expect(r.stderr).toContain(`InvalidArgument: --exclude '${glob}' matched no path but names the directory cache/`);
      expect(r.stderr).toContain("write 'cache/**'");
      expect(r.stderr).toContain("nothing was deleted");
      expect(r.stdout).toBe("");
    }
    expect(await readTree(d)).toEqual({ a: "A", "cache/data.bin": "precious", "sub/cache/deep": "deep" });
  });

  it("an --include that names only a directory is refused too; the glob the message names works", async () => {
    const d = await tree("rm-fixed");
    const inc = await cli(["rm", "-r", "--yes", "--include", "sub/cache", d]);
    expect(inc.code).toBe(11);
    expect(inc.stderr).toContain("--include 'sub/cache' matched no path but names the directory sub/cache/");
    const r = await cli(["rm", "-r", "--yes", "--exclude", "**/cache/**", d]);
    expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining("names the directory")]);
    expect(await readTree(d)).toEqual({ "cache/data.bin": "precious", "sub/cache/deep": "deep" });
  });
});
