/**
 * review-sync HIGH-1: an object whose *compare* fails (a HEAD that keeps failing, a local file gone
 * or unreadable between the listing and its hash) is one failed object, as a failed copy is: the
 * rest of the tree is compared and copied, the summary and `--stats-json` are printed, the exit
 * code is that failure's, `--delete` is held back, and the line names the object and says it came
 * from comparing. An abort during the compare still stops everything. A "flaky" memory storage
 * (memory underneath; its listing, like a cloud's, has no CRC-64, so `sync` from a local directory
 * stats each same-size object and hashes the local file) runs a test's hook on every stat.
 */
import { beforeEach, describe, expect, it } from "@jest/globals";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, newStorager, storageError } from "@stowage/core";
import { EXIT_CODES } from "../src/errors.js";
import type { TransferStats } from "../src/index.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { inProcess } from "./cli-run.js";
import { readTree, writeTree } from "./helpers.js";

const ws = useWorkspace();
const run = inProcess(ws);

/** Runs before each stat of the flaky storage (may throw, as the service would answer). */
let onStat: ((key: string) => void | Promise<void>) | undefined;
beforeEach(() => {
  onStat = undefined;
});
useMemoryVariant("flaky", (driver) => {
  const stat = driver.stat.bind(driver);
  driver.stat = async (key, options) => {
    await onStat?.(key);
    return stat(key, options);
  };
  return driver;
});

/** A synced pair: `<work>/<name>/` with a.txt, bad.txt, grow.txt, and `flaky://<name>/` holding them and extra.txt. */
async function syncedPair(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(ws.work, name);
  await writeTree(dir, files);
  const first = await run(["sync", `${name}/`, `flaky://${name}/`]);
  expect(first.code).toBe(0);
  await newStorager(`memory://${name}/`).write("extra.txt", "extra");
  return dir;
}

/** The objects in memory store `name` (path → content). */
async function stored(name: string): Promise<Record<string, string>> {
  const store = newStorager(`memory://${name}/`);
  const out: Record<string, string> = {};
  for await (const o of store.list("", { mode: "prefix" })) out[o.path] = (await store.read(o.path)).toString("utf8");
  return out;
}

