/**
 * The per-path directory sets of tree commands (review-scale LOW-3) are built in time linear in each
 * path's length, not quadratic in its depth, with the same results as before: every directory
 * holding a path (`pathDirectories`, behind `pruneDirs` and the kind-swap check), the order
 * `pruneDirs` removes them in (deepest first), and the kind swaps found on paths 60 levels deep.
 */
import { describe, expect, it } from "@jest/globals";
import { defineFeatures, type ObjectInfo, type Storager } from "@stowage/core";
import type { Endpoint } from "../src/locations.js";
import { pathDirectories } from "../src/transfer/counterpart-listing.js";
import { pruneDirs } from "../src/transfer/jobs.js";
import { refuseKindSwaps } from "../src/transfer/kind-swap.js";
import { refuseThroughLinks } from "../src/transfer/link-parents.js";
import type { Plan, PlanItem } from "../src/transfer/planner.js";

/** What every directory of `paths` was, built as before: each prefix of each path's segments. */
function directoriesBefore(paths: readonly string[]): Set<string> {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/").slice(0, -1);
    for (let i = parts.length; i > 0; i--) dirs.add(parts.slice(0, i).join("/") + "/");
  }
  return dirs;
}

/** Chains of `depth` directories (`c3/d1/d2/…`), `files` files at the bottom of each, and some at every level. */
function deepPaths(chains: number, depth: number, files: number): string[] {
  const paths: string[] = [];
  for (let c = 0; c < chains; c++) {
    let dir = `c${c}`;
    for (let d = 1; d < depth; d++) {
      dir += `/d${d}`;
      if (d % 7 === 0) paths.push(`${dir}.txt`);
    }
    for (let f = 0; f < files; f++) paths.push(`${dir}/f${f}`);
  }
  return paths;
}

const ODD = ["/a/b", "a//b", "a/b/", "/", "a", "", "x/y//z/", "//q"];

describe("pathDirectories", () => {
  it("is every directory each path is in, as the segment prefixes gave, for deep and odd paths", () => {
    const paths = [...deepPaths(5, 60, 3), ...ODD];
    const got = pathDirectories(paths);
    expect([...got].sort()).toEqual([...directoriesBefore(paths)].sort());
    expect(got.has("c1/d1/d2/")).toBe(true);
    expect(got.has("/")).toBe(true);
  });

  it("gives the same set whatever order the paths come in (a directory seen first stops the climb)", () => {
    const paths = deepPaths(3, 40, 2);
    expect([...pathDirectories([...paths].reverse())].sort()).toEqual([...pathDirectories(paths)].sort());
  });
});

describe("pruneDirs", () => {
  it("deletes every directory of the paths once, deepest first, in the order it always did", async () => {
    const paths = [...deepPaths(4, 60, 2), "z/y/x", "z/w"];
    const deleted: string[] = [];
    const store = {
      features: defineFeatures({ createDir: true, virtualDir: false }),
      delete: async (path: string) => {
        deleted.push(path);
      },
    } as unknown as Storager;
    await pruneDirs(store, paths, new AbortController().signal);
    const before = [...directoriesBefore(paths)].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1));
    expect(deleted).toEqual(before);
    expect([deleted[0]!.split("/").length, deleted.at(-1)]).toEqual([61, "c0/"]);
  });
});

