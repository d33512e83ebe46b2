/**
 * Before a move on fs, core walks the chain of links the source leads through to refuse a link
 * moved onto its own target (link-checks.ts). A target that fs will not stat (a fifo, a path that a
 * directory symlink takes outside the work_dir) is no link the walk can follow, and renaming the
 * link needs nothing of it: the move goes ahead (review-fixes13 M1). A link onto its target is
 * still refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { lstat, mkdtemp, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { newStorager } from "@stowage/core";
import "../src/index.js";

let root: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "stowage-fs-mlt-"));
  outside = await mkdtemp(join(tmpdir(), "stowage-fs-mlt-out-"));
  await writeFile(join(outside, "f"), "outside");
  await symlink(outside, join(root, "out")); // a directory symlink leading outside the work_dir
  await symlink(join(root, "out", "f"), join(root, "through-out")); // a link whose target lies beyond it
  execFileSync("mkfifo", [join(root, "fifo")]);
  await symlink(join(root, "fifo"), join(root, "to-fifo"));
  await writeFile(join(root, "target"), "keep me");
  await symlink(join(root, "target"), join(root, "to-target"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const isLink = async (name: string): Promise<boolean> => (await lstat(join(root, name)).catch(() => undefined))?.isSymbolicLink() === true;

describe("fs move of a link whose target fs will not stat", () => {
  it("a link through a directory symlink leading outside the work_dir is renamed", async () => {
    const store = newStorager(`fs://${root}/`);
    await store.move("through-out", "through-out-2");
    expect([await isLink("through-out"), await isLink("through-out-2")]).toEqual([false, true]);
    // Still leading where it led (fs writes a link's target relative to the link).
    expect(resolve(root, await readlink(join(root, "through-out-2")))).toBe(join(root, "out", "f"));
    expect(await readFile(join(outside, "f"), "utf8")).toBe("outside");
  });

  it("a link to a fifo is renamed", async () => {
    const store = newStorager(`fs://${root}/`);
    await store.move("to-fifo", "to-fifo-2");
    expect([await isLink("to-fifo"), await isLink("to-fifo-2")]).toEqual([false, true]);
  });

  it("a link moved onto its own target is still refused, the target kept", async () => {
    const store = newStorager(`fs://${root}/`);
    await expect(store.move("to-target", "target")).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(await readFile(join(root, "target"), "utf8")).toBe("keep me");
    expect(await isLink("to-target")).toBe(true);
  });
});
