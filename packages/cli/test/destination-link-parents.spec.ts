/**
 * A symbolic link inside a destination directory, at a path a source object's path passes through
 * (`dst/inner -> other` while the source holds `inner/x`): a tree copy never writes through it
 * (on fs that wrote `other/x`, exit 0, and every later run wrote it again). The object fails
 * (`ObjectModeInvalid`, exit 10) naming the link, nothing is written for it, `--delete` is held
 * back as after any failed copy, and a dry run says the same. Decided on the listing the planner
 * already has. A path the user names in full (`cp x dst/inner/x`) is followed, as cp(1) does.
 */
import { describe, expect, it } from "@jest/globals";
import { lstat, readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { newStorager, type ObjectInfo, type Storager } from "@stowage/core";
import "@stowage/memory";
import type { Endpoint } from "../src/locations.js";
import { linkOnTheWay, refuseThroughLinks } from "../src/transfer/link-parents.js";
import type { Plan, PlanItem } from "../src/transfer/planner.js";
import { exists, readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);
const REFUSED = "is a symbolic link (to ";

/** `s/inner/x` and `s/other/x` (same size, other bytes), and `d/` with `d/other/x` and `d/inner -> other`. */
async function trees(name: string, extra: Record<string, string> = {}): Promise<{ s: string; d: string }> {
  const s = join(ws.work, name, "s");
  const d = join(ws.work, name, "d");
  await writeTree(s, { "inner/x": "INNER-X", "other/x": "OTHER-X" });
  await writeTree(d, { "other/x": "OTHER-X", ...extra });
  await symlink("other", join(d, "inner"), "dir");
  return { s: s + "/", d: d + "/" };
}

describe("a directory symlink inside a local destination", () => {
  it("sync refuses the object that would go through it, on every run, and writes nothing there", async () => {
    const { s, d } = await trees("sync");
    for (let run = 1; run <= 2; run++) {
      const r = await cli(["sync", "--stats-json", s, d]);
      expect([run, r.code]).toEqual([run, 10]);
      expect(r.stderr).toContain(`stowage: sync inner/x: ObjectModeInvalid: ${d}inner ${REFUSED}${join(d, "other")}): not written through`);
      expect(JSON.parse(r.stdout.trim())).toMatchObject({ objects: { failed: 1 }, failures: [{ path: "inner/x", code: "ObjectModeInvalid" }] });
      expect(await readFile(join(d, "other/x"), "utf8")).toBe("OTHER-X");
      expect((await lstat(join(d, "inner"))).isSymbolicLink()).toBe(true);
    }
  });

  it("sync --delete holds the deletes back, and a dry run says so (exit 10, nothing would be deleted)", async () => {
    const { s, d } = await trees("delete", { extra: "kept" });
    const dry = await cli(["sync", "--delete", "--dry-run", s, d]);
    expect(dry.code).toBe(10);
    expect(dry.stderr).toContain(`sync inner/x: ObjectModeInvalid: ${d}inner ${REFUSED}`);
    expect(dry.stderr).toContain("would not delete 2 extra objects because some copies would fail");
    expect(dry.stderr).toContain("sync: would copy 0 objects (0 B), skipped 1, failed 1, not attempted 2");
    expect(dry.stdout).toBe("");

    const r = await cli(["sync", "--delete", s, d]);
    expect(r.code).toBe(10);
    expect(r.stderr).toContain("not deleting 2 extra objects because some copies failed");
    expect(await readTree(d)).toEqual({ extra: "kept", "other/x": "OTHER-X" });
    expect((await lstat(join(d, "inner"))).isSymbolicLink()).toBe(true);
  });

  it("cp -r refuses it too, and mv -r keeps its source", async () => {
    for (const command of [["cp", "-r"], ["mv", "-r"]]) {
      const { s, d } = await trees(command[0]!);
      const r = await cli([...command, s, d]);
      expect([command, r.code]).toEqual([command, 10]);
      expect(r.stderr).toContain(`${command[0]} inner/x: ObjectModeInvalid: ${d}inner ${REFUSED}`);
      expect(await readFile(join(d, "other/x"), "utf8")).toBe("OTHER-X");
      expect(await readFile(join(s, "inner/x"), "utf8")).toBe("INNER-X");
    }
  });

  it("a link deeper in the tree, and a link to a file, are refused the same way", async () => {
    const s = join(ws.work, "deep", "s");
    const d = join(ws.work, "deep", "d");
    await writeTree(s, { "a/b/c/x": "X", "f/y": "Y" });
    await writeTree(d, { "a/real/keep": "K", plain: "P" });
    await symlink("real", join(d, "a/b"), "dir");
    await symlink("plain", join(d, "f"));
    const r = await cli(["cp", "-r", s + "/", d + "/"]);
    expect(r.code).toBe(10);
    expect(r.stderr).toContain(`cp a/b/c/x: ObjectModeInvalid: ${d}/a/b ${REFUSED}`);
    expect(r.stderr).toContain(`cp f/y: ObjectModeInvalid: ${d}/f ${REFUSED}`);
    expect(await readTree(d)).toEqual({ "a/real/keep": "K", plain: "P" });
    expect(await exists(join(d, "a/real/c"))).toBe(false);
  });

  it("a link the user names is followed, as cp(1) does: the destination directory itself, or a full object path", async () => {
    const { s, d } = await trees("named");
    const one = await cli(["cp", join(s, "inner/x"), join(d, "inner/x")]);
    expect(one.code).toBe(0);
    expect(await readFile(join(d, "other/x"), "utf8")).toBe("INNER-X");
    await writeTree(s, { "inner/y": "INNER-Y" });
    const tree = await cli(["sync", join(s, "inner/"), join(d, "inner/")]);
    expect(tree.code).toBe(0);
    expect(await readTree(join(d, "other"))).toEqual({ x: "INNER-X", y: "INNER-Y" });
  });
});

describe("a link inside a memory destination", () => {
  it.each([[[] as string[]], [["--no-server-side"]]])("sync %j refuses the object before any write", async (flags) => {
    const name = `dstlink${flags.length}`;
    const store = newStorager(`memory://${name}/`);
    await store.write("src/inner/x", Buffer.from("INNER-X"));
    await store.write("src/top", Buffer.from("T"));
    await store.write("dst/other/x", Buffer.from("OTHER-X"));
    await store.createLink("dst/inner", "/dst/other");
    const r = await cli(["sync", ...flags, `memory://${name}/src/`, `memory://${name}/dst/`]);
    expect(r.code).toBe(10);
    expect(r.stderr).toContain(`sync inner/x: ObjectModeInvalid: memory://${name}/dst/inner ${REFUSED}/dst/other): not written through`);
    const keys: string[] = [];
    for await (const o of store.list("dst/", { mode: "prefix" })) keys.push(`${o.path}:${o.mode}`);
    expect(keys.sort()).toEqual(["dst/inner:link", "dst/other/x:file", "dst/top:file"]);
  });
});

describe("refuseThroughLinks", () => {
  const link: ObjectInfo = { path: "inner", mode: "link", linkTarget: "/d/other" };
  const item = (dstPath: string): PlanItem => ({ rel: dstPath, srcPath: dstPath, dstPath, src: { path: dstPath, mode: "file", size: 3 }, size: 3, reason: "new" });
  const endpoint = (virtualDir: boolean): Endpoint =>
    ({ loc: { display: "d/" }, dir: "/d/", store: { features: { virtualDir }, info: { service: "x" } } as unknown as Storager }) as unknown as Endpoint;

  it("finds a link at any parent path, not at the object itself nor at a mere name prefix", () => {
    const listed = new Map([["inner", link], ["in", { ...link, path: "in" }]]);
    expect(linkOnTheWay(listed, "inner/a/b")?.path).toBe("inner");
    expect(linkOnTheWay(listed, "inner")).toBeUndefined();
    expect(linkOnTheWay(listed, "innerx/a")).toBeUndefined();
  });

  it("leaves an object store's keys alone (a key `inner` and a key `inner/x` are independent)", () => {
    const plan: Plan = { copies: [item("inner/x"), item("y")], skipped: [], deletes: [], bytes: 6, links: 0, specials: [] };
    refuseThroughLinks(plan, new Map([["inner", link]]), endpoint(true));
    expect(plan.copies.map((i) => i.refused)).toEqual([undefined, undefined]);
    refuseThroughLinks(plan, new Map([["inner", link]]), endpoint(false));
    expect(plan.copies.map((i) => i.refused?.code)).toEqual(["ObjectModeInvalid", undefined]);
    expect(plan.bytes).toBe(3);
  });
});
