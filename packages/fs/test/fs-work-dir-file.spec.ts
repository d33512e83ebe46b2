import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import "../src/index.js";
import { expectCode } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// A work_dir that is a regular file can hold no files: a listing of it is ObjectModeInvalid, not
// an empty listing (a copy from a mistyped work_dir would report nothing to do). A missing
// work_dir still lists as empty: it is made on the first write.

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

/** Every path a listing gives. */
async function listed(store: ReturnType<typeof newStorager>, path: string, options: Record<string, unknown> = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(path, options)) out.push(o.path);
  return out;
}

describe("fs: a work_dir that is no directory", () => {
  it("a regular file: listings in every mode, of any path, are ObjectModeInvalid", async () => {
    await writeFile(join(s.tmp, "file"), "not a directory");
    const store = newStorager(`fs://${join(s.tmp, "file")}/`);
    for (const options of [{ mode: "dir" }, { mode: "prefix" }, { mode: "part" }]) {
      await expectCode(listed(store, "", options), "ObjectModeInvalid");
      await expect(listed(store, "", options)).rejects.toThrow("the work_dir is not a directory");
    }
    await expectCode(listed(store, "sub/", { mode: "prefix" }), "ObjectModeInvalid");
    await expectCode(store.listPage("", { mode: "dir" }), "ObjectModeInvalid");
  });

  it("below a regular file: ObjectModeInvalid too", async () => {
    await writeFile(join(s.tmp, "file"), "not a directory");
    const store = newStorager(`fs://${join(s.tmp, "file", "work")}/`);
    await expectCode(listed(store, ""), "ObjectModeInvalid");
    await expect(listed(store, "", { mode: "prefix" })).rejects.toThrow("a file is in the place of a parent directory of the work_dir");
  });

  it("a missing work_dir lists as empty, and so does a missing directory or a file's path in a real one", async () => {
    expect(await listed(newStorager(`fs://${join(s.tmp, "missing")}/`), "")).toEqual([]);
    await writeFile(join(s.root, "f"), "x");
    const store = newStorager(`fs://${s.root}/`);
    expect(await listed(store, "none/")).toEqual([]);
    expect(await listed(store, "f/", { mode: "prefix" })).toEqual([]);
  });
});
