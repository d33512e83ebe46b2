import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { chmod, link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { storageError, type StorageError } from "@stowage/core";
import { FsStorageDriver } from "../src/storager.js";
import { expectCode, rejection, tree } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// `ifNotExists` on copy and move (feature `writeIfNotExists`): a copy's temp file, and a moved file
// itself, are hard-linked in only where no entry is at the destination (link(2), EEXIST): never a
// rename(2), which replaces. Refused: `Conflict`, nothing changed, a move's source kept, no temp file.

/**
 * Whether `mount --bind` works here (root, or CAP_SYS_ADMIN): tried once, on two scratch
 * directories, which are unmounted and removed again.
 */
async function bindMountWorks(): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), "stowage-fs-bind-"));
  try {
    await mkdir(join(dir, "a"));
    await mkdir(join(dir, "b"));
    execFileSync("mount", ["--bind", join(dir, "a"), join(dir, "b")], { stdio: "ignore" });
  } catch {
    await rm(dir, { recursive: true, force: true });
    return false;
  }
  execFileSync("umount", [join(dir, "b")]);
  await rm(dir, { recursive: true, force: true });
  return true;
}
const BIND_MOUNT = await bindMountWorks();

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

/** Names of temp files (`.stowage-tmp-…`) anywhere in the store. */
async function temps(): Promise<string[]> {
  return (await tree(s.root)).filter((p) => p.split("/").some((n) => n.startsWith(".stowage-tmp-")));
}

/** Inode, mtime and link count of the entry itself (never followed). */
async function identity(name: string): Promise<[bigint, bigint, bigint]> {
  const st = await lstat(join(s.root, name), { bigint: true });
  return [st.ino, st.mtimeNs, st.nlink];
}

/** A directory, a dangling symlink and a symlink leading outside the work_dir, each at its name. */
async function occupants(): Promise<string[]> {
  await mkdir(join(s.root, "dir"));
  await symlink("nowhere", join(s.root, "dangling"));
  await writeFile(join(s.outside, "secret"), "outside");
  await symlink(join(s.outside, "secret"), join(s.root, "out"));
  return ["dir", "dangling", "out"];
}

/** Checks the {@link occupants} are as they were made, and nothing outside changed. */
async function occupantsKept(): Promise<void> {
  expect((await lstat(join(s.root, "dir"))).isDirectory()).toBe(true);
  expect(await readdir(join(s.root, "dir"))).toEqual([]);
  expect(await readlink(join(s.root, "dangling"))).toBe("nowhere");
  expect(await readlink(join(s.root, "out"))).toBe(join(s.outside, "secret"));
  expect(await readFile(join(s.outside, "secret"), "utf8")).toBe("outside");
  expect(await readdir(s.outside)).toEqual(["secret"]);
}

