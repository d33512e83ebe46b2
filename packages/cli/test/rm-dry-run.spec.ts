/**
 * `rm -r --dry-run` prints the objects a real `rm -r` deletes and counts, one line each: never the
 * directories (markers on memory, real directories on fs) that go with them uncounted. Each is
 * named as the operand plus the path below it (a connection string for a service location).
 */
import { describe, expect, it } from "@jest/globals";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { exists, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);
const lines = (text: string): string[] => text.split("\n").filter(Boolean).sort();

describe("rm -r --dry-run", () => {
  it("on memory lists the objects, not the directory markers, and a real run deletes those objects", async () => {
    for (const dir of ["memory://rd/t/empty/", "memory://rd/t/sub/"]) expect((await run(["mkdir", dir])).code).toBe(0);
    for (const key of ["t/a.txt", "t/sub/b.txt", "keep.txt"]) expect((await run(["put", "-", `memory://rd/${key}`], "x")).code).toBe(0);
    const listed = (await run(["ls", "-r", "memory://rd/t/"])).stdout;
    expect(lines(listed)).toEqual(expect.arrayContaining(["a.txt", "sub/b.txt"]));
    const dry = await run(["rm", "-r", "--dry-run", "memory://rd/t/"]);
    expect(dry.code).toBe(0);
    expect(lines(dry.stdout)).toEqual(["would delete memory://rd/t/a.txt", "would delete memory://rd/t/sub/b.txt"]);
    expect(dry.stderr).toContain("rm: would delete 2 objects (2 B)");
    const real = await run(["rm", "-r", "--yes", "memory://rd/t/"]);
    expect([real.code, real.stderr.trim()]).toEqual([0, "rm: deleted 2 objects (2 B)"]);
    expect(lines((await run(["ls", "-r", "memory://rd/"])).stdout)).toEqual(["keep.txt"]);
  });

  it("on fs lists the files, not the directories", async () => {
    await writeTree(join(ws.work, "tree"), { "a.txt": "a", "sub/b.txt": "b", "sub/deep/c.txt": "c" });
    await mkdir(join(ws.work, "tree/empty"), { recursive: true });
    const dry = await run(["rm", "-r", "--dry-run", "tree/"]);
    expect(dry.code).toBe(0);
    expect(lines(dry.stdout)).toEqual(["would delete tree/a.txt", "would delete tree/sub/b.txt", "would delete tree/sub/deep/c.txt"]);
    expect(dry.stderr).toContain("rm: would delete 3 objects (3 B)");
    expect(await exists(join(ws.work, "tree/sub/deep/c.txt"))).toBe(true);
  });
});
