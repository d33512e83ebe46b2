import { fork, type ChildProcess } from "node:child_process";
import { getEventListeners } from "node:events";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { isStorageError } from "@stowage/core";
import { acquireAppendLock } from "../src/append-lock.js";
import { APPEND_LOCK_TIMING } from "../src/lock-timing.js";
import { FsPaths } from "../src/paths.js";
import { lockName } from "../src/reserved-names.js";
import { FsStorageDriver } from "../src/storager.js";
import { buf, expectCode, waitFor } from "./helpers.js";

// Appends from two processes to one file: each child process (test/child/append-racer.ts, run on
// the sources) appends numbered chunks, each at the size it just read, so the two often aim at the
// same offset. Whatever the interleaving, the file must end up holding every append that
// succeeded exactly once, at the offset it was made at, and nothing else; every one that failed
// must have failed with Conflict. And a lock held by another process (test/child/lock-holder.ts) is
// waited for, and recovered once that process was killed holding it.

const CHILD = fileURLToPath(new URL("./child/append-racer.ts", import.meta.url));
const HOLDER = fileURLToPath(new URL("./child/lock-holder.ts", import.meta.url));
const REGISTER = fileURLToPath(new URL("./child/register-ts.mjs", import.meta.url));
const ROUNDS = 300;
const CHUNK = 64;

interface Outcome {
  chunk: string;
  offset: number;
  ok: boolean;
  code?: string;
}

let tmp: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), "stowage-fs-procs-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await rm(tmp, { recursive: true, force: true });
});

/** A child process running `script` (TypeScript, on the sources) with `args`. */
function startChild(script: string, args: string[]): ChildProcess {
  const started = fork(script, args, { execArgv: ["--import", REGISTER, "--no-warnings"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.push(started);
  return started;
}

/** A racer child, with promises of its "ready", its outcomes and its exit. */
function racer(tag: string): { child: ChildProcess; ready: Promise<void>; outcomes: Promise<Outcome[]>; exited: Promise<number | null> } {
  const child = startChild(CHILD, [tmp, "log", tag, String(ROUNDS), String(CHUNK)]);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`racer ${tag} exited (${code}) before it was ready`)));
  });
  const outcomes = ready.then(
    () =>
      new Promise<Outcome[]>((resolve, reject) => {
        child.once("message", (m) => resolve(m as Outcome[]));
        child.once("exit", (code) => reject(new Error(`racer ${tag} exited (${code}) without its outcomes`)));
      }),
  );
  return { child, ready, outcomes, exited };
}

describe("fs appends from two processes", () => {
  it("to one file at the same offsets: every successful append is in the file exactly once, every other got Conflict", async () => {
    await writeFile(join(tmp, "log"), "");
    const racers = [racer("a"), racer("b")];
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.child.send("go");
    const outcomes = (await Promise.all(racers.map((r) => r.outcomes))).flat();
    expect(await Promise.all(racers.map((r) => r.exited))).toEqual([0, 0]);

    const file = await readFile(join(tmp, "log"), "latin1");
    const succeeded = outcomes.filter((o) => o.ok);
    const failed = outcomes.filter((o) => !o.ok);
    // The two really raced: some appends aimed at an offset the other process had just taken.
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.filter((o) => o.code !== "Conflict")).toEqual([]);
    // Each success is where it said (none overwritten by the other process), and the file is exactly the successes, each once.
    const overwritten = succeeded.filter((o) => file.slice(o.offset, o.offset + CHUNK) !== o.chunk).map((o) => `${o.chunk.slice(0, 8)}@${o.offset}`);
    expect({ overwritten: overwritten.length, first: overwritten.slice(0, 3) }).toEqual({ overwritten: 0, first: [] });
    expect(file.length).toBe(succeeded.length * CHUNK);
    const lines = file.split("\n").filter((line) => line !== "").map((line) => line + "\n");
    expect(new Set(lines).size).toBe(lines.length);
    expect([...lines].sort()).toEqual(succeeded.map((o) => o.chunk).sort());
  });
});

describe("fs appends while another process holds the file's lock", () => {
  /** Starts a lock-holder child on `log`; resolves once it holds the lock. */
  async function holder(): Promise<ChildProcess> {
    const child = startChild(HOLDER, [tmp, "log"]);
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`lock holder exited (${code}) before it held the lock`)));
    });
    return child;
  }

  it("are waited for (an abort rejects Aborted and leaves its lock), and go on once the holder was killed holding it", async () => {
    await writeFile(join(tmp, "log"), "abc");
    const lock = lockName((await stat(join(tmp, "log"), { bigint: true })).ino);
    const driver = new FsStorageDriver(tmp);
    const key = join(tmp, "log").slice(1);
    const held = await holder();
    expect(JSON.parse(await readFile(join(tmp, lock), "utf8"))).toMatchObject({ pid: held.pid });

    const controller = new AbortController();
    const append = driver.writeAppend(key, 3, buf("def"), { signal: controller.signal });
    await waitFor(() => getEventListeners(controller.signal, "abort").length > 0);
    controller.abort();
    const e = await append.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isStorageError(e, "Aborted")).toBe(true);
    expect((await readdir(tmp)).sort()).toEqual([lock, "log"]);
    expect(await readFile(join(tmp, "log"), "utf8")).toBe("abc");

    // Killed holding it: the lock names a process that is gone, and the next append takes it over.
    const exited = new Promise((resolve) => held.once("exit", resolve));
    held.kill("SIGKILL");
    await exited;
    expect((await readdir(tmp)).sort()).toEqual([lock, "log"]);
    await expect(driver.writeAppend(key, 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
    expect(await readFile(join(tmp, "log"), "utf8")).toBe("abcdef");
    expect(await readdir(tmp)).toEqual(["log"]);
    await expectCode(driver.writeAppend(key, 3, buf("ghi"), {}), "Conflict");
  });

  (process.platform === "linux" ? it : it.skip)("a holder stopped for longer than the stale bound (SIGSTOP, its lock not refreshed since) keeps it: an append waits, then Conflict", async () => {
    await writeFile(join(tmp, "log"), "abc");
    const ino = (await stat(join(tmp, "log"), { bigint: true })).ino;
    const lock = lockName(ino);
    const held = await holder();
    // Its name written (the holder does not wait for that), then stopped.
    await waitFor(async () => (await readFile(join(tmp, lock), "utf8")).endsWith("\n"));
    held.kill("SIGSTOP");
    // Stopped and not refreshed for ten times the stale bound, as a frozen process would leave it.
    const then = (Date.now() - APPEND_LOCK_TIMING.staleMs * 10) / 1000;
    await utimes(join(tmp, lock), then, then);
    const text = await readFile(join(tmp, lock), "utf8");
    expect(JSON.parse(text)).toMatchObject({ pid: held.pid, start: expect.stringMatching(/^\d+$/) });
    const dir = await new FsPaths(tmp).pinDir(tmp);
    try {
      const e = await acquireAppendLock(dir, ino, undefined, { ...APPEND_LOCK_TIMING, waitMs: 50 }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isStorageError(e, "Conflict")).toBe(true);
    } finally {
      await dir.close();
    }
    expect(await readFile(join(tmp, lock), "utf8")).toBe(text);
    expect(await readFile(join(tmp, "log"), "utf8")).toBe("abc");
    held.kill("SIGKILL");
  });
});