describe("refuseKindSwaps on paths 60 levels deep", () => {
  const file = (path: string): ObjectInfo => ({ path, mode: "file", size: 1 });
  const item = (path: string): PlanItem => ({ rel: path, srcPath: path, dstPath: path, src: file(path), size: 1, reason: "new" });
  const endpoint = { loc: { display: "d/", type: "memory" }, store: { features: { virtualDir: false }, info: { service: "memory" } } } as unknown as Endpoint;

  it("names the first file on the way, and a directory holding a file 30 levels further down", () => {
    const deep = deepPaths(1, 60, 1)[8]!;
    const onTheWay = deep.split("/").slice(0, 20).join("/");
    const listed = new Map<string, ObjectInfo>([
      [onTheWay, file(onTheWay)],
      ["other/" + "n/".repeat(30) + "leaf", file("other/" + "n/".repeat(30) + "leaf")],
    ]);
    const plan: Plan = { copies: [item(deep), item("other"), item("fine/x")], skipped: [], deletes: [], bytes: 3, links: 0, specials: [] };
    refuseKindSwaps(plan, listed, endpoint, pathDirectories(listed.keys()), true);
    expect(plan.copies[0]!.refused?.detail).toContain(`d/${onTheWay} is a file at the destination, where the source has a directory`);
    expect(plan.copies[1]!.refused?.detail).toContain("d/other/ is a directory at the destination, where the source has a file");
    // Listed whole: what the directory holds is counted (the one leaf, 30 levels down).
    expect(plan.copies[1]!.refused?.detail).toContain("the directory holds 1 entry: copy the file to another name");
    expect(plan.copies[2]!.refused).toBeUndefined();
    expect(plan.bytes).toBe(1);
  });

  it("on many paths below one file, each is refused naming that file (the answer kept per directory)", () => {
    const paths = deepPaths(1, 60, 5).filter((p) => p.startsWith("c0/d1/d2/"));
    const listed = new Map<string, ObjectInfo>([["c0/d1", file("c0/d1")]]);
    const plan: Plan = { copies: paths.map(item), skipped: [], deletes: [], bytes: paths.length, links: 0, specials: [] };
    refuseKindSwaps(plan, listed, endpoint, pathDirectories(listed.keys()), true);
    for (const i of plan.copies) expect(i.refused?.detail).toContain("d/c0/d1 is a file at the destination");
    expect(plan.bytes).toBe(0);
  });
});

describe("refuseThroughLinks on paths 60 levels deep", () => {
  const file = (path: string): ObjectInfo => ({ path, mode: "file", size: 1 });
  const link = (path: string): ObjectInfo => ({ path, mode: "link", linkTarget: "/elsewhere" });
  const item = (path: string): PlanItem => ({ rel: path, srcPath: path, dstPath: path, src: file(path), size: 1, reason: "new" });
  const endpoint = { loc: { display: "d/", type: "memory" }, store: { features: { virtualDir: false }, info: { service: "memory" } } } as unknown as Endpoint;

  /** The first link on the way to `path`, found as before: each prefix of the path, from the top. */
  function linkBefore(listed: ReadonlyMap<string, ObjectInfo>, path: string): string | undefined {
    for (let end = path.indexOf("/"); end > 0; end = path.indexOf("/", end + 1)) {
      if (listed.get(path.slice(0, end))?.mode === "link") return path.slice(0, end);
    }
    return undefined;
  }

  it("refuses each path through a link naming the first link on its way, as before, and no other", () => {
    const paths = [...deepPaths(4, 60, 3), ...ODD.filter((p) => p !== "")];
    // Links at several depths of some chains (two on one chain: the upper one is named), none on the others.
    const links = ["c0/d1/d2/d3", "c1/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10", "c1/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19/d20", "a", "x/y/"];
    const listed = new Map<string, ObjectInfo>(links.map((l) => [l, link(l)]));
    const plan: Plan = { copies: paths.map(item), skipped: [], deletes: [], bytes: paths.length, links: 0, specials: [] };
    refuseThroughLinks(plan, listed, endpoint);
    for (const i of plan.copies) {
      const want = linkBefore(listed, i.dstPath);
      if (want === undefined) expect([i.dstPath, i.refused]).toEqual([i.dstPath, undefined]);
      else expect([i.dstPath, i.refused?.detail.startsWith(`d/${want} is a symbolic link`)]).toEqual([i.dstPath, true]);
    }
    expect(plan.copies.filter((i) => i.refused !== undefined).length).toBeGreaterThan(10);
    expect(plan.bytes).toBe(plan.copies.filter((i) => i.refused === undefined).length);
  });
});
