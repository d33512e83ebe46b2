/**
 * Keys with `?`, `#` and `%` through profiles, local paths and connection strings. The path after
 * `profile:` (like a local path) is taken literally: nothing in it starts a query or is
 * percent-decoded. In a connection string the path part ends at the first `?` and is
 * percent-decoded, so there `?` is written `%3F` and `%` is written `%25`.
 */
import { describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EXIT_CODES } from "../src/index.js";
import { readTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace({ env: (work) => ({ STOWAGE_PROFILE_BOX: `fs://${work}/box/?fsync=false`, STOWAGE_PROFILE_ROOT: "fs://" }) });
const run = inProcess(ws);

/** Keys that a URL-like reading would cut or decode. */
const KEYS = ["dir/what?.txt", "dir/a#b.txt", "dir/100%.txt", "dir/p%41.txt", "dir/x?fsync=false", "q?dir/in.txt"];

describe("keys with ?, # and % through a profile", () => {
  it("put, ls, stat and cat address the key as written, nothing cut or decoded", async () => {
    for (const key of KEYS) {
      const put = await run(["put", "-", `box:${key}`], `data of ${key}`);
      expect([key, put.code, put.stderr.includes("stowage:")]).toEqual([key, 0, false]);
    }
    expect(Object.keys(await readTree(join(ws.work, "box"))).sort()).toEqual([...KEYS].sort());
    const ls = await run(["ls", "-r", "box:"]);
    expect(ls.stdout.trim().split("\n").sort()).toEqual([...KEYS].sort());
    for (const key of KEYS) {
      expect((await run(["cat", `box:${key}`])).stdout).toBe(`data of ${key}`);
      expect((await run(["stat", `box:${key}`])).stdout).toContain(`path: ${key.slice(key.lastIndexOf("/") + 1)}`);
    }
    // A directory with a ? in its name, listed through the profile.
    expect((await run(["ls", "box:q?dir/"])).stdout.trim()).toBe("in.txt");
    // A profile without a work_dir, the directory given after it.
    expect((await run(["cat", `root:${ws.work}/box/dir/what?.txt`])).stdout).toBe("data of dir/what?.txt");
  });

  it("a percent-escape after a profile is literal: %3F is three characters, not a ?", async () => {
    expect((await run(["put", "-", "box:lit/what%3F.txt"], "literal")).code).toBe(0);
    expect(Object.keys(await readTree(join(ws.work, "box/lit")))).toEqual(["what%3F.txt"]);
    expect((await run(["cat", "box:lit/what?.txt"])).code).toBe(EXIT_CODES.ObjectNotExist);
  });

  it("a local path reads the same files literally", async () => {
    expect((await run(["cat", "box/dir/what?.txt"])).stdout).toBe("data of dir/what?.txt");
    expect((await run(["cat", "box/dir/100%.txt"])).stdout).toBe("data of dir/100%.txt");
  });

  it("a connection string reaches the same keys written %3F and %25 (# needs no escape)", async () => {
    const base = `fs://${ws.work}/box/dir/`;
    expect((await run(["cat", `${base}what%3F.txt`])).stdout).toBe("data of dir/what?.txt");
    expect((await run(["cat", `${base}a#b.txt`])).stdout).toBe("data of dir/a#b.txt");
    expect((await run(["cat", `${base}a%23b.txt`])).stdout).toBe("data of dir/a#b.txt");
    expect((await run(["cat", `${base}100%25.txt`])).stdout).toBe("data of dir/100%.txt");
    expect((await run(["cat", `${base}p%2541.txt`])).stdout).toBe("data of dir/p%41.txt");
    expect((await run(["cat", `${base}x%3Ffsync=false`])).stdout).toBe("data of dir/x?fsync=false");
  });
});

describe("how such locations are shown", () => {
  it("a profile reference is shown whole: what follows a ? is a path, not a pair value to shorten", async () => {
    const key = `long/what?${"x".repeat(60)}.txt`;
    expect((await run(["put", "-", `box:${key}`], "long")).code).toBe(0);
    const du = await run(["du", `box:${key}`]);
    expect(du.stdout).toContain(`box:${key}`);
    const rm = await run(["rm", `box:${key}`]);
    expect(rm.code).toBe(0);
    expect(rm.stdout + rm.stderr).toContain(`box:${key}`);
    expect(rm.stdout + rm.stderr).not.toContain("chars)");
  });

  it("put names where it stored as a connection string that reads the object back", async () => {
    const put = await run(["put", "-", "box:shown/what?%.txt"], "round trip");
    expect(put.code).toBe(0);
    const at = /stored .* at (\S+)/.exec(put.stdout + put.stderr)?.[1];
    expect(at).toBe(`fs://${ws.work}/box/shown/what%3F%25.txt`);
    expect((await run(["cat", at!])).stdout).toBe("round trip");
    expect(await readFile(join(ws.work, "box/shown/what?%.txt"), "utf8")).toBe("round trip");
  });
});

describe("a ? typed raw in a connection string", () => {
  it("ends the path part; when what follows is no pair, the error says to write %3F", async () => {
    const r = await run(["cat", `fs://${ws.work}/box/dir/what?.txt`]);
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).toContain("%3F");
    expect(r.stdout).toBe("");
  });

  it("no such hint after a path that ends in /", async () => {
    const r = await run(["ls", `fs://${ws.work}/box/?nosuchpair=1`]);
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).not.toContain("%3F");
  });
});