describe("fs copy ifNotExists", () => {
  it("copies to a new path (mode: the source's less the umask), then refuses to replace: Conflict 409, the file unchanged, no temp file", async () => {
    await writeFile(join(s.root, "src"), "source bytes");
    await chmod(join(s.root, "src"), 0o664);
    const old = process.umask(0o077);
    try {
      await s.driver.copy(s.key("src"), s.key("d/new"), { ifNotExists: true });
    } finally {
      process.umask(old);
    }
    expect(await readFile(join(s.root, "d/new"), "utf8")).toBe("source bytes");
    expect((await stat(join(s.root, "d/new"))).mode & 0o777).toBe(0o600);
    await writeFile(join(s.root, "other"), "other bytes");
    const before = await identity("d/new");
    const e = await rejection(s.driver.copy(s.key("other"), s.key("d/new"), { ifNotExists: true }));
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(await readFile(join(s.root, "d/new"), "utf8")).toBe("source bytes");
    expect(await identity("d/new")).toEqual(before);
    // Onto its own path: the object is there.
    const self = await identity("src");
    await expectCode(s.driver.copy(s.key("src"), s.key("src"), { ifNotExists: true }), "Conflict");
    expect(await identity("src")).toEqual(self);
    expect(await tree(s.root)).toEqual(["d", "d/new", "other", "src"]);
  });

  it("counts a directory, a dangling symlink and a symlink leading outside as existing: Conflict, each left as it was", async () => {
    await writeFile(join(s.root, "src"), "x");
    for (const name of await occupants()) await expectCode(s.driver.copy(s.key("src"), s.key(name), { ifNotExists: true }), "Conflict");
    await occupantsKept();
    expect(await temps()).toEqual([]);
  });

  it("a file stored at the destination while the copy runs (after the first look) wins: Conflict, that file kept, no temp file", async () => {
    await writeFile(join(s.root, "src"), Buffer.alloc(9 * 1024 * 1024, 1));
    let stored = false;
    // The listener runs after each 4 MiB chunk: the copy is past its first look, its temp file filling.
    const onProgress = (): void => {
      if (stored) return;
      stored = true;
      writeFileSync(join(s.root, "dst"), "meanwhile");
    };
    await expectCode(s.driver.copy(s.key("src"), s.key("dst"), { ifNotExists: true, onProgress }), "Conflict");
    expect(stored).toBe(true);
    expect(await readFile(join(s.root, "dst"), "utf8")).toBe("meanwhile");
    expect(await tree(s.root)).toEqual(["dst", "src"]);
  });

  it("of copies racing to one new path, from two drivers on the same directory, exactly one wins; no temp file", async () => {
    const other = new FsStorageDriver(s.root + "/");
    const sources = Array.from({ length: 6 }, (_, i) => Buffer.alloc(512 * 1024, 65 + i));
    for (const [i, data] of sources.entries()) await writeFile(join(s.root, `src-${i}`), data);
    for (let round = 0; round < 10; round++) {
      const dst = s.key(`r/${round}`);
      const results = await Promise.allSettled(sources.map((_, i) => (i % 2 === 0 ? s.driver : other).copy(s.key(`src-${i}`), dst, { ifNotExists: true })));
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "Conflict" });
      expect((await readFile(join(s.root, "r", String(round)))).equals(sources[won[0]!]!)).toBe(true);
    }
    expect(await temps()).toEqual([]);
  });
});

