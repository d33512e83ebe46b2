/**
 * review-scale MEDIUM-5: `rm -r` on an object store (the COS, OSS and QingStor emulators, in this
 * process) lists by prefix and deletes in batches: no listing, HEAD or DELETE per directory. The
 * prefix listing leaves directory markers out, so once the objects are gone a walk of dir listings
 * finds the markers left (one listing when there are none) and deletes them (a HEAD and a DELETE
 * each: core's check that a marker holds no bytes); a directory only implied by the keys below it
 * costs nothing. Nothing is left under the prefix. Another client's `d/` key that holds bytes is
 * kept and named, exit 10, in a real process too (warned of once). fs and memory still remove their
 * real directories, empty ones included, deepest first.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { isStorageError, newStorager, type StorageDriver, type Storager } from "@stowage/core";
import "@stowage/memory";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary, inProcess } from "./cli-run.js";
import { builtSuite, readTree, writeTree } from "./helpers.js";
import { rawDriver } from "./raw-driver.js";

const BUCKET = { cos: "rmwalk-1250000000", oss: "rmwalk-bucket", qingstor: "rmwalk-bucket" } as const;

const ws = useWorkspace({ prefix: "stowage-rm-walk-" });
const run = inProcess(ws);

/**
 * Every entry under `prefix` (a directory, `p/`), as the dir listings of the bucket show them:
 * objects, and directories whether a marker or the keys below them make them (a prefix listing
 * leaves markers out).
 */
async function entriesUnder(store: Storager, prefix: string): Promise<string[]> {
  const out: string[] = [];
  const queue = [prefix];
  while (queue.length > 0) {
    for await (const o of store.list(queue.shift()!, { mode: "dir" })) {
      out.push(o.path);
      if (o.mode === "dir") queue.push(o.path);
    }
  }
  return out.sort();
}

/** True when the marker object `key` (`d/`) is there, whatever lies below it. */
async function hasMarker(driver: StorageDriver, key: string): Promise<boolean> {
  return driver.stat(key, { markerOnly: true }).then(
    () => true,
    (e: unknown) => (isStorageError(e, "ObjectNotExist") ? false : Promise.reject(e)),
  );
}

