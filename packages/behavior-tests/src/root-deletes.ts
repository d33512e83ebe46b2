import { expect } from "@jest/globals";
import type { Storager } from "@stowage/core";
import { expectError } from "./fixtures.js";

/**
 * At a bucket's root (a storager opened with work_dir `/`), where the work_dir's key is empty and a
 * DELETE of it would name the bucket: `delete("", { mode: "dir" })`, `delete("/", { mode: "dir" })`
 * and `deleteMany(["/"])` are `InvalidArgument` whether the bucket is empty or holds an object, the
 * bucket is still there afterwards (a write works, the object is kept), and `deletesSent()` (the
 * delete requests the service got; leave it out where there is no service) does not move.
 */
export async function checkRootDeletes(store: Storager, deletesSent: () => number = () => 0): Promise<void> {
  expect(store.info.workDir).toBe("/");
  const before = deletesSent();
  const refuseAll = async (): Promise<void> => {
    for (const path of ["", "/"]) {
      const e = await expectError(() => store.delete(path, { mode: "dir" }), "InvalidArgument");
      expect(e.detail).toContain("work_dir itself");
    }
    await expectError(() => store.deleteMany(["/"]), "InvalidArgument");
  };
  await refuseAll();
  await store.write("root-probe.txt", "still here");
  await refuseAll();
  expect((await store.read("root-probe.txt")).toString()).toBe("still here");
  expect(deletesSent()).toBe(before);
  await store.delete("root-probe.txt");
}
