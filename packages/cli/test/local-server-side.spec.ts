/**
 * Between two local (fs) directories, objects are copied by the file system through one storager
 * opened at their common parent, each copy or move confined by the fs driver to each side's own
 * directory (`sourceWithin` / `destinationWithin`, checked on what the driver opens): `mv` keeps
 * the file (mode bits, mtime and inode, no byte copied), `cp` is the driver's copy (mode kept less
 * the umask). One whose path goes through a directory symlink leading out of its directory
 * (swapped in after the listing, or right before the copy itself) is refused by the driver with
 * nothing changed and streams, each side confined by its own storager, so nothing outside either
 * is read or written. A local file edited once a server-side copy read it is reported (Conflict, the
 * copy deleted), as when streamed (an edit during the copy: source-changes.spec.ts); a path the
 * shared storager refuses streams.
 */
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { chmod, mkdir, rename, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, newStorager, storageError, type Storager } from "@stowage/core";
import { exists, readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);
type Stats = { objects: { copied: number; failed: number }; bytes: { sent: number; serverSide: number } };
const stats = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop()!) as Stats;
/** The prototype every storager shares (to hook its list and copy). */
const proto = Object.getPrototypeOf(newStorager("memory://local-server-side-probe/")) as Storager;
const OLD = new Date("2020-01-01T00:00:00Z");

afterEach(() => {
  jest.restoreAllMocks();
});

/** An executable script, mode 0750, last modified in 2020. */
async function script(path: string): Promise<void> {
  await writeTree(join(path, ".."), { [path.split("/").pop()!]: "#!/bin/sh\necho hi\n" });
  await chmod(path, 0o750);
  await utimes(path, OLD, OLD);
}

/** Runs `after` once, when a list of the fs storager on the directory ending in `dir` has finished. */
function afterListing(dir: string, after: () => Promise<void>): void {
  const list = proto.list;
  let done = false;
  jest.spyOn(proto, "list").mockImplementation(async function* (this: Storager, ...args: Parameters<Storager["list"]>) {
    yield* list.apply(this, args);
    if (!done && this.info.service === "fs" && this.info.workDir.replace(/\/+$/, "").endsWith(dir)) {
      done = true;
      await after();
    }
  });
}

describe("a local mv is a rename", () => {
  it("keeps mode bits, mtime and inode, and copies no byte (mv ./a/run.sh ./b/)", async () => {
    const base = join(ws.work, "mv-one");
    await script(join(base, "a/run.sh"));
    await mkdir(join(base, "b"));
    const before = await stat(join(base, "a/run.sh"));
    const r = await cli(["mv", "./a/run.sh", "./b/", "--stats-json", "--progress", "none"], { cwd: base });
    expect(r.code).toBe(0);
    const after = await stat(join(base, "b/run.sh"));
    expect([after.mode & 0o777, after.mtime.toISOString(), after.ino]).toEqual([0o750, OLD.toISOString(), before.ino]);
    expect(stats(r.stdout).bytes).toMatchObject({ sent: 0, serverSide: 18 });
    expect(await exists(join(base, "a/run.sh"))).toBe(false);
  });

  it("mv -r keeps them too, into a destination that does not exist yet", async () => {
    const base = join(ws.work, "mv-tree");
    await script(join(base, "src/bin/run.sh"));
    await writeTree(join(base, "src"), { "top.txt": "top" });
    const before = await stat(join(base, "src/bin/run.sh"));
    const r = await cli(["mv", "-r", "--stats-json", join(base, "src/"), join(base, "new/dst/")]);
    expect(r.code).toBe(0);
    const after = await stat(join(base, "new/dst/bin/run.sh"));
    expect([after.mode & 0o777, after.mtime.toISOString(), after.ino]).toEqual([0o750, OLD.toISOString(), before.ino]);
    expect(stats(r.stdout).bytes).toMatchObject({ sent: 0, serverSide: 21 });
    expect(await readTree(join(base, "src"))).toEqual({});
  });

  it("cp is the file system's copy: the mode's owner bits are kept, the source stays", async () => {
    const base = join(ws.work, "cp-one");
    await script(join(base, "a/run.sh"));
    const r = await cli(["cp", "--stats-json", join(base, "a/run.sh"), join(base, "b/")]);
    expect(r.code).toBe(0);
    expect((await stat(join(base, "b/run.sh"))).mode & 0o700).toBe(0o700);
    expect(stats(r.stdout).bytes).toMatchObject({ sent: 0, serverSide: 18 });
    expect(await exists(join(base, "a/run.sh"))).toBe(true);
  });
});

