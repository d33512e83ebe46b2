/**
 * review-fresh-user M2, L1, L2, L10 (in process, the COS emulator behind profiles):
 * - a failed operand of rm, restore, mkdir, stat and cat is reported naming the command and the
 *   operand as typed (`stowage: restore backup:2026/db.dump: ObjectModeInvalid: ...`), as a failed
 *   transfer names its path: the error's `path=` is relative to the operand's parent, so two
 *   operands with one base name read alike without it; an error that names the operand already is
 *   printed as it is (a missing object: `stowage: ObjectNotExist: backup:x does not exist: ...`, as
 *   get says it), and a credential in the operand is never shown;
 * - mkdir carries on past a failed operand (exit code the first failure's) and says each made
 *   directory as typed (`mkdir: made ./okdir/`);
 * - the README's ln example works as written (the `scratch` profile, a local directory);
 * - `restore -r` on COS (whose listings carry no restore state) asks each archived object's HEAD
 *   first and skips a copy readable for at least the days asked: a `restore -r` without `--days`
 *   leaves a 7-day restore as it is, counted as restored already.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newStorager, type Storager } from "@stowage/core";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const BUCKET = "operand-failures-1250000000";
const cosEmu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const ws = useWorkspace();
let store: Storager;
const run = inProcess(ws, {
  env: () => ({
    STOWAGE_PROFILE_BACKUP: cosEmu.emulator.connectionString(BUCKET, "/"),
    // The same bucket, its secret wrong: every request is refused (PermissionDenied).
    STOWAGE_PROFILE_BAD: cosEmu.emulator.connectionString(BUCKET, "/").replace(/credential=hmac:([^:&]*):[^&]*/, "credential=hmac:$1:WRONG"),
  }),
});

/** stderr's lines, without the empty one after the last newline. */
function lines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l !== "");
}

beforeAll(() => {
  store = newStorager(cosEmu.emulator.connectionString(BUCKET, "/"));
});

describe("a failed operand's line names the command and the operand", () => {
  it("restore: two missing operands of one base name and one in no archive class, each named; the exit code the first failure's", async () => {
    await store.write("2026/db.dump", "standard");
    const r = await run(["restore", "--days", "7", "backup:2024/db.dump", "backup:2025/db.dump", "backup:2026/db.dump"]);
    expect(r.code).toBe(3);
    const got = lines(r.stderr);
    expect(got).toHaveLength(3);
    // A missing object is said as get says it, naming the operand (review-cli-ux L4).
    expect(got[0]).toMatch(/^stowage: ObjectNotExist: backup:2024\/db\.dump does not exist: head_object: .*path="db\.dump"/);
    expect(got[1]).toMatch(/^stowage: ObjectNotExist: backup:2025\/db\.dump does not exist: head_object: /);
    expect(got[2]).toMatch(/^stowage: restore backup:2026\/db\.dump: ObjectModeInvalid: restore: the object is STANDARD/);
  });

  it("rm: a refused credential is named per operand, and the secret is not shown; an error that names the operand is not prefixed", async () => {
    const denied = await run(["rm", "--yes", "bad:2026/db.dump", "bad:backups/db.dump"]);
    expect(denied.code).toBe(4);
    const got = lines(denied.stderr);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatch(/^stowage: rm bad:2026\/db\.dump: PermissionDenied: /);
    expect(got[1]).toMatch(/^stowage: rm bad:backups\/db\.dump: PermissionDenied: /);
    expect(denied.stderr).not.toContain("WRONG");

    const missing = await run(["rm", "backup:nothing/here.txt"]);
    expect([missing.code, lines(missing.stderr)]).toEqual([3, [expect.stringMatching(/^stowage: ObjectNotExist: backup:nothing\/here\.txt does not exist \(op=rm, /)]]);
    const connection = await run(["rm", cosEmu.emulator.connectionString(BUCKET, "/").replace("/?", "/nothing/here.txt?")]);
    expect(connection.code).toBe(3);
    expect(connection.stderr).toMatch(/^stowage: ObjectNotExist: cos:\/\/operand-failures-1250000000\/nothing\/here\.txt\?\S* does not exist/);
    expect(connection.stderr).not.toContain(cosEmu.emulator.connectionString(BUCKET, "/").match(/hmac:[^:&]*:([^&]*)/)![1]!);
  });

  it("stat and cat: the operand named in the error, whose path= is its base name alone", async () => {
    // A missing object is said as get says it: `<operand> does not exist: ...` (review-cli-ux L4).
    const stat = await run(["stat", "backup:2024/db.dump"]);
    expect([stat.code, lines(stat.stderr)]).toEqual([3, [expect.stringMatching(/^stowage: ObjectNotExist: backup:2024\/db\.dump does not exist: .*path="db\.dump"/)]]);
    const cat = await run(["cat", "backup:2024/db.dump"]);
    expect([cat.code, cat.stdout, lines(cat.stderr)]).toEqual([3, "", [expect.stringMatching(/^stowage: ObjectNotExist: backup:2024\/db\.dump does not exist: .*path="db\.dump"/)]]);
    const local = await run(["cat", "./docs/a.txt"]);
    expect([local.code, lines(local.stderr)]).toEqual([3, [expect.stringMatching(/^stowage: ObjectNotExist: \.\/docs\/a\.txt does not exist: .*path="a\.txt"/)]]);
    // Another failure of the operand is still named before the error.
    const denied = await run(["stat", "bad:2024/db.dump"]);
    expect([denied.code, lines(denied.stderr)]).toEqual([4, [expect.stringMatching(/^stowage: stat bad:2024\/db\.dump: PermissionDenied: /)]]);
    // The root of a bucket that does not exist: the message names the operand, not prefixed.
    const root = await run(["stat", cosEmu.emulator.connectionString(BUCKET, "/").replace(BUCKET, "nobucket-1250000000")]);
    expect([root.code, lines(root.stderr)]).toEqual([3, [expect.stringMatching(/^stowage: ObjectNotExist: cos:\/\/nobucket-1250000000\/\?\S* does not exist \(no such bucket or store\)/)]]);
  });
});

describe("mkdir", () => {
  it("carries on past a failed operand (exit code the first failure's), says each made directory as typed", async () => {
    writeFileSync(join(ws.work, "afile"), "a file");
    const r = await run(["mkdir", "./afile/sub/", "./okdir/", "backup:reports/q4/"]);
    expect(r.code).toBe(10);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(/^stowage: mkdir \.\/afile\/sub\/: ObjectModeInvalid: a file is in the way of the directory \(op=create_dir, service=fs, path="sub"\)$/),
      "mkdir: made ./okdir/",
      "mkdir: made backup:reports/q4/",
    ]);
    expect((await store.stat("reports/q4/", { mode: "dir" })).mode).toBe("dir");
    expect((await run(["ls", "./okdir/"])).code).toBe(0);
    // One there already: the same line, exit 0.
    expect([(await run(["mkdir", "./okdir"])).stderr]).toEqual(["mkdir: made ./okdir\n"]);
  });
});

