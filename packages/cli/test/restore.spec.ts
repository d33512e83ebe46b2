/**
 * `stowage restore` against the COS and OSS emulators (in process): an archived object refused by
 * cat is restored, stat shows the restore (under way, then readable until a date), cat reads it; a
 * restore under way is reported, not a failure; -r restores what is listed in an archive class (a
 * tier a class does not take left out, noted once per class; days over a class's maximum fail that
 * object), asks COS about intelligent-tiering objects and skips the rest, and takes an object named
 * like the directory too; bad operands and options fail with their exit codes, the other operands
 * still done.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { useWorkspace } from "./workspace.js";
import { keyLocation, useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const BUCKET = "restore-cli-1250000000";
const SLOW = "restore-slow-1250000000";
const OSS_BUCKET = "restore-cli-oss";
const cosEmu = useEmulator({ provider: "cos", buckets: [BUCKET] });
/** An emulator whose restores take an hour: they stay under way for the whole spec. */
const slowEmu = useEmulator({ provider: "cos", buckets: [SLOW], restoreDelayMs: 3_600_000 });
const ossEmu = useEmulator({ provider: "oss", buckets: [OSS_BUCKET] });
const ws = useWorkspace();
let ossStore: Storager;
const run = inProcess(ws);
const cos = (path: string): string => keyLocation(cosEmu.emulator, BUCKET, path);
const oss = (path: string): string => keyLocation(ossEmu.emulator, OSS_BUCKET, path);
let store: Storager;

beforeAll(async () => {
  ossStore = newStorager(ossEmu.emulator.connectionString(OSS_BUCKET, "/"));
  store = newStorager(cosEmu.emulator.connectionString(BUCKET, "/"));
});