describe("sync, when comparing one object fails", () => {
  it("a HEAD that keeps failing: that object fails, the others are compared and copied, --delete is held back, summary and stats printed", async () => {
    const dir = await syncedPair("cf-head", { "a.txt": "aaa", "bad.txt": "bbb", "grow.txt": "g" });
    await writeFile(join(dir, "grow.txt"), "grown");
    onStat = (key) => {
      if (key.endsWith("bad.txt")) throw storageError(ErrorCode.RequestThrottled, "head_object: HTTP 503", { statusCode: 503 });
    };
    const r = await run(["sync", "--delete", "--stats-json", "cf-head/", "flaky://cf-head/"]);
    expect(r.code).toBe(EXIT_CODES.RequestThrottled);
    expect(r.stderr).toMatch(/^stowage: sync bad\.txt: RequestThrottled: comparing it with the destination failed: head_object: HTTP 503 \(op=stat, service=memory, path="bad\.txt"/m);
    expect(r.stderr).toContain("stowage: not deleting 1 extra object because some copies failed");
    expect(r.stderr).toMatch(/^sync: copied 1 object \(5 B\), skipped 1, failed 1, not attempted 1, in /m);
    expect(r.stderr).toContain("stowage: 1 of 3 objects failed (1 skipped); see the messages above");
    const stats = JSON.parse(r.stdout) as TransferStats;
    expect(stats.objects).toMatchObject({ planned: 2, copied: 1, skipped: 1, failed: 1, deleted: 0, plannedDeletes: 1, notAttempted: 1 });
    expect(stats.failures).toEqual([{ path: "bad.txt", code: "RequestThrottled", message: expect.stringContaining("comparing it with the destination failed") }]);
    // The changed file went; the extra stays (a failure holds --delete back).
    expect(await stored("cf-head")).toEqual({ "a.txt": "aaa", "bad.txt": "bbb", "extra.txt": "extra", "grow.txt": "grown" });
  });

  it("the same in a dry run: the object is reported as failing, the rest listed, nothing would be deleted", async () => {
    const dir = await syncedPair("cf-dry", { "a.txt": "aaa", "bad.txt": "bbb", "grow.txt": "g" });
    await writeFile(join(dir, "grow.txt"), "grown");
    onStat = (key) => {
      if (key.endsWith("bad.txt")) throw storageError(ErrorCode.RequestThrottled, "head_object: HTTP 503", { statusCode: 503 });
    };
    const r = await run(["sync", "--delete", "--dry-run", "cf-dry/", "flaky://cf-dry/"]);
    expect(r.code).toBe(EXIT_CODES.RequestThrottled);
    expect(r.stdout).toBe("would copy grow.txt (5 B, size differs)\n");
    expect(r.stderr).toContain("stowage: sync bad.txt: RequestThrottled: comparing it with the destination failed");
    expect(r.stderr).toContain("would not delete 1 extra object because some copies would fail");
  });

  it("a local file deleted between the listing and its hash fails as ObjectNotExist, named; the others are copied", async () => {
    const dir = await syncedPair("cf-gone", { "a.txt": "aaa", "gone.txt": "ggg", "new.txt": "n" });
    await writeFile(join(dir, "new.txt"), "newer");
    onStat = async (key) => {
      // The destination's HEAD comes first, then the local file is read: it is gone by then.
      if (key.endsWith("gone.txt")) await rm(join(dir, "gone.txt"));
    };
    const r = await run(["sync", "--stats-json", "cf-gone/", "flaky://cf-gone/"]);
    expect(r.code).toBe(EXIT_CODES.ObjectNotExist);
    expect(r.stderr).toMatch(/^stowage: sync gone\.txt: ObjectNotExist: comparing it with the destination failed: /m);
    const stats = JSON.parse(r.stdout) as TransferStats;
    expect(stats.objects).toMatchObject({ copied: 1, skipped: 1, failed: 1 });
    expect(stats.failures.map((f) => [f.path, f.code])).toEqual([["gone.txt", "ObjectNotExist"]]);
    expect((await stored("cf-gone"))["new.txt"]).toBe("newer");
  });

  it("with -L, a link whose target cannot be stat'ed fails alone; the others are copied", async () => {
    const src = newStorager("memory://cf-link/");
    await src.write("t/a.txt", "aaa");
    await src.write("elsewhere/target.txt", "target");
    await src.createLink("t/ln.txt", "/elsewhere/target.txt");
    onStat = (key) => {
      if (key.endsWith("target.txt")) throw storageError(ErrorCode.PermissionDenied, "Access Denied.", { statusCode: 403 });
    };
    const r = await run(["sync", "-L", "--stats-json", "flaky://cf-link/t/", "memory://cf-link-dst/"]);
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    expect(r.stderr).toMatch(/^stowage: sync ln\.txt: PermissionDenied: following the symbolic link failed: Access Denied\. /m);
    expect((JSON.parse(r.stdout) as TransferStats).objects).toMatchObject({ copied: 1, failed: 1 });
    expect(await stored("cf-link-dst")).toEqual({ "a.txt": "aaa" });
  });

  it("an abort during the compare still stops everything: exit 130, nothing copied, no summary", async () => {
    const dir = await syncedPair("cf-abort", { "a.txt": "aaa", "b.txt": "bbb", "new.txt": "n" });
    await writeFile(join(dir, "new.txt"), "newer");
    const controller = new AbortController();
    onStat = (key) => {
      if (key.endsWith("b.txt")) controller.abort();
    };
    const r = await run(["sync", "--stats-json", "cf-abort/", "flaky://cf-abort/"], { signal: controller.signal });
    expect(r.code).toBe(EXIT_CODES.Aborted);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toContain("sync: copied");
    expect(r.stderr).not.toContain("comparing it with the destination failed");
    expect((await stored("cf-abort"))["new.txt"]).toBe("n");
    expect(await readTree(dir)).toEqual({ "a.txt": "aaa", "b.txt": "bbb", "new.txt": "newer" });
  });
});