describe("fs move ifNotExists", () => {
  it("moves to a new path as the same file (inode, mode, mtime kept, one name), then refuses to replace: Conflict, the source kept", async () => {
    await writeFile(join(s.root, "src"), "moving");
    await chmod(join(s.root, "src"), 0o640);
    const [ino, mtime] = await identity("src");
    const old = process.umask(0o077);
    try {
      await s.driver.move(s.key("src"), s.key("d/moved"), { ifNotExists: true });
    } finally {
      process.umask(old);
    }
    expect(await identity("d/moved")).toEqual([ino, mtime, 1n]);
    expect((await stat(join(s.root, "d/moved"))).mode & 0o777).toBe(0o640);
    await expectCode(s.driver.stat(s.key("src"), {}), "ObjectNotExist");
    await writeFile(join(s.root, "next"), "next bytes");
    const [src, dst] = [await identity("next"), await identity("d/moved")];
    const e = await rejection(s.driver.move(s.key("next"), s.key("d/moved"), { ifNotExists: true }));
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect([await identity("next"), await identity("d/moved")]).toEqual([src, dst]);
    expect(await readFile(join(s.root, "next"), "utf8")).toBe("next bytes");
    expect(await readFile(join(s.root, "d/moved"), "utf8")).toBe("moving");
    // A progress listener that throws, or aborts, runs before anything is linked: both names stay.
    const stop = storageError("Conflict", "stop");
    await expect(s.driver.move(s.key("next"), s.key("free"), { ifNotExists: true, onProgress: () => { throw stop; } })).rejects.toBe(stop);
    const controller = new AbortController();
    await expectCode(s.driver.move(s.key("next"), s.key("free"), { ifNotExists: true, signal: controller.signal, onProgress: () => controller.abort() }), "Aborted");
    expect(await identity("next")).toEqual(src);
    expect(await tree(s.root)).toEqual(["d", "d/moved", "next"]);
  });

  it("counts a directory, a dangling symlink, a symlink leading outside and a hard link of the source itself as existing: the source kept", async () => {
    await writeFile(join(s.root, "src"), "kept");
    await link(join(s.root, "src"), join(s.root, "twin"));
    for (const name of [...(await occupants()), "twin"]) await expectCode(s.driver.move(s.key("src"), s.key(name), { ifNotExists: true }), "Conflict");
    await occupantsKept();
    expect(await identity("twin")).toEqual(await identity("src"));
    expect((await identity("src"))[2]).toBe(2n);
    expect(await temps()).toEqual([]);
  });

  it("moves a link as a link to the same target; onto a taken path (a file, a dangling link) Conflict, the link kept", async () => {
    await writeFile(join(s.root, "target"), "t");
    await s.driver.createLink(s.key("l"), s.key("target"), {});
    await s.driver.move(s.key("l"), s.key("sub/l2"), { ifNotExists: true });
    expect(await readlink(join(s.root, "sub/l2"))).toBe("../target");
    await expectCode(s.driver.stat(s.key("l"), {}), "ObjectNotExist");
    await writeFile(join(s.root, "taken"), "taken");
    await symlink("nowhere", join(s.root, "dangling"));
    for (const name of ["taken", "dangling"]) await expectCode(s.driver.move(s.key("sub/l2"), s.key(name), { ifNotExists: true }), "Conflict");
    expect(await readlink(join(s.root, "sub/l2"))).toBe("../target");
    expect(await readFile(join(s.root, "taken"), "utf8")).toBe("taken");
    expect(await readlink(join(s.root, "dangling"))).toBe("nowhere");
    expect(await tree(s.root)).toEqual(["dangling", "sub", "sub/l2", "taken", "target"]);
  });

  it("of moves racing to one new path, exactly one wins; every other source is kept with its bytes; no temp file", async () => {
    const other = new FsStorageDriver(s.root + "/");
    for (let round = 0; round < 10; round++) {
      const sources = Array.from({ length: 6 }, (_, i) => `${round}-${i}`);
      for (const name of sources) await writeFile(join(s.root, name), name);
      const dst = s.key(`r/${round}`);
      const results = await Promise.allSettled(sources.map((name, i) => (i % 2 === 0 ? s.driver : other).move(s.key(name), dst, { ifNotExists: true })));
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "Conflict" });
      expect(await readFile(join(s.root, "r", String(round)), "utf8")).toBe(sources[won[0]!]);
      for (const [i, name] of sources.entries()) {
        if (i === won[0]) await expectCode(s.driver.stat(s.key(name), {}), "ObjectNotExist");
        else expect(await readFile(join(s.root, name), "utf8")).toBe(name);
      }
    }
    expect(await temps()).toEqual([]);
  });

  it("of moves of one source racing to new paths (several to each) and to a taken one, exactly one takes it: one name left, none lost, the taken path kept", async () => {
    const other = new FsStorageDriver(s.root + "/");
    for (let round = 0; round < 20; round++) {
      const src = `src-${round}`;
      await writeFile(join(s.root, src), src);
      await writeFile(join(s.root, `taken-${round}`), "taken");
      const targets = [`taken-${round}`, ...["a", "a", "a", "b", "b", "c"].map((t) => `to-${round}-${t}`)];
      const results = await Promise.allSettled(targets.map((t, i) => (i % 2 === 0 ? s.driver : other).move(s.key(src), s.key(t), { ifNotExists: true })));
      expect(results[0]).toMatchObject({ status: "rejected", reason: { code: "Conflict" } });
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(["Conflict", "ObjectNotExist"]).toContain((r.reason as StorageError).code);
      const present = (await readdir(s.root)).filter((n) => n.startsWith(`to-${round}-`));
      expect(present).toEqual([targets[won[0]!]]);
      const placed = await lstat(join(s.root, targets[won[0]!]!), { bigint: true });
      expect([await readFile(join(s.root, targets[won[0]!]!), "utf8"), placed.nlink]).toEqual([src, 1n]);
      expect(await readFile(join(s.root, `taken-${round}`), "utf8")).toBe("taken");
      await expectCode(s.driver.stat(s.key(src), {}), "ObjectNotExist");
    }
    expect(await temps()).toEqual([]);
  });

  it("into another directory (link(2)) moves the file with its mode, the source removed; onto a taken path either way: Conflict, both kept", async () => {
    await mkdir(join(s.root, "d"));
    await mkdir(join(s.root, "m"));
    await writeFile(join(s.root, "d/src"), "across");
    await chmod(join(s.root, "d/src"), 0o664);
    const old = process.umask(0o077);
    try {
      await s.driver.move(s.key("d/src"), s.key("m/moved"), { ifNotExists: true });
    } finally {
      process.umask(old);
    }
    expect(await readFile(join(s.root, "m/moved"), "utf8")).toBe("across");
    expect((await stat(join(s.root, "m/moved"))).mode & 0o777).toBe(0o664);
    await expectCode(s.driver.stat(s.key("d/src"), {}), "ObjectNotExist");
    for (const dir of ["d", "m"]) for (const name of ["again", "taken"]) await writeFile(join(s.root, dir, name), `${dir}/${name}`);
    await expectCode(s.driver.move(s.key("d/again"), s.key("m/taken"), { ifNotExists: true }), "Conflict");
    await expectCode(s.driver.move(s.key("m/again"), s.key("d/taken"), { ifNotExists: true }), "Conflict");
    for (const dir of ["d", "m"]) for (const name of ["again", "taken"]) expect(await readFile(join(s.root, dir, name), "utf8")).toBe(`${dir}/${name}`);
    expect((await readdir(join(s.root, "d"))).sort()).toEqual(["again", "taken"]);
    expect((await readdir(join(s.root, "m"))).sort()).toEqual(["again", "moved", "taken"]);
    expect(await temps()).toEqual([]);
  });

  // EXDEV needs two mounts inside one work_dir: a bind mount, which only root (CAP_SYS_ADMIN) may
  // make. Without it the test is skipped, saying so; the test above runs the same moves through link(2).
  (BIND_MOUNT ? it : it.skip)(
    `across mounts (EXDEV: no link) copies with the file's mode, then removes the source; a taken path: Conflict, both kept${BIND_MOUNT ? "" : " [skipped: mount --bind refused here, it needs root]"}`,
    async () => {
      await mkdir(join(s.root, "d"));
      await mkdir(join(s.root, "m"));
      execFileSync("mount", ["--bind", join(s.root, "d"), join(s.root, "m")], { stdio: "ignore" });
      try {
        await writeFile(join(s.root, "d/src"), "across");
        await chmod(join(s.root, "d/src"), 0o664);
        const old = process.umask(0o077);
        try {
          await s.driver.move(s.key("d/src"), s.key("m/moved"), { ifNotExists: true });
        } finally {
          process.umask(old);
        }
        expect(await readFile(join(s.root, "m/moved"), "utf8")).toBe("across");
        expect((await stat(join(s.root, "m/moved"))).mode & 0o777).toBe(0o664);
        await expectCode(s.driver.stat(s.key("d/src"), {}), "ObjectNotExist");
        await writeFile(join(s.root, "d/again"), "again");
        await writeFile(join(s.root, "d/taken"), "taken");
        // Through the bind mount `m` is `d`: m/taken and m/again are d's files, reached across the mount.
        await expectCode(s.driver.move(s.key("d/again"), s.key("m/taken"), { ifNotExists: true }), "Conflict");
        await expectCode(s.driver.move(s.key("m/again"), s.key("d/taken"), { ifNotExists: true }), "Conflict");
        expect(await readFile(join(s.root, "d/again"), "utf8")).toBe("again");
        expect(await readFile(join(s.root, "d/taken"), "utf8")).toBe("taken");
        expect((await readdir(join(s.root, "d"))).sort()).toEqual(["again", "moved", "taken"]);
      } finally {
        execFileSync("umount", [join(s.root, "m")]);
      }
      expect(await temps()).toEqual([]);
    },
  );
});
