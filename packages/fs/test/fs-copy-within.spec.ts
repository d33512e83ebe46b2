/**
 * `sourceWithin` / `destinationWithin` on copy and move: one storager opened at the common parent
 * of two directories confines each side to its own directory, checked on the directories it pins
 * (and the source file it opens), so a directory symlink inside either side that leads elsewhere
 * in the work_dir is refused (`InvalidArgument`, nothing changed), as is a source that is a
 * symbolic link. Without the options, links keep today's behaviour.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode, newStorager, type CopyOptions, type MoveOptions, type Storager } from "@stowage/core";
import "../src/index.js";
import { confinementOf } from "../src/confinement.js";
import { FsPaths } from "../src/paths.js";
import { moveInside } from "../src/relocate.js";
import type { WithinOptions } from "../src/within.js";
import { expectCode } from "./helpers.js";

let root: string;
let store: Storager;
const within: CopyOptions & MoveOptions & WithinOptions = { sourceWithin: "a/", destinationWithin: "b/" };
/** Other option values, typed as the fs driver takes them. */
const opts = (o: WithinOptions): CopyOptions & WithinOptions => o;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "stowage-fs-within-"));
  await mkdir(join(root, "a"));
  await mkdir(join(root, "b"));
  await mkdir(join(root, "c"));
  await writeFile(join(root, "a/f"), "SOURCE");
  await writeFile(join(root, "c/f"), "VICTIM");
  await writeFile(join(root, "c/secret"), "SECRET");
  store = newStorager(`fs://${root}/`);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every path below `dir` (links not followed) with a file's text, a link's target or "dir/". */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const path = join(dir, name);
    const st = await lstat(path);
    out[name] = st.isSymbolicLink() ? `-> ${await readlink(path)}` : st.isDirectory() ? "dir/" : await readFile(path, "utf8");
  }
  return out;
}

describe("a destination directory leading outside destinationWithin (inside the work_dir)", () => {
  it.each(["copy", "move"] as const)("%s is refused, nothing changed", async (op) => {
    await symlink("../c", join(root, "b/link"));
    const before = await tree(root);
    await expectCode(store[op]("a/f", "b/link/f", within), ErrorCode.InvalidArgument);
    await expect(store[op]("a/f", "b/link/f", within)).rejects.toThrow("path escapes destination_within");
    expect(await tree(root)).toEqual(before);
  });

  it.each(["copy", "move"] as const)("%s into directories still to make below such a link makes none of them", async (op) => {
    await symlink("../c", join(root, "b/link"));
    const before = await tree(root);
    await expectCode(store[op]("a/f", "b/link/new/deep/f", within), ErrorCode.InvalidArgument);
    expect(await tree(root)).toEqual(before);
  });

  it("the same copy without the options goes through the link (today's confinement: the work_dir only)", async () => {
    await symlink("../c", join(root, "b/link"));
    await store.copy("a/f", "b/link/f");
    expect(await readFile(join(root, "c/f"), "utf8")).toBe("SOURCE");
  });
});

describe("a source leading outside sourceWithin", () => {
  it.each(["copy", "move"] as const)("%s of a source file that is a link (to a file outside) is refused, nothing changed", async (op) => {
    await rm(join(root, "a/f"));
    await symlink("../c/secret", join(root, "a/f"));
    const before = await tree(root);
    await expectCode(store[op]("a/f", "b/f", within), ErrorCode.InvalidArgument);
    expect(await tree(root)).toEqual(before);
  });

  it.each(["copy", "move"] as const)("%s of a source file that is a link to a file inside is refused too (never followed)", async (op) => {
    await writeFile(join(root, "a/g"), "INSIDE");
    await symlink("g", join(root, "a/l"));
    const before = await tree(root);
    await expectCode(store[op]("a/l", "b/l", within), ErrorCode.InvalidArgument);
    expect(await tree(root)).toEqual(before);
  });

  it.each(["copy", "move"] as const)("%s through a source directory that is a link leading outside is refused", async (op) => {
    await symlink("../c", join(root, "a/dir"));
    const before = await tree(root);
    await expectCode(store[op]("a/dir/secret", "b/secret", within), ErrorCode.InvalidArgument);
    expect(await tree(root)).toEqual(before);
  });

  it("a move whose source name is a link when it runs (the quick look skipped) is refused by the relink, nothing changed", async () => {
    await rm(join(root, "a/f"));
    await symlink("../c/secret", join(root, "a/f"));
    await writeFile(join(root, "b/f"), "OLD");
    const before = await tree(root);
    const paths = new FsPaths(root);
    const confine = await confinementOf(paths, { ...within }, join(root, "a/f"), join(root, "b/f"));
    await expectCode(moveInside(paths, join(root, "a/f"), join(root, "b/f"), {}, false, confine), ErrorCode.InvalidArgument);
    expect(await tree(root)).toEqual(before);
  });
});

describe("copies and moves inside their directories", () => {
  it("copy works, into a new directory too", async () => {
    await store.copy("a/f", "b/new/deep/f", within);
    expect(await tree(join(root, "b"))).toEqual({ new: "dir/", "new/deep": "dir/", "new/deep/f": "SOURCE" });
    expect(await readFile(join(root, "a/f"), "utf8")).toBe("SOURCE");
  });

  it("move keeps the file's inode, mode bits and mtime, and replaces what was there", async () => {
    await chmod(join(root, "a/f"), 0o750);
    await utimes(join(root, "a/f"), 1_000_000, 1_000_000);
    await writeFile(join(root, "b/f"), "OLD");
    const was = await stat(join(root, "a/f"));
    await store.move("a/f", "b/f", within);
    const now = await stat(join(root, "b/f"));
    expect([now.ino, now.mode & 0o777, now.mtimeMs]).toEqual([was.ino, 0o750, was.mtimeMs]);
    expect([await readFile(join(root, "b/f"), "utf8"), await lstat(join(root, "a/f")).catch(() => "gone")]).toEqual(["SOURCE", "gone"]);
    // No temp name is left in either directory.
    expect([await readdir(join(root, "a")), await readdir(join(root, "b"))]).toEqual([[], ["f"]]);
  });

  it("a destination directory reached by a link inside destinationWithin is fine", async () => {
    await mkdir(join(root, "b/real"));
    await symlink("real", join(root, "b/alias"));
    await store.move("a/f", "b/alias/f", within);
    expect(await readFile(join(root, "b/real/f"), "utf8")).toBe("SOURCE");
  });

  it("refuses a value that is no directory key, or a side outside its directory, nothing changed", async () => {
    const before = await tree(root);
    await expectCode(store.copy("a/f", "b/f", opts({ sourceWithin: "a" })), ErrorCode.InvalidArgument);
    await expectCode(store.copy("a/f", "b/f", opts({ destinationWithin: "../b/" })), ErrorCode.InvalidArgument);
    await expectCode(store.move("a/f", "c/f", within), ErrorCode.InvalidArgument);
    await expectCode(store.copy("c/f", "b/f", within), ErrorCode.InvalidArgument);
    expect(await tree(root)).toEqual(before);
  });
});

describe("without the options, link sources keep today's behaviour", () => {
  it("copy of a link copies what it leads to; move of a link moves the link", async () => {
    await writeFile(join(root, "a/g"), "INSIDE");
    await symlink("g", join(root, "a/l"));
    await store.copy("a/l", "b/copied");
    expect(await readFile(join(root, "b/copied"), "utf8")).toBe("INSIDE");
    await store.move("a/l", "b/moved");
    expect((await lstat(join(root, "b/moved"))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(root, "b/moved"), "utf8")).toBe("INSIDE");
  });
});
