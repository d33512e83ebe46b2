/**
 * `rm -r` and `sync --delete` when the service refuses some keys of a batch delete (as COS, OSS and
 * QingStor answer DeleteObjects with per-key errors): one line per path not deleted (at most 20,
 * then a count), a summary and `--stats-json` that count what was really deleted, and the first
 * failure's exit code. A "refusing" service (memory underneath) refuses keys whose name starts
 * with `locked` with `PermissionDenied` / `AccessDenied`, and deletes the others of the batch.
 * A "lossy" one deletes every key of the batch and then fails as a whole with `ServiceInternal` (an
 * answer lost): its paths are `not confirmed deleted`, not `not deleted`. A "walled" one refuses
 * every batch as a whole (`PermissionDenied`) and refuses to write a key ending in `broken.txt`.
 */
import { describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, runBatchDelete, storageError, type KeyDeleteFailure } from "@stowage/core";
import { EXIT_CODES } from "../src/errors.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);
const refused = (key: string): boolean => (key.split("/").pop() ?? "").startsWith("locked");

useMemoryVariant("refusing", (driver) => {
  const deleteOne = driver.delete.bind(driver);
  driver.deleteMany = (keys, options) =>
    runBatchDelete(keys, {
      fitsBatch: () => true,
      batch: async (batch) => {
        const failures: KeyDeleteFailure[] = [];
        for (const key of batch) {
          if (refused(key)) failures.push({ key, error: storageError(ErrorCode.PermissionDenied, "Access Denied."), serviceCode: "AccessDenied" });
          else await deleteOne(key, options);
        }
        return failures;
      },
      single: (key) => deleteOne(key, options),
    });
  return driver;
});
useMemoryVariant("lossy", (driver) => {
  const deleteOne = driver.delete.bind(driver);
  driver.deleteMany = async (keys, options) => {
    for (const key of keys) await deleteOne(key, options);
    throw storageError(ErrorCode.ServiceInternal, "network failure during delete_objects (ECONNRESET)");
  };
  return driver;
});
useMemoryVariant("walled", (driver) => {
  const write = driver.write.bind(driver);
  driver.write = (key, body, options) => (key.endsWith("broken.txt") ? Promise.reject(storageError(ErrorCode.PermissionDenied, "Access Denied.")) : write(key, body, options));
  driver.deleteMany = () => Promise.reject(storageError(ErrorCode.PermissionDenied, "Access Denied."));
  return driver;
});

/** The keys in the named memory store. */
async function keysOf(store: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of newStorager(`memory://${store}/`).list("", { mode: "prefix" })) keys.push(o.path);
  return keys.sort();
}

describe("rm -r, when some deletes of the batch are refused", () => {
  it("names each path not deleted (escaped as elsewhere), counts what was deleted, and exits with the first failure's code", async () => {
    const store = newStorager("memory://pd-rm/");
    const files: Record<string, string> = { "t/a.txt": "a", "t/b.txt": "bb", "t/locked-1.txt": "ccc", "t/sub/c.txt": "dddd", "t/sub/locked\n2.txt": "eeeee" };
    for (const [key, body] of Object.entries(files)) await store.write(key, body);
    const r = await run(["rm", "-r", "--yes", "refusing://pd-rm/t/"]);
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      "stowage: rm locked-1.txt: not deleted: PermissionDenied (AccessDenied)",
      "stowage: rm sub/locked\\n2.txt: not deleted: PermissionDenied (AccessDenied)",
      "rm: deleted 3 of 5 objects (7 B), failed 2",
    ]);
    expect(await keysOf("pd-rm")).toEqual(["t/locked-1.txt", "t/sub/locked\n2.txt"]);
  });

  it("prints at most 20 failed paths, then how many more failed and how many were never attempted", async () => {
    const store = newStorager("memory://pd-many/");
    // 1,030 objects, listed in key order: core sends 1,000 per batch, so the 25 refused in the first batch leave the last 30 unsent.
    for (let i = 0; i < 1030; i++) await store.write(`d/${i < 25 ? "locked-" : "m-"}${String(i).padStart(4, "0")}`, "x");
    const r = await run(["rm", "-r", "--yes", "refusing://pd-many/d/"]);
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines.filter((l) => l.endsWith(": not deleted: PermissionDenied (AccessDenied)"))).toHaveLength(20);
    expect(lines.slice(20)).toEqual(["stowage: rm: … and 5 more not deleted", "stowage: rm: 30 more not attempted after the failure", "rm: deleted 975 of 1030 objects (975 B), failed 25, not attempted 30"]);
    expect(await keysOf("pd-many")).toHaveLength(55);
  });
});

