/**
 * `rm -r` and `sync --delete` when the service refuses some keys of a batch delete (as COS, OSS and
 * QingStor answer DeleteObjects with per-key errors): one line per path not deleted (at most 20,
 * then a count), a summary and `--stats-json` that count what was really deleted, and the first
 * failure's exit code. A "refusing" service (memory underneath) refuses keys whose name starts
 * with `locked` with `PermissionDenied` / `AccessDenied`, and deletes the others of the batch.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import {
  ErrorCode,
  newStorager,
  registerService,
  runBatchDelete,
  storageError,
  unregisterService,
  type KeyDeleteFailure,
  type OpenConfig,
  type StorageDriver,
} from "@stowage/core";
import { memoryService } from "@stowage/memory";
import { main } from "../src/index.js";
import { EXIT_CODES } from "../src/errors.js";
import { cleanEnv, removeDir, tempDir } from "./helpers.js";

let work: string;
let env: NodeJS.ProcessEnv;
const run = (argv: string[]) => main(argv, { env, cwd: work });
const refused = (key: string): boolean => (key.split("/").pop() ?? "").startsWith("locked");

beforeAll(async () => {
  work = await tempDir();
  env = cleanEnv(join(work, "home"));
  registerService({
    ...memoryService,
    type: "refusing",
    packageName: "@stowage/refusing",
    newStorageDriver(config: OpenConfig): StorageDriver {
      const driver = memoryService.newStorageDriver(config);
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
    },
  });
});

afterAll(async () => {
  unregisterService("refusing");
  await removeDir(work);
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
    expect(lines.find((l) => l.startsWith("sync: "))).toMatch(/^sync: copied 0 objects \(0 B\), skipped 1, deleted 2, failed 2, in /);
    expect(await keysOf("pd-dst")).toEqual(["a.txt", "locked-1.txt", "sub/locked-2.txt"]);
  });
});
