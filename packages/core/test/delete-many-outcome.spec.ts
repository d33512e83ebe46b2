/**
 * What core's delete and deleteMany refuse before anything is sent (the work_dir itself, directory
 * paths), and what a deleteMany that failed part-way reports: `error.batch`, path by path, with a
 * bounded message. Also the driver helper `runBatchDelete` (batch, then one by one, nothing after a failure).
 */
import { describe, expect, it } from "@jest/globals";
import { runBatchDelete, type KeyDeleteFailure } from "../src/driver/batch-delete.js";
import { storageError, type StorageError } from "../src/errors/storage-error.js";
import { openGated } from "./gated-driver.js";
import { openRecording } from "./recording-driver.js";

async function failure(fn: () => Promise<unknown>): Promise<StorageError> {
  const e = await fn().then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e === undefined) throw new Error("expected a rejection");
  return e as StorageError;
}

describe("the work_dir itself is never deleted", () => {
  it.each([
    ["", {}],
    ["/", {}],
    ["", { multipartId: "u1" }],
  ])("at the bucket root: delete(%j, mode dir) is InvalidArgument and reaches no driver method", async (path, extra) => {
    const { driver, store } = openRecording("/");
    const e = await failure(() => store.delete(path, { mode: "dir", ...extra }));
    expect(e.code).toBe("InvalidArgument");
    expect(e.detail).toContain("work_dir itself");
    expect(driver.calls).toEqual([]);
  });

  it.each(["", "/w/", "/w"])("below the root: delete(%j, mode dir) is InvalidArgument; a directory inside still goes", async (path) => {
    const { driver, store } = openRecording("/w/");
    await expect(store.delete(path, { mode: "dir" })).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(driver.calls).toEqual([]);
    await store.delete("sub", { mode: "dir" });
    expect(driver.calls).toEqual([{ method: "deleteDir", keys: ["w/sub/"] }]);
  });
});

describe("deleteMany checks directory paths before anything is deleted", () => {
  it("a directory path among objects is ObjectModeInvalid naming its position, and no delete is sent", async () => {
    const { driver, store } = openRecording("/");
    driver.stat = async (key: string) => {
      driver.calls.push({ method: "stat", keys: [key] });
      if (key === "d/") return { key, mode: "dir" };
      throw storageError("ObjectNotExist", "no");
    };
    const e = await failure(() => store.deleteMany(["a", "nothing/", "d/", "b"]));
    expect(e.code).toBe("ObjectModeInvalid");
    expect(e.detail).toContain("key 2 of the batch");
    expect(driver.calls.filter((c) => c.method !== "stat")).toEqual([]);
    // A directory path where nothing is stays idempotent, as delete("nothing/") is.
    await store.deleteMany(["a", "nothing/"]);
    expect(driver.calls.at(-1)).toEqual({ method: "deleteMany", keys: ["a", "nothing/"] });
  });
});

