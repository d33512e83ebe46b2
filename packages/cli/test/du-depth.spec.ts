/**
 * `du -d N` (review-cli-cmds M1): each object counts toward the directory it is in, cut to N levels,
 * so an object less than N levels deep is under its own directory, never `.`; text and --json agree.
 * And links (L7): counted as objects of their own, the same whether du is given the link or a tree
 * that holds it, and never followed unless named with a trailing `/`.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);

beforeAll(async () => {
  await writeTree(join(ws.work, "r"), {
    top: Buffer.alloc(1000),
    "a/x": Buffer.alloc(200),
    "a/b/y": Buffer.alloc(30),
    "a/b/c/z": Buffer.alloc(7),
    "e/f/g": Buffer.alloc(3),
  });
  await writeTree(join(ws.work, "lk"), { f: "12345", "d/inner": "123" });
  await symlink("f", join(ws.work, "lk", "l"));
  await symlink("d", join(ws.work, "lk", "dl"));
});

/** `du -d levels r/` as rows of [bytes, objects, path], and its --json. */
async function rows(levels: number): Promise<{ text: string[][]; json: { objects: number; bytes: number; byDir: Record<string, { objects: number; bytes: number }> } }> {
  const text = await cli(["du", "-d", String(levels), "r/"]);
  expect(text.code).toBe(0);
  const json = await cli(["du", "--json", "-d", String(levels), "r/"]);
  expect(json.code).toBe(0);
  return { text: text.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)), json: JSON.parse(json.stdout) };
}

describe("du -d N", () => {
  it("-d 1: objects below a first-level directory count toward it", async () => {
    const { text, json } = await rows(1);
    expect(text).toEqual([
      ["1000", "1", "."],
      ["237", "3", "a/"],
      ["3", "1", "e/"],
      ["1240", "5", "r/"],
    ]);
    expect(json).toEqual({ location: "r/", objects: 5, bytes: 1240, byDir: { "": { objects: 1, bytes: 1000 }, "a/": { objects: 3, bytes: 237 }, "e/": { objects: 1, bytes: 3 } } });
  });

  it("-d 2: an object one level deep counts toward its own directory, not the location", async () => {
    const { text, json } = await rows(2);
    expect(text).toEqual([
      ["1000", "1", "."],
      ["200", "1", "a/"],
      ["37", "2", "a/b/"],
      ["3", "1", "e/f/"],
      ["1240", "5", "r/"],
    ]);
    expect(json.byDir).toEqual({
      "": { objects: 1, bytes: 1000 },
      "a/": { objects: 1, bytes: 200 },
      "a/b/": { objects: 2, bytes: 37 },
      "e/f/": { objects: 1, bytes: 3 },
    });
  });

  it("-d 3: every object at or above the third level is in its own directory; the rows add up to the total", async () => {
    const { text, json } = await rows(3);
    expect(text).toEqual([
      ["1000", "1", "."],
      ["200", "1", "a/"],
      ["30", "1", "a/b/"],
      ["7", "1", "a/b/c/"],
      ["3", "1", "e/f/"],
      ["1240", "5", "r/"],
    ]);
    const groups = Object.values(json.byDir);
    expect([groups.reduce((n, g) => n + g.bytes, 0), groups.reduce((n, g) => n + g.objects, 0)]).toEqual([json.bytes, json.objects]);
  });
});

describe("du and symbolic links", () => {
  it("counts a link as one object, given directly or in a tree, and follows one only when named with a trailing /", async () => {
    const tree = JSON.parse((await cli(["du", "--json", "lk/"])).stdout) as { objects: number; bytes: number };
    // f (5 B), d/inner (3 B), and the links l and dl (0 B each).
    expect(tree).toMatchObject({ objects: 4, bytes: 8 });
    const link = await cli(["du", "lk/l"]);
    expect([link.code, link.stdout.trim().split(/\s+/)]).toEqual([0, ["0", "1", "lk/l"]]);
    const dirLink = await cli(["du", "lk/dl"]);
    expect([dirLink.code, dirLink.stdout.trim().split(/\s+/)]).toEqual([0, ["0", "1", "lk/dl"]]);
    const through = await cli(["du", "lk/dl/"]);
    expect([through.code, through.stdout.trim().split(/\s+/)]).toEqual([0, ["3", "1", "lk/dl/"]]);
  });
});
