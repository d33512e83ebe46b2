/**
 * Summaries and side effects of transfers a new user checks first, in process: counts that add
 * up, singular nouns, mv saying what it did, a note for a path glob that matched nothing, and no
 * checkpoint left by a run that never started.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { EXIT_CODES } from "../src/index.js";
import { exists, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace({ stateDir: true });
const cli = inProcess(ws);

/** The summary lines (stderr without progress lines). */
function lines(stderr: string): string[] {
  return stderr.split("\n").filter(Boolean);
}

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), { "a.txt": "alpha" });
  await writeTree(join(ws.work, "g"), { "x/raw/a.jpg": "jpeg", "raw/b.png": "png" });
});

describe("L3: verify's breakdown counts only the objects that match", () => {
  it("a size mismatch is not counted as a match by size", async () => {
    await writeTree(join(ws.work, "v1"), { "a.txt": "1", "b.txt": "22", "c.txt": "333" });
    await writeTree(join(ws.work, "v2"), { "a.txt": "1", "b.txt": "2", "c.txt": "333" });
    const r = await cli(["verify", "v1", "v2"]);
    expect(r.code).toBe(EXIT_CODES.IntegrityMismatch);
    expect(r.stderr).toMatch(/^verify: 2 of 3 objects match \(2 by \w+\), 1 missing or different$/m);
    expect(r.stderr).not.toContain("by size");
  });
});

describe("L4: singular nouns, and mv says it moved", () => {
  it("cp and sync of one object", async () => {
    expect(lines((await cli(["cp", "src/a.txt", "one/"])).stderr)[0]).toMatch(/^cp: copied 1 object \(5 B\)/);
    expect(lines((await cli(["sync", "-n", "src/", "one-sync/"])).stderr)[0]).toBe("sync: would copy 1 object (5 B)");
  });

  it("mv: moved, would move, and its help speaks of moving", async () => {
    await writeTree(join(ws.work, "mv-src"), { "m.txt": "move me" });
    expect(lines((await cli(["mv", "-r", "-n", "mv-src/", "mv-dst/"])).stderr)[0]).toBe("mv: would move 1 object (7 B)");
    const moved = await cli(["mv", "mv-src/m.txt", "mv-dst/"]);
    expect(moved.code).toBe(0);
    expect(lines(moved.stderr)[0]).toMatch(/^mv: moved 1 object \(7 B\)/);
    const help = await cli(["mv", "--help"]);
    expect(help.stdout).toContain("directory (trailing /) to move into");
    expect(help.stdout).toContain("move every object below the source directory");
    expect(help.stdout).toContain("print what would be moved");
    expect(help.stdout).not.toMatch(/to copy into|copy every object|would be copied/);
  });

  it("rm -r: would delete, delete (refused without --yes), deleted", async () => {
    await writeTree(join(ws.work, "rm1"), { "only.txt": "x" });
    expect((await cli(["rm", "-r", "-n", "rm1/"])).stderr).toContain("rm: would delete 1 object (1 B)");
    const refused = await cli(["rm", "-r", "rm1/"]);
    expect(refused.code).toBe(EXIT_CODES.usage);
    expect(refused.stderr).toContain("delete 1 object (1 B) under rm1/: refusing without --yes");
    expect((await cli(["rm", "-r", "--yes", "rm1/"])).stderr).toContain("rm: deleted 1 object (1 B)");
  });

  it("uploads --abort of one upload", async () => {
    await cli(["ls", "memory://rv-up/"]); // registers the memory scheme in this process
    await newStorager("memory://rv-up/").createMultipart("d/a.bin");
    expect((await cli(["uploads", "--abort", "-n", "memory://rv-up/d/"])).stderr.trim()).toBe("uploads: would abort 1 upload");
    const refused = await cli(["uploads", "--abort", "memory://rv-up/d/"]);
    expect(refused.stderr).toContain("abort 1 multipart upload under memory://rv-up/d/");
    expect((await cli(["uploads", "--abort", "--yes", "memory://rv-up/d/"])).stderr.trim()).toBe("uploads: aborted 1 upload");
  });
});

describe("L21: a glob with / that matched nothing", () => {
  it("gets a one-line note on stderr, and the exit code stays 0", async () => {
    const r = await cli(["cp", "-r", "-n", "--include", "raw/*.jpg", "g/", "out-g/"]);
    expect(r.code).toBe(0);
    const notes = lines(r.stderr).filter((l) => l.includes("note:"));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("no path matched --include 'raw/*.jpg'");
    expect(notes[0]).toContain("from the source root");
    expect(r.stderr).toContain("cp: would copy 0 objects");
  });

  it("names an --exclude too, for sync, rm -r, du and verify", async () => {
    for (const argv of [
      ["sync", "-n", "--exclude", "y/*.png", "g/", "out-g2/"],
      ["rm", "-r", "-n", "--include", "raw/*.jpg", "g/"],
      ["du", "--include", "raw/*.jpg", "g/"],
      ["verify", "--exclude", "y/*.png", "g/", "g/"],
    ]) {
      const r = await cli(argv);
      expect([argv[0], r.stderr]).toEqual([argv[0], expect.stringMatching(/note: no path matched --(include 'raw\/\*\.jpg'|exclude 'y\/\*\.png')/)]);
    }
  });

  it("says nothing when the glob matched, or has no /", async () => {
    for (const glob of ["**/raw/*.jpg", "*.gif", "raw/*.png"]) {
      const r = await cli(["cp", "-r", "-n", "--include", glob, "g/", "out-g3/"]);
      expect([glob, r.code, r.stderr]).toEqual([glob, 0, expect.not.stringContaining("note:")]);
    }
  });
});

describe("L23: a run that failed before transferring anything leaves no checkpoint", () => {
  it("put refused by the destination (PairUnsupported): no checkpoint, and the next run does not resume", async () => {
    const failed = await cli(["put", "--content-type", "text/html", "src/a.txt", "put-dst/x.txt"]);
    expect(failed.code).toBe(EXIT_CODES.PairUnsupported);
    const state = join(ws.work, "state", "checkpoints");
    expect((await exists(state)) ? await readdir(state) : []).toEqual([]);
    const explicit = join(ws.work, "put.json");
    expect((await cli(["put", "--content-type", "text/html", "--checkpoint", explicit, "src/a.txt", "put-dst/x.txt"])).code).toBe(EXIT_CODES.PairUnsupported);
    expect(await exists(explicit)).toBe(false);
    const again = await cli(["put", "--checkpoint", explicit, "src/a.txt", "put-dst/x.txt"]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain("resuming from checkpoint");
  });
});