describe("stowage restore", () => {
  it("cat of an archived object names stowage restore; restore, stat shows readable until a date, cat reads; again extends", async () => {
    await store.write("one/frozen.txt", "frozen bytes", { storageClass: "ARCHIVE" });
    const refused = await run(["cat", cos("one/frozen.txt")]);
    expect(refused.code).toBe(12);
    expect(refused.stderr).toContain("restore it first (Storager restore(), or stowage restore)");
    const r = await run(["restore", cos("one/frozen.txt")]);
    expect([r.code, r.stdout]).toEqual([0, ""]);
    expect(r.stderr).toMatch(/restore: cos:\/\/.*one\/frozen\.txt.*: restore started, for 1 day \(stowage stat shows when it reads\)/);
    const stat = await run(["stat", cos("one/frozen.txt")]);
    expect(stat.stdout).toMatch(/^storageClass: ARCHIVE$/m);
    expect(stat.stdout).toMatch(/^restore: done, readable until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    const json = JSON.parse((await run(["stat", "--json", cos("one/frozen.txt")])).stdout) as { restore: { ongoing: boolean; expiresAt: string } };
    expect(json.restore.ongoing).toBe(false);
    expect((await run(["cat", cos("one/frozen.txt")])).stdout).toBe("frozen bytes");
    const again = await run(["restore", "--days", "3", cos("one/frozen.txt")]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(": restored already: its expiry set 3 days from now");
  });

  it("a restore under way: stat says so, cat is refused, a second restore is reported and exits 0", async () => {
    const slowStore = newStorager(slowEmu.emulator.connectionString(SLOW, "/"));
    await slowStore.write("cold.bin", "cold", { storageClass: "DEEP_ARCHIVE" });
    expect((await run(["restore", "--tier", "Bulk", "--days", "2", keyLocation(slowEmu.emulator, SLOW, "cold.bin")])).code).toBe(0);
    expect((await run(["stat", keyLocation(slowEmu.emulator, SLOW, "cold.bin")])).stdout).toMatch(/^restore: ongoing \(not readable yet\)$/m);
    expect((await run(["cat", keyLocation(slowEmu.emulator, SLOW, "cold.bin")])).code).toBe(12);
    const twice = await run(["restore", keyLocation(slowEmu.emulator, SLOW, "cold.bin")]);
    expect(twice.code).toBe(0);
    expect(twice.stderr).toContain(": a restore is under way already (stowage stat shows when it reads)");
  });

  it("-r restores the objects listed in an archive class below a directory and skips the others", async () => {
    await store.write("tree/a.txt", "a", { storageClass: "ARCHIVE" });
    await store.write("tree/sub/b.txt", "b", { storageClass: "DEEP_ARCHIVE" });
    await store.write("tree/warm.txt", "w", { storageClass: "STANDARD_IA" });
    const r = await run(["restore", "-r", "--tier", "Standard", cos("tree/")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/tree\/\?\S*: started 2, extended 0, under way 0, failed 0, skipped 1 object not archived/);
    expect((await run(["cat", cos("tree/sub/b.txt")])).stdout).toBe("b");
    expect((await store.stat("tree/warm.txt")).restore).toBeUndefined();
  });

  it("refusals: exit codes per operand, the other operands still restored", async () => {
    await store.write("bad/warm.txt", "w");
    await store.write("bad/deep.txt", "d", { storageClass: "DEEP_ARCHIVE" });
    await store.write("bad/ok.txt", "ok", { storageClass: "ARCHIVE" });
    const mixed = await run(["restore", cos("bad/warm.txt"), cos("bad/missing.txt"), cos("bad/ok.txt")]);
    expect(mixed.code).toBe(10);
    expect(mixed.stderr).toContain("ObjectModeInvalid: restore: the object is STANDARD, no archive class (ARCHIVE, DEEP_ARCHIVE)");
    expect(mixed.stderr).toContain("ObjectNotExist");
    expect((await store.stat("bad/ok.txt")).restore).toMatchObject({ ongoing: false });
    const tier = await run(["restore", "--tier", "Expedited", cos("bad/deep.txt")]);
    expect(tier.code).toBe(11);
    expect(tier.stderr).toContain("COS restores DEEP_ARCHIVE objects at tier Standard or Bulk, not Expedited; nothing sent");
    const dir = await run(["restore", cos("bad/")]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(/bad\/\?\S* is a directory: use restore -r\n$/);
    for (const argv of [["--days", "0"], ["--days", "1.5"], ["--days", "x"], ["--tier", "Fast"]]) {
      const r = await run(["restore", ...argv, cos("bad/deep.txt")]);
      expect([argv, r.code]).toEqual([argv, 2]);
    }
    expect((await store.stat("bad/deep.txt")).restore).toBeUndefined();
    const memory = await run(["restore", "memory://restore-cli/x"]);
    expect(memory.code).toBe(5);
    expect(memory.stderr).toContain("CapabilityInsufficient: memory cannot restore");
    const memoryTree = await run(["restore", "-r", "memory://restore-cli/"]);
    expect(memoryTree.code).toBe(5);
  });

  it("-r over mixed OSS classes with --tier Bulk: a class without Bulk is restored at its default, one note per class, exit 0; one object named alone is still refused", async () => {
    for (const [path, storageClass] of [["mixed/a1", "Archive"], ["mixed/a2", "Archive"], ["mixed/cold", "ColdArchive"], ["mixed/deep", "DeepColdArchive"], ["mixed/std", "Standard"]] as const) {
      await ossStore.write(path, "x", { storageClass });
    }
    const r = await run(["restore", "-r", "--tier", "Bulk", oss("mixed/")]);
    expect([r.code, r.stdout]).toEqual([0, ""]);
    expect(r.stderr.match(/note: OSS Archive objects take no tier \(they restore in about a minute\): restored without --tier Bulk/g)?.length).toBe(1);
    expect(r.stderr.match(/note: OSS DeepColdArchive objects take tier Expedited or Standard, not Bulk: restored at the service's default, Standard/g)?.length).toBe(1);
    expect(r.stderr).not.toContain("OSS ColdArchive objects take");
    expect(r.stderr).toMatch(/mixed\/\?\S*: started 4, extended 0, under way 0, failed 0, skipped 1 object not archived/);
    for (const path of ["mixed/a1", "mixed/a2", "mixed/cold", "mixed/deep"]) expect([path, (await ossStore.stat(path)).restore?.ongoing]).toEqual([path, false]);
    await ossStore.write("mixed/a3", "x", { storageClass: "Archive" });
    const alone = await run(["restore", "--tier", "Bulk", oss("mixed/a3")]);
    expect(alone.code).toBe(11);
    expect(alone.stderr).toContain("OSS restores Archive objects with no tier");
    expect((await ossStore.stat("mixed/a3")).restore).toBeUndefined();
  });

  it("-r --days over a class's maximum fails that object with the maximum named, counts it, and restores the others", async () => {
    await ossStore.write("days/arch", "x", { storageClass: "Archive" });
    await ossStore.write("days/cold", "x", { storageClass: "ColdArchive" });
    const r = await run(["restore", "-r", "--days", "30", oss("days/")]);
    expect(r.code).toBe(11);
    expect(r.stderr).toMatch(/restore \S*days\/arch\S*: InvalidArgument: restore for 30 days: OSS keeps a restored Archive object readable for at most 7 days; nothing sent/);
    expect(r.stderr).toMatch(/days\/\?\S*: started 1, extended 0, under way 0, failed 1, skipped 0 objects not archived/);
    expect((await ossStore.stat("days/arch")).restore).toBeUndefined();
    expect((await ossStore.stat("days/cold")).restore?.ongoing).toBe(false);
    const again = await run(["restore", "--days", "2", oss("days/cold")]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(": restored already: 2 days added to its expiry (up to the class's maximum)");
  });

  it("-r --tier Expedited on COS: DEEP_ARCHIVE objects at Standard, noted; ARCHIVE ones at Expedited", async () => {
    await store.write("fast/deep1", "d", { storageClass: "DEEP_ARCHIVE" });
    await store.write("fast/deep2", "d", { storageClass: "DEEP_ARCHIVE" });
    await store.write("fast/arch", "a", { storageClass: "ARCHIVE" });
    const r = await run(["restore", "-r", "--tier", "Expedited", cos("fast/")]);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/note: COS DEEP_ARCHIVE objects take tier Standard or Bulk, not Expedited: restored at the service's default, Standard/g)?.length).toBe(1);
    expect(r.stderr).toMatch(/fast\/\?\S*: started 3, extended 0, under way 0, failed 0, skipped 0 objects not archived/);
  });

  it("-r x where x is an object and a directory restores both", async () => {
    await store.write("both", "b", { storageClass: "ARCHIVE" });
    await store.write("both/inner", "i", { storageClass: "ARCHIVE" });
    const r = await run(["restore", "-r", cos("both")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/started 2, extended 0, under way 0, failed 0, skipped 0 objects not archived/);
    expect((await store.stat("both")).restore?.ongoing).toBe(false);
    expect((await store.stat("both/inner")).restore?.ongoing).toBe(false);
  });

  it("restore x of a directory named without its / says use -r (exit 2), as with its /; a missing x is still exit 3", async () => {
    await store.write("onlydir/obj", "o", { storageClass: "ARCHIVE" });
    const dir = await run(["restore", cos("onlydir")]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(/onlydir\S* is a directory: use restore -r\n$/);
    const missing = await run(["restore", cos("nothing-here")]);
    expect(missing.code).toBe(3);
  });

  it("-r asks COS about INTELLIGENT_TIERING objects (one may be in an archive tier): one COS says is not archived is skipped, no failure", async () => {
    await store.write("it/smart", "s", { storageClass: "INTELLIGENT_TIERING" });
    await store.write("it/arch", "a", { storageClass: "ARCHIVE" });
    cosEmu.emulator.resetStats();
    const r = await run(["restore", "-r", cos("it/")]);
    expect(r.code).toBe(0);
    expect(cosEmu.emulator.stats().byOperation["RestoreObject"]).toBe(2);
    expect(r.stderr).toMatch(/it\/smart\S*: INTELLIGENT_TIERING and in no archive tier: nothing to restore/);
    expect(r.stderr).toMatch(/it\/\?\S*: started 1, extended 0, under way 0, failed 0, skipped 1 object not archived/);
  });

  it("the CLI's table of what each class takes is the drivers'", async () => {
    const { RESTORE_TIERS_BY_CLASS } = await import("../src/commands/restore-classes.js");
    const { OSS_RESTORE_RULES } = await import("@stowage/oss");
    const { COS_RESTORE_TIERS } = await import("@stowage/cos");
    expect(RESTORE_TIERS_BY_CLASS["cos"]).toEqual(COS_RESTORE_TIERS);
    expect(RESTORE_TIERS_BY_CLASS["oss"]).toEqual(Object.fromEntries(Object.entries(OSS_RESTORE_RULES).map(([c, r]) => [c, r.tiers])));
  });
});