describe.each(["cos", "oss", "qingstor"] as const)("%s: rm -r of a prefix", (provider) => {
  const emu = useEmulator({ provider, buckets: [BUCKET[provider]] });
  const conn = (): string => emu.emulator.connectionString(BUCKET[provider], "/");
  const env = (): NodeJS.ProcessEnv => ({ STOWAGE_PROFILE_E: conn() });
  /** The requests since the last reset, by operation. */
  const ops = (): Record<string, number> => ({ ...emu.emulator.stats().byOperation });

  it("1,011 objects in 110 directories: one prefix listing and a batch delete per 1,000 keys, no request per directory", async () => {
    const store = newStorager(conn());
    const keys: string[] = [];
    for (let d = 0; d < 10; d++) {
      keys.push(`t/d${d}/top`);
      for (let e = 0; e < 10; e++) for (let f = 0; f < 10; f++) keys.push(`t/d${d}/e${e}/f${f}`);
    }
    keys.push("t/root");
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => store.write(k, "x")));
    emu.emulator.resetStats();
    const r = await run(["rm", "-r", "--yes", "e:t/"], { env: env() });
    const sent = ops();
    expect([r.code, r.stderr]).toEqual([0, "rm: deleted 1011 objects (1011 B)\n"]);
    expect(await entriesUnder(store, "t/")).toEqual([]);
    // Two pages of the prefix listing and one dir listing for the markers left; the old walk
    // listed each of the 111 directories, then sent a HEAD and a DELETE for each.
    expect(sent["ListObjects"]).toBe(3);
    expect(sent["DeleteObjects"]).toBe(2);
    // Only the operand's own marker is looked for (and deleted: none is there, which is fine).
    expect(sent["HeadObject"]).toBe(1);
    expect(sent["DeleteObject"]).toBe(1);
  });

  it("deletes the markers left (empty directories too), one HEAD and DELETE each, none for implied directories; nothing is left", async () => {
    const store = newStorager(conn());
    for (const dir of ["m/", "m/a/", "m/a/b/", "m/c/"]) await store.createDir(dir);
    for (const key of ["m/a/x", "m/c/y", "m/z", "m/d/e/f", "m/g/h"]) await store.write(key, "12");
    emu.emulator.resetStats();
    const r = await run(["rm", "-r", "--yes", "e:m/"], { env: env() });
    const sent = ops();
    // Markers are directories: they go with their contents, uncounted, as before.
    expect([r.code, r.stderr]).toEqual([0, "rm: deleted 5 objects (10 B)\n"]);
    expect(await entriesUnder(store, "m/")).toEqual([]);
    const driver = rawDriver(provider, conn());
    for (const dir of ["m/", "m/a/", "m/a/b/", "m/c/"]) expect([dir, await hasMarker(driver, dir)]).toEqual([dir, false]);
    expect(sent["DeleteObjects"]).toBe(1);
    // a/, a/b/, c/ and the operand m/: d/, d/e/ and g/ have no marker, and no request.
    expect(sent["HeadObject"]).toBe(4);
    expect(sent["DeleteObject"]).toBe(4);
    // The prefix listing, then the dir listings of m/, a/, a/b/ and c/ (the markers left).
    expect(sent["ListObjects"]).toBe(5);
  });

  it("a failed look for markers after the objects went: the summary of what was deleted, a line naming the operand, its exit code", async () => {
    const store = newStorager(conn());
    await store.createDir("h/m/");
    for (const key of ["h/m/1", "h/m/2", "h/3"]) await store.write(key, "ab");
    // The prefix listing passes; the dir listing that looks for the markers left gets a 503 (every retry).
    emu.emulator.setFaults([{ kind: "status", status: 503, operation: "ListObjects", skip: 1 }]);
    try {
      const r = await run(["rm", "-r", "--yes", "e:h/"], { env: env() });
      expect(r.code).toBe(15);
      const lines = r.stderr.split("\n").filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^stowage: rm e:h\/: directory markers not looked for: ServiceInternal: .*\(the objects were deleted; any markers stay: rm -r it again to remove them\)$/);
      expect(lines[1]).toBe("rm: deleted 3 objects (6 B)");
    } finally {
      emu.emulator.setFaults([]);
    }
    expect(await entriesUnder(store, "h/")).toEqual(["h/m/"]);
    // Run again, it removes the marker.
    const again = await run(["rm", "-r", "--yes", "e:h/"], { env: env() });
    expect([again.code, again.stderr]).toEqual([0, "rm: deleted 0 objects (0 B)\n"]);
    expect(await entriesUnder(store, "h/")).toEqual([]);
  });

  it("--dry-run names the objects only (markers go with them, uncounted), sends no delete and no HEAD of a directory", async () => {
    const store = newStorager(conn());
    for (const dir of ["n/a/", "n/empty/"]) await store.createDir(dir);
    for (const key of ["n/a/x", "n/d/e/f", "n/z"]) await store.write(key, "123");
    emu.emulator.resetStats();
    const r = await run(["rm", "-r", "--dry-run", "e:n/"], { env: env() });
    const sent = ops();
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual(["would delete e:n/a/x", "would delete e:n/d/e/f", "would delete e:n/z"]);
    expect(r.stderr).toBe("rm: would delete 3 objects (9 B)\n");
    expect(sent["ListObjects"]).toBe(1);
    expect(sent["HeadObject"] ?? 0).toBe(0);
    expect((sent["DeleteObject"] ?? 0) + (sent["DeleteObjects"] ?? 0)).toBe(0);
    expect(await entriesUnder(store, "n/")).toEqual(["n/a/", "n/a/x", "n/d/", "n/d/e/", "n/d/e/f", "n/empty/", "n/z"]);
    const driver = rawDriver(provider, conn());
    expect([await hasMarker(driver, "n/a/"), await hasMarker(driver, "n/empty/")]).toEqual([true, true]);
  });

  it("with a filter, markers stay (they match no glob) and the listing is the same one prefix listing", async () => {
    const store = newStorager(conn());
    await store.createDir("p/a/");
    for (const key of ["p/a/x.tmp", "p/a/y.txt", "p/b/c/z.tmp"]) await store.write(key, "1");
    emu.emulator.resetStats();
    const r = await run(["rm", "-r", "--yes", "--include", "*.tmp", "e:p/"], { env: env() });
    const sent = ops();
    expect([r.code, r.stderr]).toEqual([0, "rm: deleted 2 objects (2 B)\n"]);
    expect(await entriesUnder(store, "p/")).toEqual(["p/a/", "p/a/y.txt"]);
    expect(await hasMarker(rawDriver(provider, conn()), "p/a/")).toBe(true);
    expect([sent["ListObjects"], sent["HeadObject"] ?? 0]).toEqual([1, 0]);
  });
});

