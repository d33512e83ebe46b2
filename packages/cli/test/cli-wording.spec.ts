/**
 * review-cli-ux L3, L4 (in process; the COS emulator behind profiles):
 * - L3: every whole-number flag words its range error one way (`"0" is not a whole number of at
 *   least 1`: `--large-concurrency`, `du --depth`, `restore --days`); a size that comes to a
 *   fraction of a byte says so, rather than offering `1.5G` as a fix; `--bwlimit 0` is refused in
 *   bytes per second (it is a rate), a size flag's 0 still in bytes.
 * - L4: `stat`, `cat` and `restore` of one missing object say `<operand> does not exist` as get, rm
 *   and cp do, the service's text after it, exit 3; a HEAD's bare 404 (`no such object, or no such
 *   bucket`) says which, the bucket asked; a link whose target is missing is still said as such.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const BUCKET = "cli-wording-1250000000";
const cosEmu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const ws = useWorkspace();
const run = inProcess(ws, {
  env: () => ({
    STOWAGE_PROFILE_BACKUP: cosEmu.emulator.connectionString(BUCKET, "/"),
    // A bucket the emulator does not have.
    STOWAGE_PROFILE_NOBUCKET: cosEmu.emulator.connectionString(BUCKET, "/").replace(BUCKET, "nobucket-1250000000"),
  }),
});

/** `text` as a regular expression matching it literally. */
function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** stderr's lines, without the empty one after the last newline. */
function lines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l !== "");
}

beforeAll(async () => {
  mkdirSync(join(ws.work, "src"), { recursive: true });
  writeFileSync(join(ws.work, "src", "a.txt"), "alpha");
  symlinkSync("nothing.txt", join(ws.work, "src", "dangling"));
  const store = newStorager(cosEmu.emulator.connectionString(BUCKET, "/"));
  await store.write("there/db.dump", "standard");
});

describe("L3: range errors of whole-number flags, fractions of a byte, rates", () => {
  it.each([
    [["cp", "--large-concurrency", "0", "src/a.txt", "x"], '"0" is not a whole number of at least 1'],
    [["du", "--depth", "-1", "src"], '"-1" is not a whole number of at least 0'],
    [["du", "-d", "1.5", "src"], '"1.5" is not a whole number of at least 0'],
    [["restore", "--days", "0", "backup:there/db.dump"], '"0" is not a whole number of at least 1'],
    [["restore", "-d", "x", "backup:there/db.dump"], '"x" is not a whole number of at least 1'],
  ])("%j: one wording", async (argv, words) => {
    const r = await run(argv);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(words)]);
    expect(r.stderr).not.toContain("wants a whole number");
    expect(r.stderr).not.toContain("whole number of days");
  });

  it("du --depth takes 0 and counts as before", async () => {
    const r = await run(["du", "--depth", "0", "src"]);
    expect(r.code).toBe(0);
  });

  it("a size that comes to a fraction of a byte says so, offering no fraction as a fix", async () => {
    const plain = await run(["cp", "--part-size", "1.5", "src/a.txt", "x"]);
    expect([plain.code, lines(plain.stderr)[0]]).toEqual([2, expect.stringMatching(/"1\.5" is not a whole number of bytes$/)]);
    expect(plain.stderr).not.toContain("1.5G");
    const unit = await run(["cp", "--large-threshold", "1.3K", "src/a.txt", "x"]);
    expect([unit.code, unit.stderr]).toEqual([2, expect.stringContaining('"1.3K" is not a whole number of bytes (it comes to 1331.2 bytes;')]);
    // Not a size at all: the hint with examples, as before; a fraction that comes to whole bytes is taken.
    const junk = await run(["cp", "--part-size", "lots", "src/a.txt", "x"]);
    expect([junk.code, junk.stderr]).toEqual([2, expect.stringContaining('"lots" is not a size (try ')]);
    expect((await run(["cp", "--part-size", "1.5K", "src/a.txt", "y"])).code).toBe(0);
  });

  it("--bwlimit 0 is refused in bytes per second, --part-size 0 in bytes", async () => {
    for (const value of ["0", "0.0001K"]) {
      const r = await run(["cp", "--bwlimit", value, "src/a.txt", "x"]);
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(`"${value}" must be more than 0 bytes per second`)]);
    }
    const size = await run(["cp", "--part-size", "0", "src/a.txt", "x"]);
    expect([size.code, size.stderr]).toEqual([2, expect.stringContaining('"0" must be more than 0 bytes\n')]);
  });
});

describe("L4: stat, cat and restore of one missing object, as get says it", () => {
  it.each([
    ["stat", "head_object: HTTP 404 (no such object) (op=stat, service=cos, "],
    ["cat", "get_object: NoSuchKey: The specified key does not exist. (op=read, service=cos, "],
    ["restore", "head_object: HTTP 404 (no such object) (op=restore, service=cos, "],
  ])("%s: <operand> does not exist: the service's text; no 'or no such bucket' where the bucket is there", async (command, service) => {
    const r = await run([command, "backup:2024/missing.dump"]);
    const line = `stowage: ObjectNotExist: backup:2024/missing.dump does not exist: ${service}path="missing.dump", status=404, requestId=`;
    expect([r.code, r.stdout, lines(r.stderr)]).toEqual([3, "", [expect.stringMatching(new RegExp(`^${escaped(line)}\\S+\\)$`))]]);
    expect(r.stderr).not.toContain("or no such bucket");
    // As get words it.
    const get = await run(["get", "backup:2024/missing.dump", "out"]);
    expect(lines(get.stderr)[0]).toMatch(/^stowage: ObjectNotExist: backup:2024\/missing\.dump does not exist /);
  });

  it.each(["stat", "restore"])("%s in a bucket that does not exist: says so", async (command) => {
    const r = await run([command, "nobucket:2024/missing.dump"]);
    expect([r.code, lines(r.stderr)]).toEqual([3, [expect.stringMatching(/^stowage: ObjectNotExist: nobucket:2024\/missing\.dump does not exist: head_object: HTTP 404 \(no such bucket\) \(op=/)]]);
  });

  it.each(["stat", "cat"])("%s on the local file system: the operand, then the store's text", async (command) => {
    const r = await run([command, "src/missing.txt"]);
    const op = command === "cat" ? "read" : "stat";
    expect([r.code, r.stderr]).toEqual([3, `stowage: ObjectNotExist: src/missing.txt does not exist: no such object (op=${op}, service=fs, path="missing.txt")\n`]);
  });

  it("a link whose target is missing is said as such, the link being there; a directory without -r is told to use -r", async () => {
    const link = await run(["cat", "src/dangling"]);
    expect([link.code, link.stderr]).toEqual([3, expect.stringContaining("is a link to")]);
    expect(link.stderr).not.toContain("src/dangling does not exist");
    const dir = await run(["restore", "backup:there"]);
    expect([dir.code, dir.stderr]).toEqual([2, expect.stringContaining("backup:there is a directory: use restore -r")]);
    // What stat and cat of an object that is there print is unchanged.
    expect((await run(["cat", "backup:there/db.dump"])).stdout).toBe("standard");
    expect((await run(["stat", "backup:there/db.dump"])).stdout).toContain("size: 8 (8 B)");
  });
});
