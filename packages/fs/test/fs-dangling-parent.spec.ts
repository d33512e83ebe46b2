import { lstat, readdir, readlink, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import "../src/index.js";
import { expectCode } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// A symbolic link that leads to no directory (dangling, or to a file) in the place of a parent
// directory: a write or createDir through it is ObjectModeInvalid, as a file in the place of a
// parent is, saying a link is in the way (not ObjectNotExist, "no such object", for a new
// object), and nothing is made: not where the link leads, inside or outside the work_dir.

let s: Sandbox;
let store: Storager;
beforeEach(async () => {
  s = await sandbox();
  store = newStorager(`fs://${s.root}/`);
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs: a dangling symlink in the place of a parent directory", () => {
  it("write and createDir through it are ObjectModeInvalid naming the link; nothing is made inside or outside", async () => {
    await symlink("nowhere", join(s.root, "dangling"));
    await symlink(join(s.outside, "new-dir"), join(s.root, "dangling-out"));
    await writeFile(join(s.root, "file"), "f");
    await symlink("file", join(s.root, "to-file"));
    for (const [key, dir] of [
      ["dangling/x", "dangling"],
      ["dangling/deeper/x", "dangling"],
      ["dangling-out/x", "dangling-out"],
      ["to-file/x", "to-file"],
    ] as const) {
      await expectCode(store.write(key, "x"), "ObjectModeInvalid");
      await expect(store.write(key, "x")).rejects.toThrow(`a symbolic link that leads to no directory (dangling, or to a file) is in the way of the directory "${dir}/"`);
    }
    await expectCode(store.createDir("dangling/"), "ObjectModeInvalid");
    await expectCode(store.createDir("dangling/sub/"), "ObjectModeInvalid");
    await expectCode(store.createDir("dangling-out/"), "ObjectModeInvalid");
    expect(await readdir(s.outside)).toEqual([]);
    expect((await readdir(s.root)).sort()).toEqual(["dangling", "dangling-out", "file", "to-file"]);
    expect(await readlink(join(s.root, "dangling"))).toBe("nowhere");
    expect((await lstat(join(s.root, "dangling-out"))).isSymbolicLink()).toBe(true);
  });

  it("reads through it stay ObjectNotExist: there is no such object", async () => {
    await symlink("nowhere", join(s.root, "dangling"));
    await expectCode(store.read("dangling/x"), "ObjectNotExist");
    await expectCode(store.stat("dangling/x"), "ObjectNotExist");
  });
});