builtSuite(["cos"])("cos: another client's `d/` key that holds bytes, in a real process", () => {
  const bws = useWorkspace({ prefix: "stowage-rm-walk-bin-", linkCosDriver: true });
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET.cos] });
  const cli = binary(bws, { env: () => ({ STOWAGE_PROFILE_E: emu.emulator.connectionString(BUCKET.cos, "/") }) });

  it("rm -r deletes the rest, keeps the key, names it (once in a warning, once as the directory kept) and exits 10", async () => {
    const driver = rawDriver("cos", emu.emulator.connectionString(BUCKET.cos, "/"));
    await driver.write("y/n/", { data: Buffer.from("foreign bytes"), size: 13 }, {});
    await driver.write("y/n/c", { data: Buffer.from("c"), size: 1 }, {});
    await driver.write("y/m/", { data: Buffer.alloc(0), size: 0 }, {});
    const r = await cli(["rm", "-r", "--yes", "e:y/"]);
    expect(r.code).toBe(10);
    expect(r.stderr.split('"y/n/" (ends in "/" (a directory) but holds 13 bytes)')).toHaveLength(2);
    expect(r.stderr).toContain("stowage: rm n/: directory kept: ObjectModeInvalid");
    expect(r.stderr).toContain("rm: deleted 1 object (1 B)");
    expect(r.stderr).toContain("stowage: objects were left out: 1 listing holds keys no path can address");
    await expect(driver.stat("y/n/c", {})).rejects.toMatchObject({ code: "ObjectNotExist" });
    await expect(driver.stat("y/m/", {})).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await driver.stat("y/n/", {})).size).toBe(13);
  });
});

describe("rm -r where directories are real", () => {
  it("fs: the tree goes, its empty directories (deep ones too) and the operand's own", async () => {
    const top = join(ws.work, "fstree");
    await writeTree(top, { "a/x": "1", "a/b/y": "2", "c/d/e/z": "3" });
    for (const dir of ["a/empty", "c/d/e/f/g", "h"]) await mkdir(join(top, dir), { recursive: true });
    const r = await run(["rm", "-r", "--yes", "fstree/"]);
    expect([r.code, r.stderr]).toEqual([0, "rm: deleted 3 objects (3 B)\n"]);
    expect(existsSync(top)).toBe(false);
  });

  it("fs, filtered: the matched files go, every directory stays", async () => {
    const top = join(ws.work, "fsfilter");
    await writeTree(top, { "a/x.tmp": "1", "a/b/y.tmp": "2", "c/z.txt": "3" });
    const r = await run(["rm", "-r", "--yes", "--include", "*.tmp", "fsfilter/"]);
    expect([r.code, r.stderr]).toEqual([0, "rm: deleted 2 objects (2 B)\n"]);
    expect(await readTree(top)).toEqual({ "c/z.txt": "3" });
    expect(existsSync(join(top, "a/b"))).toBe(true);
  });

  it("memory: the tree goes, its directories (made and empty ones) too", async () => {
    const store = newStorager("memory://rm-walk/");
    for (const dir of ["t/a/", "t/a/empty/", "t/b/"]) await store.createDir(dir);
    for (const key of ["t/a/x", "t/b/c/y", "t/z"]) await store.write(key, "12");
    const r = await run(["rm", "-r", "--yes", "memory://rm-walk/t/"]);
    expect([r.code, r.stderr]).toEqual([0, "rm: deleted 3 objects (6 B)\n"]);
    const left: string[] = [];
    for await (const o of store.list("", { mode: "dir" })) left.push(o.path);
    expect(left).toEqual([]);
    await expect(store.stat("t/")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
