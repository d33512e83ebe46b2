import { fork, type ChildProcess } from "node:child_process";
import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { FsStorageDriver } from "../src/storager.js";
import { buf, expectCode, rejection, streamBody, tree, waitFor } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// Conditional writes (`ifNotExists`, feature `writeIfNotExists`) on fs: the finished temp file is
// hard-linked in only where no entry is at the path (link(2), EEXIST), so the kernel decides
// between racing writers, in one process or several; a refused write leaves no temp file.

const CHILD = fileURLToPath(new URL("./child/create-racer.ts", import.meta.url));
const REGISTER = fileURLToPath(new URL("./child/register-ts.mjs", import.meta.url));

let s: Sandbox;
const children: ChildProcess[] = [];
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await s.cleanup();
});

/** Names of temp files (`.stowage-tmp-…`) anywhere in the store. */
async function temps(): Promise<string[]> {
  return (await tree(s.root)).filter((p) => p.split("/").some((n) => n.startsWith(".stowage-tmp-")));
}

describe("fs ifNotExists: write", () => {
  it("declares the feature", () => {
    expect(s.driver.features.writeIfNotExists).toBe(true);
  });

  it("stores a new file, then refuses to replace it: Conflict 409, not retryable, the file unchanged, no temp file left", async () => {
    const k = s.key("d/k");
    await s.driver.write(k, buf("first"), { ifNotExists: true });
    const before = await stat(join(s.root, "d/k"), { bigint: true });
    expect(before.nlink).toBe(1n);
    const e = await rejection(s.driver.write(k, buf("second!"), { ifNotExists: true }));
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    await expectCode(s.driver.write(k, streamBody(Buffer.alloc(100_000, 1), 4096), { ifNotExists: true }), "Conflict");
    const after = await stat(join(s.root, "d/k"), { bigint: true });
    expect(await readFile(join(s.root, "d/k"), "utf8")).toBe("first");
    expect([after.ino, after.mtimeNs, after.nlink]).toEqual([before.ino, before.mtimeNs, 1n]);
    expect(await tree(s.root)).toEqual(["d", "d/k"]);
  });

  it("counts a directory, a dangling symlink and a symlink leading outside as existing: Conflict, each left as it was", async () => {
    await mkdir(join(s.root, "dir"));
    await symlink("nowhere", join(s.root, "dangling"));
    await writeFile(join(s.outside, "secret"), "outside");
    await symlink(join(s.outside, "secret"), join(s.root, "out"));
    for (const name of ["dir", "dangling", "out"]) await expectCode(s.driver.write(s.key(name), buf("x"), { ifNotExists: true }), "Conflict");
    expect((await lstat(join(s.root, "dir"))).isDirectory()).toBe(true);
    expect(await readlink(join(s.root, "dangling"))).toBe("nowhere");
    expect(await readlink(join(s.root, "out"))).toBe(join(s.outside, "secret"));
    expect(await readFile(join(s.outside, "secret"), "utf8")).toBe("outside");
    expect(await readdir(s.outside)).toEqual(["secret"]);
    expect(await temps()).toEqual([]);
    // Without the option a directory is still the wrong mode, and a file in a parent's place is not "exists".
    await expectCode(s.driver.write(s.key("dir"), buf("x"), {}), "ObjectModeInvalid");
    await writeFile(join(s.root, "file"), "f");
    await expectCode(s.driver.write(s.key("file/below"), buf("x"), { ifNotExists: true }), "ObjectModeInvalid");
  });

  it("a file stored while the body is still coming in (after the first look) wins: Conflict, that file kept, no temp file", async () => {
    const k = s.key("slow");
    const body = new PassThrough();
    const pending = s.driver.write(k, { data: body, size: 6 }, { ifNotExists: true });
    body.write(Buffer.from("abc"));
    // The conditional write is past its first look: its temp file is being filled.
    await waitFor(async () => (await temps()).length === 1);
    await s.driver.write(k, buf("meanwhile"), {});
    body.end(Buffer.from("def"));
    await expectCode(pending, "Conflict");
    expect(await readFile(join(s.root, "slow"), "utf8")).toBe("meanwhile");
    expect(await tree(s.root)).toEqual(["slow"]);
  });

  it("of writes racing for one new path, from one driver and from a second on the same directory, exactly one wins", async () => {
    const other = new FsStorageDriver(s.root + "/");
    for (let round = 0; round < 20; round++) {
      const k = s.key(`r/${round}`);
      // Stream bodies: every write is past its first look before any is placed.
      const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(64 * 1024, 65 + i));
      const results = await Promise.allSettled(bodies.map((b, i) => (i % 2 === 0 ? s.driver : other).write(k, streamBody(b, 8192), { ifNotExists: true })));
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "Conflict" });
      expect((await readFile(join(s.root, "r", String(round)))).equals(bodies[won[0]!]!)).toBe(true);
    }
    expect(await temps()).toEqual([]);
  });
});