describe("a directory symlink swapped in after the listing is not followed", () => {
  it("mv -r: dst/inner -> src made after the destination was listed: every source file is kept", async () => {
    const base = join(ws.work, "swap-dst");
    const files: Record<string, string> = {};
    for (let i = 1; i <= 10; i++) {
      files[`z${i}`] = `top-${i}`;
      files[`inner/z${i}`] = `inner-${i}`;
    }
    await writeTree(join(base, "src"), files);
    await mkdir(join(base, "dst"), { recursive: true });
    // Not listed, so not refused when planned: the per-object look must catch it.
    afterListing("/swap-dst/dst", () => symlink(join(base, "src"), join(base, "dst/inner"), "dir"));

    const r = await cli(["mv", "-r", "--stats-json", join(base, "src/"), join(base, "dst/")]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain("escapes work_dir");
    const kept = Object.fromEntries(Object.entries(files).filter(([k]) => k.startsWith("inner/")));
    expect(await readTree(join(base, "src"))).toEqual(kept);
    for (let i = 1; i <= 10; i++) expect(await readTree(join(base, "dst"))).toMatchObject({ [`z${i}`]: `top-${i}` });
    const topBytes = Object.entries(files).reduce((n, [k, v]) => (k.startsWith("inner/") ? n : n + v.length), 0);
    expect(stats(r.stdout)).toMatchObject({ objects: { copied: 10, failed: 10 }, bytes: { sent: 0, serverSide: topBytes } });
  });

  it("cp -r: src/inner -> a tree outside the source made after the source was listed: nothing is read there", async () => {
    const base = join(ws.work, "swap-src");
    await writeTree(join(base, "src"), { "top.txt": "top", "inner/x": "INNER" });
    await writeTree(join(base, "secret"), { x: "SECRET" });
    await mkdir(join(base, "dst"), { recursive: true });
    afterListing("/swap-src/src", async () => {
      await rename(join(base, "src/inner"), join(base, "inner-was"));
      await symlink(join(base, "secret"), join(base, "src/inner"), "dir");
    });

    const r = await cli(["cp", "-r", "--stats-json", join(base, "src/"), join(base, "dst/")]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain("cp inner/x");
    expect(await readTree(join(base, "dst"))).toEqual({ "top.txt": "top" });
    expect(await readTree(join(base, "secret"))).toEqual({ x: "SECRET" });
    expect(stats(r.stdout)).toMatchObject({ objects: { copied: 1, failed: 1 }, bytes: { sent: 0, serverSide: 3 } });
  });

  it("mv -r: dst/inner -> a third tree made right before the shared storager moves: nothing lands there", async () => {
    const base = join(ws.work, "swap-late");
    await writeTree(join(base, "src"), { "inner/z": "INNER", top: "TOP" });
    await writeTree(join(base, "victim"), { z: "VICTIM" });
    await mkdir(join(base, "dst"), { recursive: true });
    const move = proto.move;
    const seen: unknown[] = [];
    jest.spyOn(proto, "move").mockImplementation(async function (this: Storager, ...args: Parameters<Storager["move"]>) {
      if (this.info.service === "fs" && args[1].endsWith("inner/z") && !(await exists(join(base, "dst/inner")))) {
        await symlink(join(base, "victim"), join(base, "dst/inner"), "dir");
        seen.push(args[2]);
      }
      return move.apply(this, args);
    });
    const r = await cli(["mv", "-r", "--stats-json", join(base, "src/"), join(base, "dst/")]);
    expect(seen).toEqual([expect.objectContaining({ sourceWithin: "src/", destinationWithin: "dst/" })]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain("inner/z: InvalidArgument: path escapes work_dir");
    expect(await readTree(join(base, "victim"))).toEqual({ z: "VICTIM" });
    expect(await readTree(join(base, "src"))).toEqual({ "inner/z": "INNER" });
    expect(stats(r.stdout)).toMatchObject({ objects: { copied: 1, failed: 1 }, bytes: { sent: 0, serverSide: 3 } });
  });

  it("a path the shared storager refuses streams instead", async () => {
    const base = join(ws.work, "refused");
    await writeTree(join(base, "src"), { "a.txt": "alpha" });
    const copy = proto.copy;
    jest.spyOn(proto, "copy").mockImplementation(async function (this: Storager, ...args: Parameters<Storager["copy"]>) {
      // The common parent's storager: as if a symlink swapped in since the look led outside it.
      if (this.info.service === "fs" && this.info.workDir.replace(/\/+$/, "").endsWith("/refused")) throw storageError(ErrorCode.InvalidArgument, "path escapes work_dir");
      return copy.apply(this, args);
    });
    const r = await cli(["cp", "-r", "--stats-json", join(base, "src/"), join(base, "dst/")]);
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining("cp: copied 1 object")]);
    expect(stats(r.stdout).bytes).toMatchObject({ sent: 5, serverSide: 0 });
    expect(await readTree(join(base, "dst"))).toEqual({ "a.txt": "alpha" });
  });
});

describe("a local file edited during a server-side copy", () => {
  it.each([["cp"], ["cp -r"], ["sync"]])("%s: reported as Conflict, the copy deleted, the next run copies it", async (typed) => {
    const command = typed.split(" ");
    const base = join(ws.work, `edited-${command.join("")}`);
    await writeTree(join(base, "src"), { "f.txt": "version-1" });
    const file = join(base, "src/f.txt");
    const copy = proto.copy;
    // The edit lands while the file system copies (once the copy's bytes are read): same size, a later time.
    jest.spyOn(proto, "copy").mockImplementation(async function (this: Storager, ...args: Parameters<Storager["copy"]>) {
      await copy.apply(this, args);
      if (this.info.service === "fs") {
        await writeFile(file, "version-2");
        const later = new Date((await stat(file)).mtimeMs + 10_000);
        await utimes(file, later, later);
      }
    });
    const [from, to] = command.length === 1 && command[0] === "cp" ? [file, join(base, "dst/")] : [join(base, "src/"), join(base, "dst/")];

    const r = await cli([...command, "--stats-json", from, to]);
    expect(r.code).toBe(12);
    expect(r.stderr).toContain("f.txt: Conflict: the source changed while it was copied");
    expect(r.stderr).toContain("the copy was deleted, so the destination's previous object is gone too");
    expect(await exists(join(base, "dst/f.txt"))).toBe(false);
    expect(stats(r.stdout).objects).toMatchObject({ copied: 0, failed: 1 });
    jest.restoreAllMocks();

    const again = await cli([...command, from, to]);
    expect(again.code).toBe(0);
    expect(await readTree(join(base, "dst"))).toEqual({ "f.txt": "version-2" });
  });
});
