import { expect } from "@jest/globals";
import type { CaseScope, Suite } from "../context.js";
import { expectError, uniqueName } from "../fixtures.js";

/** A fresh directory name `<uuid>/` whose directory is removed (mode dir) after the case, after what is written in it. */
function dirName(t: CaseScope): string {
  const dir = `${uniqueName()}/`;
  t.defer(() => t.store.delete(dir, { mode: "dir" }));
  return dir;
}

/**
 * What delete and deleteMany refuse, the same on every storage, before anything is deleted:
 * the work_dir itself, and directory paths among the objects of a deleteMany.
 */
export function registerDeleteCases(suite: Suite): void {
  suite.test("delete: the work_dir itself (\"\" or its absolute path, mode dir) is InvalidArgument and removes nothing", async (t) => {
    const kept = t.key();
    await t.store.write(kept, "kept");
    const workDir = t.store.info.workDir;
    for (const path of ["", workDir, workDir.slice(0, -1)]) {
      const e = await expectError(() => t.store.delete(path, { mode: "dir" }), "InvalidArgument");
      expect(e.detail).toContain("work_dir itself");
    }
    expect((await t.store.stat(kept)).size).toBe(4);
    await expectError(() => t.store.deleteMany([""]), "InvalidArgument");
    await expectError(() => t.store.deleteMany([kept, workDir]), "InvalidArgument");
    expect((await t.store.stat(kept)).size).toBe(4);
  });

  suite.test("deleteMany: a directory path among objects is ObjectModeInvalid naming its position, and nothing is deleted", async (t) => {
    const dir = dirName(t);
    const a = t.key();
    const inside = t.key(dir);
    const b = t.key();
    for (const p of [a, inside, b]) await t.store.write(p, "x");
    const e = await expectError(() => t.store.deleteMany([a, dir, b]), "ObjectModeInvalid");
    expect(e.detail).toContain("key 1 of the batch");
    for (const p of [a, inside, b]) expect((await t.store.stat(p)).size).toBe(1);
  });

  suite.gated(
    "deleteMany: the path of a created (empty) directory is ObjectModeInvalid, and the directory stays",
    ["createDir"],
    async (t) => {
      const dir = dirName(t);
      await t.store.createDir(dir);
      await expectError(() => t.store.deleteMany([dir]), "ObjectModeInvalid");
      expect((await t.store.stat(dir, { mode: "dir" })).mode).toBe("dir");
    },
    async (t) => {
      await expectError(() => t.store.createDir(dirName(t)), "CapabilityInsufficient");
    },
  );

  suite.test("deleteMany: a directory path where nothing is, is no error (as delete of it is not)", async (t) => {
    const a = t.key();
    await t.store.write(a, "x");
    await t.store.deleteMany([a, `${uniqueName()}/`]);
    await expectError(() => t.store.stat(a), "ObjectNotExist");
  });
}
