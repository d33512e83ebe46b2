/**
 * An archived object's restore as a listing states it (OSS `<RestoreInfo>`), against the OSS
 * emulator (in process) with a restore delay and a clock the tests move on: `ls -l` shows
 * `(restoring)`, then `(restored until <date>)` after the path, the columns before it where they
 * are for other objects; `ls --json` carries `restore`. `restore -r` sends nothing for an object
 * listed as under way or readable and counts it as skipped (the emulator sees no second
 * RestoreObject), as is the operand's own object when its stat says so; an object named alone is
 * still sent (its copy extended). COS listings carry no restore state: `restore -r` there asks each
 * object's HEAD, and a copy that expires sooner than the days asked is still extended
 * (operand-failures.spec.ts has one readable for longer, skipped).
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { useWorkspace } from "./workspace.js";
import { keyLocation, useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";
import { listedRestore } from "../src/commands/restore-classes.js";
import { formatEntry } from "../src/commands/ls.js";

const OSS_BUCKET = "restore-listed-oss";
const COS_BUCKET = "restore-listed-1250000000";
/** How long the emulator takes to restore an object, by its clock. */
const DELAY_MS = 60_000;
/** What the emulator's clock is ahead of this process's (well within its 900 s signature skew). */
let ahead = 0;
const ossEmu = useEmulator({ provider: "oss", buckets: [OSS_BUCKET], restoreDelayMs: DELAY_MS, clock: () => Date.now() + ahead });
const cosEmu = useEmulator({ provider: "cos", buckets: [COS_BUCKET] });
const ws = useWorkspace();
const run = inProcess(ws);
const oss = (path: string): string => keyLocation(ossEmu.emulator, OSS_BUCKET, path);
const cos = (path: string): string => keyLocation(cosEmu.emulator, COS_BUCKET, path);
let ossStore: Storager;
let cosStore: Storager;

beforeAll(() => {
  ossStore = newStorager(ossEmu.emulator.connectionString(OSS_BUCKET, "/"));
  cosStore = newStorager(cosEmu.emulator.connectionString(COS_BUCKET, "/"));
});

/** Moves the emulator's clock past the restore delay: what it restores now reads. */
function restoresDone(): void {
  ahead += DELAY_MS + 1_000;
}

/** RestoreObject requests the emulator received since its stats were last reset. */
function restoreRequests(emu: typeof ossEmu): number {
  return emu.emulator.stats().byOperation["RestoreObject"] ?? 0;
}

/** The line of `ls -l` output whose path column starts with `name`. */
function lineOf(stdout: string, name: string): string {
  const line = stdout.split("\n").find((l) => l.split(/\s+/)[3] === name);
  if (line === undefined) throw new Error(`no line for ${name} in:\n${stdout}`);
  return line;
}