describe("the README's ln example", () => {
  it("stowage ln scratch:reports/2026-q4.pdf scratch:reports/latest.pdf works with the README's scratch profile (a local directory)", async () => {
    const scratch = join(ws.work, "scratch");
    mkdirSync(join(scratch, "reports"), { recursive: true });
    writeFileSync(join(scratch, "reports", "2026-q4.pdf"), "pdf");
    const env = { STOWAGE_PROFILE_SCRATCH: `fs://${scratch}/` };
    const r = await run(["ln", "scratch:reports/2026-q4.pdf", "scratch:reports/latest.pdf"], { env });
    expect(r.code).toBe(0);
    expect(readlinkSync(join(scratch, "reports", "latest.pdf"))).toBe("2026-q4.pdf");
    expect((await run(["cat", "scratch:reports/latest.pdf"], { env })).stdout).toBe("pdf");
    const help = await run(["ln", "--help"]);
    expect(help.stdout).not.toContain("backup:");
  });
});

describe("restore -r on COS asks each archived object's HEAD first", () => {
  it("a copy readable for at least the days asked is skipped, its expiry kept; one that expires sooner is extended; a new one restored", async () => {
    await store.write("tree/a.dump", "a", { storageClass: "ARCHIVE" });
    await store.write("tree/sub/b.dump", "b", { storageClass: "DEEP_ARCHIVE" });
    await store.write("tree/warm.txt", "w");
    expect((await run(["restore", "-r", "--days", "7", "backup:tree/"])).code).toBe(0);
    const expiry = (await store.stat("tree/a.dump")).restore?.expiresAt?.getTime();
    expect(expiry).toEqual(expect.any(Number));

    await store.write("tree/new.dump", "n", { storageClass: "ARCHIVE" });
    cosEmu.emulator.resetStats();
    const again = await run(["restore", "-r", "backup:tree/"]);
    expect(again.code).toBe(0);
    // a.dump and b.dump skipped, nothing sent for them; new.dump restored.
    expect(cosEmu.emulator.stats().byOperation["RestoreObject"] ?? 0).toBe(1);
    expect(again.stderr).toMatch(/restore: backup:tree\/a\.dump: restored already, readable until \S+, at least the 1 day asked: nothing sent/);
    expect(again.stderr).toMatch(/restore: backup:tree\/new\.dump: restore started, for 1 day/);
    expect(again.stderr).toMatch(/restore: backup:tree\/: started 1, extended 0, under way 0, failed 0, skipped 1 object not archived, skipped 2 restored or under way already\n$/);
    expect((await store.stat("tree/a.dump")).restore?.expiresAt?.getTime()).toBe(expiry);

    // Asked for longer than the copies last: extended.
    const longer = await run(["restore", "-r", "--days", "10", "backup:tree/"]);
    expect(longer.stderr).toMatch(/started 0, extended 3, under way 0, failed 0, skipped 1 object not archived, skipped 0 restored or under way already\n$/);
    expect((await store.stat("tree/a.dump")).restore?.expiresAt?.getTime()).toBeGreaterThan(expiry!);
  });
});