describe("a deleteMany that failed says, path by path, what happened", () => {
  it("per-key failures a driver reports come back as the caller's paths, with codes", async () => {
    const { driver, store } = openRecording("/w/");
    driver.deleteMany = async (keys: string[]) => {
      throw storageError("PermissionDenied", "delete_objects: AccessDenied: no", {
        batch: { failed: [{ path: "w/b", code: "PermissionDenied", serviceCode: "AccessDenied" }], deleted: keys.filter((k) => k !== "w/b"), notAttempted: [] },
      });
    };
    const e = await failure(() => store.deleteMany(["a", "b", "/w/c", "c", "b"]));
    expect(e.code).toBe("PermissionDenied");
    expect(e.batch).toEqual({ failed: [{ path: "b", code: "PermissionDenied", serviceCode: "AccessDenied" }], deleted: ["a", "/w/c", "c"], notAttempted: [] });
    expect(e.detail).toContain('1 of 4 paths failed ("b" AccessDenied), 3 deleted, 0 not attempted');
    expect(e.op).toBe("delete");
  });

  it("a batch failing as a whole: earlier batches deleted, its paths failed, later ones not attempted; the message stays short", async () => {
    const { driver, store } = openRecording("/");
    let calls = 0;
    driver.deleteMany = async () => {
      if (++calls === 2) throw storageError("ServiceInternal", "delete_objects: InternalError: busy");
    };
    const paths = Array.from({ length: 2500 }, (_, i) => `k/${String(i).padStart(4, "0")}-${"x".repeat(200)}`);
    const e = await failure(() => store.deleteMany(paths));
    expect(e.code).toBe("ServiceInternal");
    expect(e.retryable).toBe(true);
    expect(e.batch!.deleted).toEqual(paths.slice(0, 1000));
    expect(e.batch!.failed.map((f) => f.path)).toEqual(paths.slice(1000, 2000));
    expect(new Set(e.batch!.failed.map((f) => f.code))).toEqual(new Set(["ServiceInternal"]));
    expect(e.batch!.notAttempted).toEqual(paths.slice(2000));
    expect(calls).toBe(2);
    expect(e.detail).toContain("and 997 more");
    expect(e.detail.length).toBeLessThan(600);
    // The context names the first paths only (error.path keeps all 2500).
    expect(e.message.length).toBeLessThan(1500);
    expect(e.message).toContain("2497 more]");
    expect(e.path).toHaveLength(2500);
    expect(e.toJSON()["batch"]).toEqual({ failed: 1000, deleted: 1000, notAttempted: 500 });
  });

  it("an abort between batches: Aborted, with what was deleted and what was not attempted", async () => {
    const { driver, store } = openRecording("/");
    const controller = new AbortController();
    driver.deleteMany = async () => controller.abort();
    const paths = Array.from({ length: 1500 }, (_, i) => `k${i}`);
    const e = await failure(() => store.deleteMany(paths, { signal: controller.signal }));
    expect(e.code).toBe("Aborted");
    expect(e.batch).toEqual({ failed: [], deleted: paths.slice(0, 1000), notAttempted: paths.slice(1000) });
  });

  it("one at a time (no batch delete): the failed path, those deleted, those never started", async () => {
    const { driver, store } = openGated();
    const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    driver.delete = async (key: string): Promise<void> => {
      if (key === "k03") throw storageError("PermissionDenied", "no");
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    const e = await failure(() => store.deleteMany(keys));
    expect(e.batch).toEqual({ failed: [{ path: "k03", code: "PermissionDenied" }], deleted: keys.slice(0, 8).filter((k) => k !== "k03"), notAttempted: keys.slice(8) });
  });
});

describe("runBatchDelete (a driver's deleteMany)", () => {
  const boom = storageError("PermissionDenied", "delete_objects: AccessDenied: no");

  it("refuses an empty key (the bucket's root) before anything is sent", async () => {
    const sent: string[] = [];
    const steps = { fitsBatch: () => true, batch: async (k: string[]) => (sent.push(...k), []), single: async (k: string) => void sent.push(k) };
    await expect(runBatchDelete(["a", ""], steps)).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("key 1") });
    expect(sent).toEqual([]);
  });

  it("sends no single delete after the batch reported a failed key, and names every key", async () => {
    const singles: string[] = [];
    const e = await failure(() =>
      runBatchDelete(["a", "b", "c\u0001", "d"], {
        fitsBatch: (k) => !k.includes("\u0001"),
        batch: async (): Promise<KeyDeleteFailure[]> => [{ key: "b", error: boom, serviceCode: "AccessDenied" }],
        single: async (k) => void singles.push(k),
      }),
    );
    expect(singles).toEqual([]);
    expect(e.code).toBe("PermissionDenied");
    expect(e.batch).toEqual({ failed: [{ path: "b", code: "PermissionDenied", serviceCode: "AccessDenied" }], deleted: ["a", "d"], notAttempted: ["c\u0001"] });
  });

  it("an answer naming a key that was not sent: named keys keep their codes, the others are not confirmed deleted", async () => {
    const singles: string[] = [];
    const e = await failure(() =>
      runBatchDelete(["a", "b", "c", "d\u0001"], {
        fitsBatch: (k) => !k.includes("\u0001"),
        batch: async (): Promise<KeyDeleteFailure[]> => [
          { key: "zz", error: boom, serviceCode: "AccessDenied" },
          { key: "b", error: boom, serviceCode: "AccessDenied" },
        ],
        single: async (k) => void singles.push(k),
      }),
    );
    expect(singles).toEqual([]);
    expect(e.code).toBe("Unexpected");
    expect(e.detail).toContain("named a key that was not sent");
    expect(e.detail).toContain("2 of 3 sent keys not confirmed deleted");
    // "b" was refused by name; "a" and "c" carry no service code: the CLI says "not confirmed deleted".
    expect(e.batch).toEqual({
      failed: [
        { path: "a", code: "Unexpected" },
        { path: "b", code: "PermissionDenied", serviceCode: "AccessDenied" },
        { path: "c", code: "Unexpected" },
      ],
      deleted: [],
      notAttempted: ["d\u0001"],
    });
  });

  it("through core's deleteMany, keys an inconsistent answer leaves out stay failed with no service code", async () => {
    const { driver, store } = openRecording("/w/");
    driver.deleteMany = async (keys: string[]) => runBatchDelete(keys, { fitsBatch: () => true, batch: async () => [{ key: "w/zz", error: boom, serviceCode: "AccessDenied" }], single: async () => undefined });
    const e = await failure(() => store.deleteMany(["a", "b"]));
    expect(e.code).toBe("Unexpected");
    expect(e.batch).toEqual({ failed: [{ path: "a", code: "Unexpected" }, { path: "b", code: "Unexpected" }], deleted: [], notAttempted: [] });
    expect(e.detail).toContain("not sent");
  });

  it("a failed single delete stops the others", async () => {
    const singles: string[] = [];
    const e = await failure(() =>
      runBatchDelete(["x\u0001", "y\u0001", "z\u0001", "ok"], {
        fitsBatch: (k) => !k.includes("\u0001"),
        batch: async () => [],
        single: async (k) => {
          singles.push(k);
          if (k === "y\u0001") throw boom;
        },
      }),
    );
    expect(singles).toEqual(["x\u0001", "y\u0001"]);
    expect(e.batch).toEqual({ failed: [{ path: "y\u0001", code: "PermissionDenied" }], deleted: ["ok", "x\u0001"], notAttempted: ["z\u0001"] });
  });
});