describe("sync --delete, when some deletes of the batch are refused", () => {
  it("names each extra not deleted; the summary and --stats-json count the deleted and the failed; exit code of the first failure", async () => {
    const src = newStorager("memory://pd-src/");
    await src.write("a.txt", "a");
    const dst = newStorager("memory://pd-dst/");
    for (const key of ["a.txt", "x1.txt", "x2.txt", "locked-1.txt", "sub/locked-2.txt"]) await dst.write(key, key === "a.txt" ? "a" : "old");
    const r = await run(["sync", "--delete", "--stats-json", "--no-checkpoint", "memory://pd-src/", "refusing://pd-dst/"]);
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    const stats = JSON.parse(r.stdout) as { objects: Record<string, number>; failures: Array<Record<string, string>> };
    expect(stats.objects).toMatchObject({ copied: 0, skipped: 1, deleted: 2, failed: 2 });
    expect(stats.failures.sort((x, y) => (x["path"]! < y["path"]! ? -1 : 1))).toEqual([
      { path: "locked-1.txt", code: "PermissionDenied", message: "not deleted: PermissionDenied (AccessDenied)" },
      { path: "sub/locked-2.txt", code: "PermissionDenied", message: "not deleted: PermissionDenied (AccessDenied)" },
    ]);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toEqual(
      expect.arrayContaining([
        "stowage: sync locked-1.txt: not deleted: PermissionDenied (AccessDenied)",
        "stowage: sync sub/locked-2.txt: not deleted: PermissionDenied (AccessDenied)",
        "stowage: 2 of 4 extra objects not deleted; see the messages above",
      ]),
    );
    expect(lines.find((l) => l.startsWith("sync: copied"))).toMatch(/^sync: copied 0 objects \(0 B\), skipped 1, deleted 2, failed 2, in /);
    expect(await keysOf("pd-dst")).toEqual(["a.txt", "locked-1.txt", "sub/locked-2.txt"]);
  });
});

