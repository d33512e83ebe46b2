/**
 * review-sync LOW-3, LOW-4, LOW-7 and LOW-8: a dry run's `--stats-json` counts would-be copies and
 * would-be deletes alike (as planned); a file of the source where the destination has a directory
 * (or the reverse) is refused with what to do; temp files a killed run left next to a checkpoint
 * are removed once stale; a resumed upload with no stored parts is said in the summary, and
 * "resuming from checkpoint" only when the checkpoint holds something this run resumes.
 */
import { describe, expect, it } from "@jest/globals";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, newStorager, storageError } from "@stowage/core";
import { EXIT_CODES } from "../src/errors.js";
import type { TransferStats } from "../src/index.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { inProcess } from "./cli-run.js";
import { bytes, exists, readTree, writeTree } from "./helpers.js";

const MiB = 1024 * 1024;
const ws = useWorkspace({ stateDir: true });
const run = inProcess(ws);

/** Refuses the writes of keys ending in `broken.txt` while `walled` is true. */
let walled = false;
useMemoryVariant("once", (driver) => {
  const write = driver.write.bind(driver);
  driver.write = (key, body, options) => (walled && key.endsWith("broken.txt") ? Promise.reject(storageError(ErrorCode.PermissionDenied, "Access Denied.")) : write(key, body, options));
  return driver;
});

describe("a dry run's --stats-json (LOW-3)", () => {
  it("counts would-be copies and would-be deletes both as planned, with command and dryRun", async () => {
    await newStorager("memory://dr-src/").write("new.txt", "n");
    await newStorager("memory://dr-dst/").write("extra.txt", "x");
    const dry = await run(["sync", "--delete", "--dry-run", "--stats-json", "memory://dr-src/", "memory://dr-dst/"]);
    expect(dry.code).toBe(0);
    const stats = JSON.parse(dry.stdout.split("\n").filter((l) => l.startsWith("{"))[0]!) as TransferStats;
    expect([stats.command, stats.dryRun]).toEqual(["sync", true]);
    expect(stats.objects).toMatchObject({ planned: 1, copied: 0, plannedDeletes: 1, deleted: 0 });
    expect(stats.bytes).toMatchObject({ planned: 1, copied: 0 });
    expect(dry.stderr).toBe("sync: would copy 1 object (1 B), would delete 1\n");
    const real = await run(["sync", "--delete", "--stats-json", "memory://dr-src/", "memory://dr-dst/"]);
    expect((JSON.parse(real.stdout) as TransferStats).objects).toMatchObject({ planned: 1, copied: 1, plannedDeletes: 1, deleted: 1 });
  });
});

describe("a file where the destination has a directory, or the reverse (LOW-4)", () => {
  it("is refused before anything is written, saying what to remove; once removed, sync goes through", async () => {
    await writeTree(join(ws.work, "ks"), { a: "now a file", "d/x.txt": "now below d/" });
    await writeTree(join(ws.work, "kd"), { "a/old.txt": "was below a/", d: "was a file", "keep.txt": "k" });
    const r = await run(["sync", "--delete", "ks/", "kd/"]);
    expect(r.code).toBe(EXIT_CODES.ObjectModeInvalid);
    const lines = r.stderr.split("\n");
    expect(lines).toContain(
      "stowage: sync a: ObjectModeInvalid: kd/a/ is a directory at the destination, where the source has a file: not replaced " +
        '(a copy never replaces a directory with a file, not even sync --delete); the directory holds 1 entry: copy the file to another name (stowage cp), ' +
        'or, if nothing in the directory is needed, remove it (stowage rm -r kd/a/) and run again (op=write, service=fs, path="a")',
    );
    expect(lines).toContain(
      "stowage: sync d/x.txt: ObjectModeInvalid: kd/d is a file at the destination, where the source has a directory: not replaced " +
        '(a copy never replaces a file with a directory, not even sync --delete); move it to another name (stowage mv), ' +
        'or, if it is not needed, remove it (stowage rm kd/d), and run again (op=write, service=fs, path="d/x.txt")',
    );
    expect(lines).toContain("stowage: not deleting 3 extra objects because some copies failed");
    expect(await readTree(join(ws.work, "kd"))).toEqual({ "a/old.txt": "was below a/", d: "was a file", "keep.txt": "k" });
    // What the messages say to do.
    expect((await run(["rm", "-r", "--yes", "kd/a/"])).code).toBe(0);
    expect((await run(["rm", "kd/d"])).code).toBe(0);
    expect((await run(["sync", "--delete", "ks/", "kd/"])).code).toBe(0);
    expect(await readTree(join(ws.work, "kd"))).toEqual({ a: "now a file", "d/x.txt": "now below d/" });
  });

  it("is refused the same into memory, which has real directories too", async () => {
    await newStorager("memory://ks-dst/").write("a/old.txt", "o");
    const r = await run(["sync", "--dry-run", "ks/", "memory://ks-dst/"]);
    expect(r.code).toBe(EXIT_CODES.ObjectModeInvalid);
    expect(r.stderr).toContain("stowage: sync a: ObjectModeInvalid: memory://ks-dst/a/ is a directory at the destination, where the source has a file");
    expect(r.stdout).toBe("would copy d/x.txt (12 B, new)\n");
  });
});

