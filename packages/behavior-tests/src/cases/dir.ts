import { expect } from "@jest/globals";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, randomData } from "../fixtures.js";
import { refuseMissing } from "./refusals.js";

/** A fresh dir path (no trailing `/`), removed with `mode: "dir"` after the case. */
function dirPath(t: CaseScope, prefix = ""): string {
  const path = t.key(prefix);
  t.defer(() => t.store.delete(path, { mode: "dir" }));
  return path;
}

async function refuse(t: CaseScope): Promise<void> {
  await expectError(() => t.store.createDir(t.key()), "CapabilityInsufficient");
}

/** Ports TestDirer DR1, DR3, DR4 (§7.4; there is no local `Create`, so DR2 folds into DR1/DR3). */
export function registerDirCases(suite: Suite): void {
  suite.gated(
    "createDir: creates a dir and is idempotent (DR1)",
    ["createDir"],
    async (t) => {
      const path = dirPath(t);
      const first = await t.store.createDir(path);
      expect(first.mode).toBe("dir");
      const o = await t.store.createDir(path);
      expect(o.path).toBe(path + "/");
      expect(o.mode).toBe("dir");
    },
    refuse,
  );

  suite.gated(
    "stat: mode dir on a created dir reports a dir (DR3)",
    ["createDir"],
    async (t) => {
      const path = dirPath(t);
      await t.store.createDir(path);
      const o = await t.store.stat(path, { mode: "dir" });
      expect(o.path).toBe(path + "/");
      expect(o.mode).toBe("dir");
    },
    refuse,
  );

  suite.gated(
    "stat: mode dir on a missing dir rejects with ObjectNotExist",
    ["createDir"],
    async (t) => {
      await expectError(() => t.store.stat(t.key(), { mode: "dir" }), "ObjectNotExist");
    },
    refuse,
  );

  suite.gated(
    "delete: mode dir deletes a created dir, and again succeeds (DR4)",
    ["createDir"],
    async (t) => {
      const path = dirPath(t);
      await t.store.createDir(path);
      await t.store.delete(path, { mode: "dir" });
      await t.store.delete(path, { mode: "dir" });
      await expectError(() => t.store.stat(path, { mode: "dir" }), "ObjectNotExist");
    },
    refuse,
  );

  suite.gated(
    "createDir: the dir shows in its parent's dir listing as one dir entry",
    ["createDir", "listDir"],
    async (t) => {
      const base = t.dir();
      const path = dirPath(t, base);
      await t.store.createDir(path);
      const items = await collect(t.store.list(base, { mode: "dir" }));
      expect(items.map((o) => [o.path, o.mode])).toEqual([[path + "/", "dir"]]);
    },
    refuseMissing("createDir", "listDir"),
  );

  suite.gated(
    "createDir: files can be written inside, and the dir lists them",
    ["createDir", "listDir"],
    async (t) => {
      const path = dirPath(t);
      await t.store.createDir(path);
      const file = t.key(path + "/");
      await t.store.write(file, randomData(5));
      const items = await collect(t.store.list(path + "/", { mode: "dir" }));
      expect(items.map((o) => o.path)).toEqual([file]);
    },
    refuseMissing("createDir", "listDir"),
  );
}