describe("when a batch delete fails as a whole", () => {
  it("rm -r: paths whose delete lost its answer are not confirmed deleted (they are in fact gone), not 'not deleted'", async () => {
    const store = newStorager("memory://lost-rm/");
    for (const key of ["t/a", "t/b", "t/c"]) await store.write(key, "x");
    const r = await run(["rm", "-r", "--yes", "lossy://lost-rm/t/"]);
    expect(r.code).toBe(EXIT_CODES.ServiceInternal);
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      "stowage: rm a: not confirmed deleted: ServiceInternal (it may be gone)",
      "stowage: rm b: not confirmed deleted: ServiceInternal (it may be gone)",
      "stowage: rm c: not confirmed deleted: ServiceInternal (it may be gone)",
      "rm: deleted 0 of 3 objects (0 B), failed 3 (3 not confirmed deleted)",
    ]);
    expect(await keysOf("lost-rm")).toEqual([]);
  });

  it("sync --delete: the same lines, and --stats-json counts them in failed and notConfirmed", async () => {
    await newStorager("memory://lost-src/").write("a.txt", "a");
    const dst = newStorager("memory://lost-dst/");
    for (const key of ["a.txt", "x1.txt", "x2.txt"]) await dst.write(key, key === "a.txt" ? "a" : "old");
    const r = await run(["sync", "--delete", "--stats-json", "--no-checkpoint", "memory://lost-src/", "lossy://lost-dst/"]);
    expect(r.code).toBe(EXIT_CODES.ServiceInternal);
    const stats = JSON.parse(r.stdout) as { objects: Record<string, number>; failures: Array<Record<string, string>> };
    expect(stats.objects).toMatchObject({ deleted: 0, failed: 2, notConfirmed: 2, notAttempted: 0 });
    expect(stats.failures.map((f) => f["message"])).toEqual(["not confirmed deleted: ServiceInternal (it may be gone)", "not confirmed deleted: ServiceInternal (it may be gone)"]);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toEqual(
      expect.arrayContaining([
        "stowage: sync x1.txt: not confirmed deleted: ServiceInternal (it may be gone)",
        "stowage: 2 of 2 extra objects not confirmed deleted; see the messages above",
      ]),
    );
    expect(lines.find((l) => l.startsWith("sync: copied"))).toMatch(/^sync: copied 0 objects \(0 B\), skipped 1, failed 2 \(2 not confirmed deleted\), in /);
    expect(await keysOf("lost-dst")).toEqual(["a.txt"]);
  });

  it("a refusal as a whole is 'not deleted'; sync --delete counts the extras never attempted as rm -r does", async () => {
    await newStorager("memory://wall-src/").write("a.txt", "a");
    const dst = newStorager("memory://wall-dst/");
    await dst.write("a.txt", "a");
    // 1,005 extras: core sends 1,000 per batch, so the first batch's refusal leaves the last 5 unsent.
    for (let i = 0; i < 1005; i++) await dst.write(`x${String(i).padStart(4, "0")}`, "o");
    const r = await run(["sync", "--delete", "--stats-json", "--no-checkpoint", "memory://wall-src/", "walled://wall-dst/"]);
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    const stats = JSON.parse(r.stdout) as { objects: Record<string, number>; failures: Array<Record<string, string>> };
    expect(stats.objects).toMatchObject({ deleted: 0, failed: 1000, notConfirmed: 0, notAttempted: 5 });
    expect(stats.failures).toHaveLength(1000);
    expect(stats.failures[0]).toEqual({ path: "x0000", code: "PermissionDenied", message: "not deleted: PermissionDenied" });
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toEqual(
      expect.arrayContaining([
        "stowage: sync: … and 980 more not deleted",
        "stowage: sync: 5 more not attempted after the failure",
        "stowage: 1000 of 1005 extra objects not deleted, 5 not attempted; see the messages above",
      ]),
    );
    expect(lines.find((l) => l.startsWith("sync: copied"))).toMatch(/^sync: copied 0 objects \(0 B\), skipped 1, failed 1000, not attempted 5, in /);
    // rm -r of the same extras says the same.
    const rm = await run(["rm", "-r", "--yes", "walled://wall-dst/"]);
    expect(rm.stderr.split("\n").filter(Boolean).at(-1)).toBe("rm: deleted 0 of 1006 objects (0 B), failed 1000, not attempted 6");
  });

  it("sync --delete after a failed copy: no extra is sent, and all of them count as not attempted", async () => {
    await newStorager("memory://broken-src/").write("broken.txt", "b");
    const dst = newStorager("memory://broken-dst/");
    for (const key of ["x1.txt", "x2.txt"]) await dst.write(key, "old");
    const r = await run(["sync", "--delete", "--stats-json", "--no-checkpoint", "memory://broken-src/", "walled://broken-dst/"]);
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    const stats = JSON.parse(r.stdout) as { objects: Record<string, number> };
    expect(stats.objects).toMatchObject({ copied: 0, deleted: 0, failed: 1, notAttempted: 2 });
    expect(r.stderr).toMatch(/^sync: copied 0 objects \(0 B\), failed 1, not attempted 2, in /m);
    expect(await keysOf("broken-dst")).toEqual(["x1.txt", "x2.txt"]);
  });
});