describe("checkpoint temp files a killed run left (LOW-7)", () => {
  it("are removed when stale (an hour old), in the state directory and next to a named checkpoint; fresh ones and others' files stay", async () => {
    const dir = join(ws.work, "state", "checkpoints");
    await mkdir(dir, { recursive: true });
    const old = new Date(Date.now() - 2 * 3600_000);
    const names = {
      staleTemp: "0123456789abcdef01234567.json.0011223344556677.tmp",
      staleLockTemp: "0123456789abcdef01234567.json.lock.8899aabbccddeeff.tmp",
      freshTemp: "76543210fedcba9876543210.json.0011223344556677.tmp",
      notOurs: "notes.json.0011223344556677.tmp",
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), "{}");
    for (const name of [names.staleTemp, names.staleLockTemp, names.notOurs]) await utimes(join(dir, name), old, old);
    const named = join(ws.work, "mine.json");
    await writeFile(`${named}.aaaaaaaaaaaaaaaa.tmp`, "{}");
    await writeFile(join(ws.work, "other.json.bbbbbbbbbbbbbbbb.tmp"), "{}");
    for (const f of [`${named}.aaaaaaaaaaaaaaaa.tmp`, join(ws.work, "other.json.bbbbbbbbbbbbbbbb.tmp")]) await utimes(f, old, old);

    await writeTree(join(ws.work, "tmp-src"), { "f.txt": "f" });
    expect((await run(["sync", "tmp-src/", "memory://tmp-dst/"])).code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual([names.freshTemp, names.notOurs].sort());
    expect((await run(["sync", "--checkpoint", named, "tmp-src/", "memory://tmp-dst2/"])).code).toBe(0);
    expect(await exists(`${named}.aaaaaaaaaaaaaaaa.tmp`)).toBe(false);
    expect(await exists(join(ws.work, "other.json.bbbbbbbbbbbbbbbb.tmp"))).toBe(true);
  });
});

describe("summary and resume wording (LOW-8)", () => {
  it("a resumed upload whose parts were not stored yet is said in the summary", async () => {
    await writeTree(join(ws.work, "rs"), { "big.bin": bytes(3 * MiB, 4) });
    const dst = newStorager("memory://rs-dst/");
    const upload = await dst.createMultipart("big.bin");
    const checkpoint = join(ws.work, "rs.json");
    const record = { multipartId: upload.multipartId, partSize: MiB, source: { size: 3 * MiB }, bytesDone: 0 };
    const meta = { version: 1, command: "cp", source: `fs://${ws.work}/rs/`, destination: "memory://rs-dst/", updated: new Date().toISOString() };
    await writeFile(checkpoint, JSON.stringify({ ...meta, uploads: { "big.bin": record }, done: {} }));
    const r = await run(["cp", "--large-threshold", "1M", "--part-size", "1M", "--stats-json", "--checkpoint", checkpoint, "rs/big.bin", "memory://rs-dst/big.bin"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`cp: resuming from checkpoint ${checkpoint} (1 upload to go on with)`);
    expect((JSON.parse(r.stdout) as TransferStats).parts).toEqual({ resumedUploads: 1, skipped: 0 });
    expect(r.stderr).toMatch(/^cp: copied 1 object \(3\.0 MiB\), resumed 1 upload \(no stored parts: every part sent\), in /m);
  });

  it("a sync re-run with only a failed object left does not claim to resume", async () => {
    await writeTree(join(ws.work, "rf"), { "a.txt": "a", "broken.txt": "b" });
    walled = true;
    const failed = await run(["sync", "rf/", "once://rf-dst/"]);
    walled = false;
    expect(failed.code).toBe(EXIT_CODES.PermissionDenied);
    // The checkpoint of the failed run records a.txt as done: sync decides by content, not by it.
    const again = await run(["sync", "rf/", "once://rf-dst/"]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain("resuming from checkpoint");
    expect(again.stderr).toMatch(/^sync: copied 1 object \(1 B\), skipped 1, in /m);
  });
});