const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`;

describe("ls shows an archived object's listed restore", () => {
  it("-l: nothing before a restore, (restoring) while under way, (restored until <date>) once readable; the other columns stay put", async () => {
    await ossStore.write("ls/arch", "archived", { storageClass: "Archive" });
    await ossStore.write("ls/std", "standard", { storageClass: "Standard" });
    const before = await run(["ls", "-l", oss("ls/")]);
    expect(before.code).toBe(0);
    expect(before.stdout).not.toContain("(restor");
    expect(lineOf(before.stdout, "arch")).toMatch(new RegExp(`^file\\s+8  ${ISO}\\s+arch$`));

    await ossStore.restore("ls/arch");
    const ongoing = await run(["ls", "-l", oss("ls/")]);
    expect(lineOf(ongoing.stdout, "arch")).toMatch(new RegExp(`^file\\s+8  ${ISO}\\s+arch  \\(restoring\\)$`));
    expect(lineOf(ongoing.stdout, "std")).toMatch(new RegExp(`^file\\s+8  ${ISO}\\s+std$`));
    // Same columns as an object without a restore: the path starts where the other's does.
    expect(lineOf(ongoing.stdout, "arch").indexOf(" arch")).toBe(lineOf(ongoing.stdout, "std").indexOf(" std"));

    restoresDone();
    const expiresAt = (await ossStore.stat("ls/arch")).restore?.expiresAt;
    expect(expiresAt).toBeInstanceOf(Date);
    const shownExpiry = expiresAt!.toISOString().replace(/\.\d{3}Z$/, "Z");
    const done = await run(["ls", "-lr", oss("ls/")]);
    expect(lineOf(done.stdout, "arch")).toMatch(new RegExp(`^file\\s+8  ${ISO}\\s+arch  \\(restored until ${shownExpiry}\\)$`));
    expect(lineOf(done.stdout, "std")).toMatch(/ std$/);
    // ls of the object itself (a stat) shows it too; plain ls shows paths only.
    expect((await run(["ls", "-l", oss("ls/arch")])).stdout).toMatch(new RegExp(`arch  \\(restored until ${shownExpiry}\\)\\n$`));
    expect((await run(["ls", oss("ls/")])).stdout.split("\n").sort()).toEqual(["", "arch", "std"]);
  });

  it("--json carries restore as ObjectInfo has it; an object without one has no restore field", async () => {
    await ossStore.write("json/arch", "a", { storageClass: "ColdArchive" });
    await ossStore.write("json/std", "s");
    await ossStore.restore("json/arch", { days: 2 });
    const parse = async (): Promise<Record<string, { restore?: { ongoing: boolean; expiresAt?: string } }>> => {
      const r = await run(["ls", "--json", oss("json/")]);
      expect(r.code).toBe(0);
      const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { path: string; restore?: { ongoing: boolean; expiresAt?: string } });
      return Object.fromEntries(rows.map((o) => [o.path, o]));
    };
    const ongoing = await parse();
    expect(ongoing["arch"]?.restore).toEqual({ ongoing: true });
    expect(ongoing["std"]).not.toHaveProperty("restore");
    restoresDone();
    const done = await parse();
    expect(done["arch"]?.restore).toEqual({ ongoing: false, expiresAt: (await ossStore.stat("json/arch")).restore?.expiresAt?.toISOString() });
  });

  it("-l of a readable copy whose expiry date did not parse: (restored); --human keeps the same suffix", () => {
    const o = { path: "x", mode: "file" as const, size: 2048, restore: { ongoing: false } };
    expect(formatEntry(o, { long: true })).toMatch(/^file\s+2048  -\s+x  \(restored\)$/);
    expect(formatEntry(o, { long: true, human: true })).toMatch(/^file\s+2\.0 KiB  -\s+x  \(restored\)$/);
    expect(formatEntry({ ...o, restore: undefined }, { long: true })).toMatch(/  x$/);
  });
});

describe("restore -r skips what its listing says is restored or under way", () => {
  it("a second -r sends nothing for the objects the first restored (under way, then readable), counts them, and still restores a new one", async () => {
    for (const [path, storageClass] of [["again/a1", "Archive"], ["again/a2", "Archive"], ["again/sub/cold", "ColdArchive"], ["again/std", "Standard"]] as const) {
      await ossStore.write(path, "x", { storageClass });
    }
    ossEmu.emulator.resetStats();
    const first = await run(["restore", "-r", oss("again/")]);
    expect([first.code, restoreRequests(ossEmu)]).toEqual([0, 3]);
    expect(first.stderr).toMatch(/again\/\?\S*: started 3, extended 0, under way 0, failed 0, skipped 1 object not archived, skipped 0 restored or under way already\n$/);

    ossEmu.emulator.resetStats();
    const underWay = await run(["restore", "-r", oss("again/")]);
    expect([underWay.code, underWay.stdout, restoreRequests(ossEmu)]).toEqual([0, "", 0]);
    expect(underWay.stderr.match(/: a restore is under way already: nothing sent \(stowage stat shows when it reads\)/g)?.length).toBe(3);
    expect(underWay.stderr).toMatch(/again\/\?\S*: started 0, extended 0, under way 0, failed 0, skipped 1 object not archived, skipped 3 restored or under way already\n$/);

    restoresDone();
    const expiry = (await ossStore.stat("again/sub/cold")).restore?.expiresAt?.toISOString().replace(/\.\d{3}Z$/, "Z");
    const a1Expiry = (await ossStore.stat("again/a1")).restore?.expiresAt?.getTime();
    expect(a1Expiry).toEqual(expect.any(Number));
    ossEmu.emulator.resetStats();
    await ossStore.write("again/new", "x", { storageClass: "Archive" });
    const readable = await run(["restore", "-r", oss("again/")]);
    expect([readable.code, restoreRequests(ossEmu)]).toEqual([0, 1]);
    expect(readable.stderr).toMatch(new RegExp(`sub/cold\\S*: restored already, readable until ${expiry}, at least the 1 day asked: nothing sent \\(restore it without -r to extend its copy\\)`));
    expect(readable.stderr).toMatch(/again\/new\S*: restore started, for 1 day/);
    expect(readable.stderr).toMatch(/again\/\?\S*: started 1, extended 0, under way 0, failed 0, skipped 1 object not archived, skipped 3 restored or under way already\n$/);
    // Nothing was sent for a1, so its copy keeps its expiry (a restore would have added a day).
    expect((await ossStore.stat("again/a1")).restore?.expiresAt?.getTime()).toBe(a1Expiry);

    // Asked for longer than the copies last, -r extends them (a scheduled `restore -r --days 3` keeps a tree readable); the new one is still under way.
    ossEmu.emulator.resetStats();
    const longer = await run(["restore", "-r", "--days", "3", oss("again/")]);
    expect([longer.code, restoreRequests(ossEmu)]).toEqual([0, 3]);
    expect(longer.stderr).toMatch(/again\/\?\S*: started 0, extended 3, under way 0, failed 0, skipped 1 object not archived, skipped 1 restored or under way already\n$/);
    expect((await ossStore.stat("again/a1")).restore?.expiresAt?.getTime()).toBe(a1Expiry! + 3 * 86_400_000);
  });

  it("-r of an object named like a directory skips it when its stat says it reads; named alone it is still sent and extended", async () => {
    await ossStore.write("named", "n", { storageClass: "Archive" });
    await ossStore.write("named/inner", "i", { storageClass: "Archive" });
    await ossStore.restore("named");
    await ossStore.restore("named/inner");
    restoresDone();
    const before = (await ossStore.stat("named")).restore?.expiresAt?.getTime();
    ossEmu.emulator.resetStats();
    const tree = await run(["restore", "-r", oss("named")]);
    expect([tree.code, restoreRequests(ossEmu)]).toEqual([0, 0]);
    expect(tree.stderr).toMatch(/started 0, extended 0, under way 0, failed 0, skipped 0 objects not archived, skipped 2 restored or under way already\n$/);
    expect((await ossStore.stat("named")).restore?.expiresAt?.getTime()).toBe(before);

    const alone = await run(["restore", "--days", "2", oss("named")]);
    expect([alone.code, restoreRequests(ossEmu)]).toEqual([0, 1]);
    expect(alone.stderr).toContain(": restored already: 2 days added to its expiry (up to the class's maximum)");
    expect((await ossStore.stat("named")).restore?.expiresAt?.getTime()).toBe(before! + 2 * 86_400_000);
  });

  it("COS listings carry no restore state: a second -r asks each object's HEAD and extends the copies that expire sooner than the days asked; the operand's own object goes by its stat", async () => {
    await cosStore.write("cos/a", "a", { storageClass: "ARCHIVE" });
    await cosStore.write("cos/b", "b", { storageClass: "DEEP_ARCHIVE" });
    expect((await run(["restore", "-r", "--days", "3", cos("cos/")])).code).toBe(0);
    cosEmu.emulator.resetStats();
    const again = await run(["restore", "-r", "--days", "3", cos("cos/")]);
    expect([again.code, restoreRequests(cosEmu)]).toEqual([0, 2]);
    expect(again.stderr).toMatch(/cos\/\?\S*: started 0, extended 2, under way 0, failed 0, skipped 0 objects not archived, skipped 0 restored or under way already\n$/);
    cosEmu.emulator.resetStats();
    const named = await run(["restore", "-r", cos("cos/a")]);
    expect([named.code, restoreRequests(cosEmu)]).toEqual([0, 0]);
    expect(named.stderr).toMatch(/started 0, extended 0, under way 0, failed 0, skipped 0 objects not archived, skipped 1 restored or under way already\n$/);
  });

  it("listedRestore: under way, and readable for at least the days asked, skip; none, an expiry sooner, past or not stated do not", () => {
    const now = Date.parse("2026-03-01T12:00:00Z");
    const day = 86_400_000;
    expect(listedRestore(undefined, now)).toBeUndefined();
    expect(listedRestore({ ongoing: true }, now)).toBe("ongoing");
    expect(listedRestore({ ongoing: true }, now, 30)).toBe("ongoing");
    expect(listedRestore({ ongoing: false, expiresAt: new Date(now + day) }, now)).toBe("readable");
    expect(listedRestore({ ongoing: false, expiresAt: new Date(now + day - 1) }, now)).toBeUndefined();
    expect(listedRestore({ ongoing: false, expiresAt: new Date(now + 7 * day) }, now, 7)).toBe("readable");
    expect(listedRestore({ ongoing: false, expiresAt: new Date(now + 5 * day) }, now, 7)).toBeUndefined();
    expect(listedRestore({ ongoing: false, expiresAt: new Date(now) }, now)).toBeUndefined();
    expect(listedRestore({ ongoing: false, expiresAt: new Date(now - 86_400_000) }, now)).toBeUndefined();
    expect(listedRestore({ ongoing: false }, now)).toBeUndefined();
  });
});
