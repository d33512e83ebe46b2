/**
 * The built `stowage` executable, run as a child process against temp
 * directories: every command once (variants are in commands.spec.ts and
 * sync.spec.ts, run in process), globs, dry run and sync twice.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exists, readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { binary } from "./cli-run.js";

const ws = useWorkspace();
const cli = binary(ws);

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), { "a.txt": "alpha\n", "b.tmp": "tmp", "sub/c.txt": "charlie\n", "sub/d.jpg": "jpeg" });
});

describe("the stowage binary", () => {
  it("never leaves local entries out silently: cp -r, sync and verify handle the rest, name what they left out, and exit 10", async () => {
    await writeTree(join(ws.work, "odd"), { "ok.txt": "fine" });
    // A Latin-1 file name: no UTF-8 key can address it (the fs driver lists it with a process warning).
    await writeFile(Buffer.concat([Buffer.from(join(ws.work, "odd") + "/r"), Buffer.from([0xe9]), Buffer.from("sum.txt")]), "latin-1 name");
    for (const args of [["cp", "-r", "./odd/", "./odd-copy/"], ["sync", "./odd/", "./odd-sync/"], ["verify", "./odd/", "./odd-sync/"]]) {
      const r = await cli(args);
      expect([args[0], r.code]).toEqual([args[0], 10]);
      expect(r.stderr).toContain("not listed: no key can address the name");
      expect(r.stderr).toContain("r\\xe9sum.txt");
      expect(r.stderr).toContain("local entries were left out");
      expect(r.stderr).not.toContain("(node:");
    }
    expect(await readFile(join(ws.work, "odd-sync", "ok.txt"), "utf8")).toBe("fine");

    // A directory listed in several pages warns once, and counts once.
    await writeTree(join(ws.work, "many"), Object.fromEntries(Array.from({ length: 2100 }, (_, i) => [`f${i}.txt`, "x"])));
    await writeFile(Buffer.concat([Buffer.from(join(ws.work, "many") + "/r"), Buffer.from([0xe9]), Buffer.from("sum.txt")]), "latin-1 name");
    const du = await cli(["du", "./many/"]);
    expect(du.code).toBe(10);
    expect(du.stderr.split("not listed").length - 1).toBe(1);
    expect(du.stderr).toContain("1 directory holds");
  });

  it("sync: dry run changes nothing, the first run copies, the second copies nothing; globs filter", async () => {
    const dry = await cli(["sync", "--dry-run", "--exclude", "*.tmp", "src", "dst"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout.split("\n").filter(Boolean).sort()).toEqual([
      "would copy a.txt (6 B, new)",
      "would copy sub/c.txt (8 B, new)",
      "would copy sub/d.jpg (4 B, new)",
    ]);
    expect(await exists(join(ws.work, "dst"))).toBe(false);

    const first = await cli(["sync", "--exclude", "*.tmp", "src", "dst", "--stats-json"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ objects: { copied: 3, failed: 0 } });
    expect(first.stderr).toMatch(/^sync: copied 3 objects \(18 B\)/m);
    expect(Object.keys(await readTree(join(ws.work, "dst"))).sort()).toEqual(["a.txt", "sub/c.txt", "sub/d.jpg"]);

    const second = await cli(["sync", "--exclude", "*.tmp", "src", "dst", "--stats-json"]);
    expect(JSON.parse(second.stdout)).toMatchObject({ objects: { planned: 0, copied: 0, skipped: 3 } });
  });

  it("ls, stat, cat, du", async () => {
    expect((await cli(["ls", "-r", "src"])).stdout.split("\n").filter(Boolean)).toEqual(["a.txt", "b.tmp", "sub/c.txt", "sub/d.jpg"]);
    expect((await cli(["stat", "src/sub/c.txt"])).stdout).toContain("size: 8 (8 B)");
    expect((await cli(["cat", "--offset", "1", "--size", "4", `fs://${ws.work}/src/a.txt`])).stdout).toBe("lpha");
    expect((await cli(["du", "src"])).stdout.trim()).toMatch(/^21\s+4\s+src$/);
  });

  it("put (stdin), get, mkdir, cp -r with --include, mv, rm -r --yes", async () => {
    expect((await cli(["put", "-", "box/in.txt"], "piped\n")).code).toBe(0);
    expect((await cli(["get", "box/in.txt", "out.txt"])).code).toBe(0);
    expect(await readFile(join(ws.work, "out.txt"), "utf8")).toBe("piped\n");
    expect((await cli(["mkdir", "box/empty"])).code).toBe(0);
    expect((await cli(["cp", "-r", "--include", "*.txt", "src", "box/txt"])).code).toBe(0);
    expect((await cli(["mv", "box/in.txt", "box/moved.txt"])).code).toBe(0);
    expect(await readTree(join(ws.work, "box"))).toEqual({ "moved.txt": "piped\n", "txt/a.txt": "alpha\n", "txt/sub/c.txt": "charlie\n" });
    expect(await exists(join(ws.work, "box/empty"))).toBe(true);
    expect((await cli(["rm", "-r", "--yes", "box"])).code).toBe(0);
    expect(await exists(join(ws.work, "box"))).toBe(false);
  });

  it("verify, presign (unsupported on fs: exit 5), profiles", async () => {
    expect((await cli(["verify", "--exclude", "*.tmp", "src", "dst"])).code).toBe(0);
    expect((await cli(["verify", "src", "dst"])).code).toBe(13);
    expect((await cli(["presign", "src/a.txt"])).code).toBe(5);
    const profiles = await cli(["profiles"], { env: { STOWAGE_PROFILE_WORK: `fs://${ws.work}/src?credential=hmac:AK:TOPSECRET` } });
    expect(profiles.stdout).toContain("work\tfs://");
    expect(profiles.stdout).not.toContain("TOPSECRET");
  });
});
