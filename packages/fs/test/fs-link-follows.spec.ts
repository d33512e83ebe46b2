import { promises as realFs } from "node:fs";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { withoutProc } from "./no-proc.js";

// Moves that hard-link their file (a move with `ifNotExists`, move-new.ts; a move confined with
// `sourceWithin`, relink.ts; a link moved with `ifNotExists`, links.ts) on both kinds of link(2):
// Linux's, which links a symbolic link itself, and that of macOS and the BSDs, which follows it
// and links what it leads to (POSIX leaves it to the system). A link is moved as a link, a link
// at the source is refused where the source is confined, and a link swapped in just before the
// link(2) places nothing, wherever it leads: never a second name of a file outside the work_dir
// or outside `sourceWithin`. Run as on Linux (with /proc paths) and as on macOS (no-proc.ts:
// without them, link(2) following).

let macos = false;
/** Runs once, just before the next link(2) of the driver (a source swapped in that instant). */
let swap: ((existing: string) => Promise<void>) | undefined;
await withoutProc({
  linkFollows: true,
  active: () => macos,
  beforeLink: async (existing) => {
    const hook = swap;
    swap = undefined;
    await hook?.(existing);
  },
});

const { confinementOf } = await import("../src/confinement.js");
const { moveNew } = await import("../src/move-new.js");
const { FsPaths } = await import("../src/paths.js");
const { moveInside } = await import("../src/relocate.js");
const { FsStorageDriver } = await import("../src/storager.js");
const { expectCode } = await import("./helpers.js");
const { sandbox } = await import("./setup.js");
type Sandbox = Awaited<ReturnType<typeof sandbox>>;

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
  await realFs.mkdir(join(s.root, "a"));
  await realFs.mkdir(join(s.root, "b"));
  await realFs.writeFile(join(s.root, "a/f"), "SOURCE");
  await realFs.writeFile(join(s.outside, "secret"), "SECRET");
});
afterEach(async () => {
  macos = false;
  swap = undefined;
  await s.cleanup();
});

const within = { sourceWithin: "a/", destinationWithin: "b/" };

/** Every path below `dir` (links not followed) with a file's text and link count, a link's target or "dir/". */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await realFs.readdir(dir, { recursive: true })).sort()) {
    const path = join(dir, name);
    const st = await realFs.lstat(path);
    out[name] = st.isSymbolicLink() ? `-> ${await realFs.readlink(path)}` : st.isDirectory() ? "dir/" : `${await realFs.readFile(path, "utf8")} (${st.nlink})`;
  }
  return out;
}

/** Both trees, the store's and the outside's. */
async function both(): Promise<{ store: Record<string, string>; outside: Record<string, string> }> {
  return { store: await tree(s.root), outside: await tree(s.outside) };
}

/** Swaps `a/f` for a link to the file outside the work_dir, just before the driver links it (by a path through /proc or not). */
function swapInOutwardLink(): void {
  swap = async (existing) => {
    if (basename(existing) !== "f") return;
    await realFs.rm(join(s.root, "a/f"));
    await realFs.symlink(join(s.outside, "secret"), join(s.root, "a/f"));
  };
}

describe.each([
  ["as on Linux: link(2) links a symbolic link itself", false],
  ["as on macOS: no /proc paths, link(2) follows a symbolic link", true],
])("fs moves that hard-link their file (%s)", (_, asMacos) => {
  beforeEach(() => {
    macos = asMacos;
  });

  it("a link moved with ifNotExists stays a link to the same target, a dangling one too; the source link goes", async () => {
    await realFs.writeFile(join(s.root, "target"), "t");
    await s.driver.createLink(s.key("l"), s.key("target"), {});
    await s.driver.createLink(s.key("dangling"), s.key("nowhere"), {});
    await s.driver.move(s.key("l"), s.key("b/l"), { ifNotExists: true });
    await s.driver.move(s.key("dangling"), s.key("b/dangling"), { ifNotExists: true });
    expect(await tree(s.root)).toEqual({ a: "dir/", "a/f": "SOURCE (1)", b: "dir/", "b/dangling": "-> ../nowhere", "b/l": "-> ../target", target: "t (1)" });
    expect(await s.driver.stat(s.key("b/l"), {})).toMatchObject({ mode: "link", linkTarget: join(s.root, "target") });
  });

  it("a link the storager does not move as a link (its target is no path of this work_dir: the real path, the work_dir opened through a symlink) is moved itself with ifNotExists", async () => {
    const alias = join(s.tmp, "alias");
    await realFs.symlink(s.root, alias);
    await realFs.symlink(join(s.root, "a/f"), join(s.root, "abs"));
    // A time (in µs) that Number(ns) / 1e9 carried over 1 µs early, as a CI run once caught.
    const stamp = (1795591716991314 + 0.5) / 1e6;
    await realFs.lutimes(join(s.root, "abs"), stamp, stamp);
    const driver = new FsStorageDriver(alias);
    const key = (path: string): string => alias.slice(1) + "/" + path;
    const mtime = (await realFs.lstat(join(s.root, "abs"), { bigint: true })).mtimeNs;
    await driver.move(key("abs"), key("b/abs"), { ifNotExists: true });
    expect(await tree(s.root)).toEqual({ a: "dir/", "a/f": "SOURCE (1)", b: "dir/", "b/abs": `-> ${join(s.root, "a/f")}` });
    // Its times kept, as a rename or a hard link of the link keeps them.
    expect((await realFs.lstat(join(s.root, "b/abs"), { bigint: true })).mtimeNs / 1000n).toBe(mtime / 1000n);
  });

  it.each(["move", "move with ifNotExists"])("%s confined to sourceWithin, the storager's look skipped: a source that is a link (to a file outside) is refused, nothing changed", async (op) => {
    await realFs.rm(join(s.root, "a/f"));
    await realFs.symlink(join(s.outside, "secret"), join(s.root, "a/f"));
    const before = await both();
    const paths = new FsPaths(s.root);
    const confine = await confinementOf(paths, { ...within }, join(s.root, "a/f"), join(s.root, "b/f"));
    await expectCode((op === "move" ? moveInside : moveNew)(paths, join(s.root, "a/f"), join(s.root, "b/f"), {}, false, confine), "InvalidArgument");
    expect(await both()).toEqual(before);
  });

  it.each([
    ["move confined to sourceWithin", { ...within }],
    ["move with ifNotExists confined to sourceWithin", { ...within, ifNotExists: true }],
    ["move with ifNotExists", { ifNotExists: true }],
  ])("%s whose source is swapped for a link to a file outside the work_dir just before its link(2): refused, nothing moved, no second name of that file", async (_, options) => {
    swapInOutwardLink();
    const error = await s.driver.move(s.key("a/f"), s.key("b/f"), options).then(() => undefined, (e: unknown) => e);
    // Linux links the link itself, refused as a link where the source is confined; macOS links the
    // file it leads to, another file than the one looked at.
    const code = !asMacos && "sourceWithin" in options ? "InvalidArgument" : "Conflict";
    await expectCode(Promise.reject(error), code);
    expect(await both()).toEqual({ store: { a: "dir/", "a/f": `-> ${join(s.outside, "secret")}`, b: "dir/" }, outside: { secret: "SECRET (1)" } });
  });
});
