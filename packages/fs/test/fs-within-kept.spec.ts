/**
 * `source_within` / `destination_within` confine to the directory the first call found there, as a
 * storager opened at that directory keeps its work_dir's real path: a side's directory renamed away
 * and replaced by a link between two calls does not move the confinement (review-fixes15 H1: the
 * real path was looked up again on every call, so the second copy or move followed the link).
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newStorager, type CopyOptions, type MoveOptions, type Storager } from "@stowage/core";
import "../src/index.js";
import type { WithinOptions } from "../src/within.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "stowage-fs-within-kept-"));
  for (const d of ["a", "b", "victim", "secret"]) await mkdir(join(root, d));
  await writeFile(join(root, "a/f1"), "ONE");
  await writeFile(join(root, "a/f2"), "TWO");
  await writeFile(join(root, "victim/f2"), "VICTIM");
  await writeFile(join(root, "secret/f2"), "SECRET");
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const within: CopyOptions & MoveOptions & WithinOptions = { sourceWithin: "a/", destinationWithin: "b/" };

/** Puts a link to `target` where directory `name` was (the directory renamed away). */
async function swap(name: string, target: string): Promise<void> {
  await rename(join(root, name), join(root, `${name}.old`));
  await symlink(target, join(root, name));
}

describe("a confined copy or move after a side's directory was swapped for a link", () => {
  it.each(["copy", "move"] as const)("%s: the destination swapped is refused, the victim kept", async (op) => {
    const shared: Storager = newStorager(`fs://${root}/`);
    await shared[op]("a/f1", "b/f1", within);
    await swap("b", "victim");
    await expect(shared[op]("a/f2", "b/f2", within)).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(await readFile(join(root, "victim/f2"), "utf8")).toBe("VICTIM");
    expect((await readdir(join(root, "a"))).sort()).toEqual(op === "move" ? ["f2"] : ["f1", "f2"]);
  });

  it("copy: the source swapped is refused, nothing of it read", async () => {
    const shared: Storager = newStorager(`fs://${root}/`);
    await shared.copy("a/f1", "b/f1", within);
    await swap("a", "secret");
    await expect(shared.copy("a/f2", "b/f2", within)).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(await readdir(join(root, "b"))).toEqual(["f1"]);
  });
});