describe("fs ifNotExists: two processes", () => {
  /** A racer child, with promises of its "ready", its outcomes and its exit. */
  function racer(tag: string, rounds: number, size: number): { child: ChildProcess; ready: Promise<void>; outcomes: Promise<Array<{ key: string; ok: boolean; code?: string }>>; exited: Promise<number | null> } {
    const child = fork(CHILD, [s.root, tag, String(rounds), String(size)], { execArgv: ["--import", REGISTER, "--no-warnings"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`racer ${tag} exited (${code}) before it was ready`)));
    });
    const outcomes = ready.then(
      () =>
        new Promise<Array<{ key: string; ok: boolean; code?: string }>>((resolve, reject) => {
          child.once("message", (m) => resolve(m as Array<{ key: string; ok: boolean; code?: string }>));
          child.once("exit", (code) => reject(new Error(`racer ${tag} exited (${code}) without its outcomes`)));
        }),
    );
    return { child, ready, outcomes, exited };
  }

  it("writing the same new paths: every path is won by exactly one, holding its bytes; every other write got Conflict", async () => {
    const rounds = 150;
    const size = 32 * 1024;
    const racers = [racer("a", rounds, size), racer("b", rounds, size)];
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.child.send("go");
    const [a, b] = await Promise.all(racers.map((r) => r.outcomes));
    expect(await Promise.all(racers.map((r) => r.exited))).toEqual([0, 0]);
    const wrong: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const [x, y] = [a![i]!, b![i]!];
      const winners = [x, y].filter((o) => o.ok).length;
      const codes = [x, y].filter((o) => !o.ok).map((o) => o.code);
      const held = await readFile(join(s.root, `race-${i}`));
      const expected = Buffer.alloc(size, x.ok ? "a" : "b");
      if (winners !== 1 || codes.some((c) => c !== "Conflict") || !held.equals(expected)) wrong.push(`race-${i}: ${winners} won, ${codes.join(",")}`);
    }
    expect({ wrong: wrong.length, first: wrong.slice(0, 3) }).toEqual({ wrong: 0, first: [] });
    expect(await temps()).toEqual([]);
  });
});

describe("fs ifNotExists: multipart complete", () => {
  async function upload(key: string, text: string): Promise<{ multipartId: string; parts: Awaited<ReturnType<FsStorageDriver["writePart"]>>[] }> {
    const { multipartId } = await s.driver.createMultipart(key, { ifNotExists: true });
    const part = await s.driver.writePart(key, multipartId, 0, buf(text), { ifNotExists: true });
    return { multipartId, parts: [part] };
  }

  it("refuses where a file was stored since the upload began: Conflict, the file unchanged, the upload kept, no temp file", async () => {
    const k = s.key("mp/obj");
    const { multipartId, parts } = await upload(k, "parts");
    await s.driver.write(k, buf("meanwhile"), {});
    const before = await stat(join(s.root, "mp/obj"), { bigint: true });
    const e = await rejection(s.driver.completeMultipart(k, multipartId, parts, { ifNotExists: true }));
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    const after = await stat(join(s.root, "mp/obj"), { bigint: true });
    expect(await readFile(join(s.root, "mp/obj"), "utf8")).toBe("meanwhile");
    expect([after.ino, after.mtimeNs]).toEqual([before.ino, before.mtimeNs]);
    expect(await s.driver.statMultipart(k, multipartId, {})).toMatchObject({ mode: "part", multipartId });
    expect(await temps()).toEqual([]);
    // A directory or a dangling link there is refused too; once the path is free the same upload completes.
    await s.driver.delete(k, {});
    await symlink("gone", join(s.root, "mp/obj"));
    await expectCode(s.driver.completeMultipart(k, multipartId, parts, { ifNotExists: true }), "Conflict");
    await s.driver.delete(k, {});
    await mkdir(join(s.root, "mp/obj"));
    await expectCode(s.driver.completeMultipart(k, multipartId, parts, { ifNotExists: true }), "Conflict");
    await s.driver.deleteDir(s.key("mp/obj/"), {});
    await s.driver.completeMultipart(k, multipartId, parts, { ifNotExists: true });
    expect(await readFile(join(s.root, "mp/obj"), "utf8")).toBe("parts");
    expect(await tree(s.root)).toEqual(["mp", "mp/obj"]);
  });

  it("of two uploads completing to one new path at once, exactly one is stored; the other gets Conflict and keeps its upload", async () => {
    const k = s.key("two");
    const big = (c: string): string => c.repeat(3 * 1024 * 1024);
    const x = await upload(k, big("x"));
    const y = await upload(k, big("y"));
    const results = await Promise.allSettled([
      s.driver.completeMultipart(k, x.multipartId, x.parts, { ifNotExists: true }),
      s.driver.completeMultipart(k, y.multipartId, y.parts, { ifNotExists: true }),
    ]);
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: "Conflict" });
    expect(await readFile(join(s.root, "two"), "utf8")).toBe(big(won[0] === 0 ? "x" : "y"));
    const loser = won[0] === 0 ? y : x;
    expect(await s.driver.statMultipart(k, loser.multipartId, {})).toMatchObject({ mode: "part" });
    expect(await temps()).toEqual([]);
  });
});
