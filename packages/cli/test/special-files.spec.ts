/**
 * Fifos, sockets and devices in a local source are no objects: the fs listing leaves them out. A
 * tree copy says so, one warning each (at most 20, then how many more), and counts them in the
 * summary and in `--stats-json`; the exit code stays 0. Filters apply to them as to files.
 */
import { describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);

describe("special files in a local source", () => {
  it("sync warns of each fifo (20 lines, then a count), counts them, and exits 0", async () => {
    const src = join(ws.work, "fifos");
    await writeTree(src, { "a.txt": "A" });
    await mkdir(join(src, "sub"));
    await mkdir(join(src, "skip"));
    const fifos = Array.from({ length: 22 }, (_, i) => join(src, "sub", `p${String(i + 1).padStart(2, "0")}`));
    execFileSync("mkfifo", [...fifos, join(src, "skip/excluded")]);

    const r = await cli(["sync", "--stats-json", "--exclude", "skip/**", src + "/", join(ws.work, "fifos-dst/")]);
    expect(r.code).toBe(0);
    expect(await readTree(join(ws.work, "fifos-dst"))).toEqual({ "a.txt": "A" });
    const lines = r.stderr.split("\n").filter((l) => l.includes("left out: a fifo"));
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe("stowage: sync sub/p01: left out: a fifo, not a regular file (only files are copied)");
    expect(r.stderr).toContain("stowage: sync: … and 2 more special files left out");
    expect(r.stderr).toMatch(/sync: copied 1 object \(1 B\), 22 special files left out \(fifos, sockets, devices\)/);
    expect(r.stderr).not.toContain("excluded");
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ objects: { copied: 1, special: 22, failed: 0 } });
  });

  it("cp -r names a socket", async () => {
    const src = join(ws.work, "sock");
    await writeTree(src, { "b.txt": "B" });
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(src, "s.sock"), resolve));
    try {
      const r = await cli(["cp", "-r", src + "/", join(ws.work, "sock-dst/")]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("stowage: cp s.sock: left out: a socket, not a regular file");
      expect(r.stderr).toContain("1 special file left out");
      expect(await readTree(join(ws.work, "sock-dst"))).toEqual({ "b.txt": "B" });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
