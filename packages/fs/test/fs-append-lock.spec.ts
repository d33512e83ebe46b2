import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { isStorageError, type DriverListRequest } from "@stowage/core";
import { acquireAppendLock } from "../src/append-lock.js";
import { APPEND_LOCK_TIMING } from "../src/lock-timing.js";
import { lockGuardName, lockName } from "../src/reserved-names.js";
import { UNLISTED_WARNING } from "../src/unlisted.js";
import { buf, expectCode, waitFor } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// The lock file that serialises appends between processes (append-lock.ts), seen from one
// process: lock files other processes left (written here as they would be) are waited for,
// recovered when stale, never listed; an abort while waiting leaves nothing. The two-process
// races are in fs-append-processes.spec.ts.

let s: Sandbox;
let warnings: string[];
beforeEach(async () => {
  s = await sandbox();
  warnings = [];
  jest.spyOn(process, "emitWarning").mockImplementation(((message: string, options: { code?: string }) => {
    expect(options.code).toBe(UNLISTED_WARNING);
    warnings.push(message);
  }) as typeof process.emitWarning);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await s.cleanup();
});

/** This machine as a lock file names it (lock-owner.ts). */
const here = { host: hostname(), ns: process.platform === "linux" ? readlinkSync("/proc/self/ns/pid") : "" };

/** The pid of a process that ran and is gone. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ["-e", ""]);
  if (pid === undefined) throw new Error("no child ran");
  return pid;
}

/** A running process that is not this one (the one that started this test worker). */
const livePid = process.ppid;

/** When process `pid` started, as a lock file records it (Linux: field 22 of /proc/<pid>/stat). */
function startOf(pid: number): string {
  const text = readFileSync(`/proc/${pid}/stat`, "latin1");
  return text.slice(text.lastIndexOf(")") + 2).split(" ")[19]!;
}

/** Linux only: where a process's start time can be read. */
const onLinux = process.platform === "linux" ? it : it.skip;

/** The lock file name of the file at `path` (relative to the store). */
async function lockOf(path: string): Promise<string> {
  return lockName((await stat(join(s.root, path), { bigint: true })).ino);
}

/** Writes a lock file as another process would have, optionally `ageMs` old. */
async function plant(dir: string, name: string, owner: { pid: number; host?: string; ns?: string; token?: string; start?: string }, ageMs = 0): Promise<string> {
  const path = join(s.root, dir, name);
  const text = JSON.stringify({ host: here.host, ns: here.ns, token: "0123456789abcdef", since: new Date().toISOString(), ...owner }) + "\n";
  await writeFile(path, text, { flag: "wx" });
  if (ageMs > 0) {
    const then = (Date.now() - ageMs) / 1000;
    await utimes(path, then, then);
  }
  return text;
}

/** A file `path` with `content`, and its key. */
async function file(path: string, content: string): Promise<string> {
  await mkdir(join(s.root, path, ".."), { recursive: true });
  await writeFile(join(s.root, path), content);
  return s.key(path);
}

const names = async (dir = ""): Promise<string[]> => (await readdir(join(s.root, dir))).sort();
const contents = (path: string): Promise<string> => readFile(join(s.root, path), "utf8");

/** An abort signal, and a wait until something waits on it (an append pausing for a lock). */
function abortable(): { controller: AbortController; waiting: () => Promise<void> } {
  const controller = new AbortController();
  return { controller, waiting: () => waitFor(() => getEventListeners(controller.signal, "abort").length > 0) };
}

describe("fs append lock: a stale lock is recovered", () => {
  it("one naming a process of this machine that is gone: the append goes on, and no lock is left", async () => {
    const key = await file("log", "abc");
    await plant("", await lockOf("log"), { pid: deadPid() });
    await expect(s.driver.writeAppend(key, 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
    expect(await contents("log")).toBe("abcdef");
    expect(await names()).toEqual(["log"]);
  });

  it("one naming this process's pid with another process's token (an earlier process given the same pid)", async () => {
    const key = await file("log", "abc");
    await plant("", await lockOf("log"), { pid: process.pid, token: "a-process-before" });
    await expect(s.driver.writeAppend(key, 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
    expect(await names()).toEqual(["log"]);
  });

  onLinux("one naming a live process of this machine whose pid a later process was given (another start time): at once", async () => {
    const key = await file("log", "abc");
    await plant("", await lockOf("log"), { pid: livePid, start: "1" });
    await expect(s.driver.writeAppend(key, 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
    expect(await names()).toEqual(["log"]);
  });

  it("one of another host only once it was not refreshed for the stale bound", async () => {
    const key = await file("log", "abc");
    const lock = await lockOf("log");
    const text = await plant("", lock, { pid: livePid, host: "another-host" });
    // Fresh: waited for, then Conflict (retryable, naming the holder); the lock is left as it was.
    const dir = await s.driver.paths.pinDir(s.root);
    const e = await acquireAppendLock(dir, (await stat(join(s.root, "log"), { bigint: true })).ino, undefined, { ...APPEND_LOCK_TIMING, waitMs: 30 })
      .then(
        () => undefined,
        (err: unknown) => err,
      )
      .finally(() => dir.close());
    expect(isStorageError(e, "Conflict")).toBe(true);
    expect((e as { retryable: boolean }).retryable).toBe(true);
    expect((e as Error).message).toContain(`process ${livePid} on another-host`);
    expect(await contents(lock)).toBe(text);
    // Not refreshed for longer than the bound: stale.
    const then = (Date.now() - APPEND_LOCK_TIMING.staleMs - 5_000) / 1000;
    await utimes(join(s.root, lock), then, then);
    await expect(s.driver.writeAppend(key, 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
    expect(await names()).toEqual(["log"]);
  });

  it("is removed under its guard: a live guard (another process removing it) is waited for; a dead one is removed", async () => {
    const key = await file("log", "abc");
    const lock = await lockOf("log");
    const ino = (await stat(join(s.root, "log"), { bigint: true })).ino;
    await plant("", lock, { pid: deadPid() });
    await plant("", lockGuardName(lock), { pid: livePid });
    const dir = await s.driver.paths.pinDir(s.root);
    try {
      await expectCode(acquireAppendLock(dir, ino, undefined, { ...APPEND_LOCK_TIMING, waitMs: 30 }), "Conflict");
      expect(await names()).toEqual([lock, lockGuardName(lock), "log"]);
    } finally {
      await dir.close();
    }
    await rm(join(s.root, lockGuardName(lock)));
    await plant("", lockGuardName(lock), { pid: deadPid() });
    await expect(s.driver.writeAppend(key, 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
    expect(await names()).toEqual(["log"]);
  });

  it("deleteDir removes a stale lock that is all a directory holds, and keeps a live one (Conflict)", async () => {
    await file("d/log", "x");
    const lock = await lockOf("d/log");
    await rm(join(s.root, "d/log"));
    await plant("d", lock, { pid: livePid });
    await expectCode(s.driver.deleteDir(s.key("d/"), {}), "Conflict");
    expect(await names("d")).toEqual([lock]);
    await rm(join(s.root, "d", lock));
    await plant("d", lock, { pid: deadPid() });
    await s.driver.deleteDir(s.key("d/"), {});
    expect(await names()).toEqual([]);
  });
});

describe("fs append lock: waiting for a live one", () => {
  onLinux("one naming a live process of this machine, started when the lock says, is never stale, however long since it was refreshed (a stalled holder)", async () => {
    await file("d/log", "abc");
    const lock = await lockOf("d/log");
    const text = await plant("d", lock, { pid: livePid, start: startOf(livePid) }, APPEND_LOCK_TIMING.staleMs * 10);
    const dir = await s.driver.paths.pinDir(join(s.root, "d"));
    try {
      const e = await acquireAppendLock(dir, (await stat(join(s.root, "d/log"), { bigint: true })).ino, undefined, { ...APPEND_LOCK_TIMING, waitMs: 30 }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isStorageError(e, "Conflict")).toBe(true);
      expect((e as { retryable: boolean }).retryable).toBe(true);
    } finally {
      await dir.close();
    }
    expect(await contents(`d/${lock}`)).toBe(text);
    expect(await contents("d/log")).toBe("abc");
    // deleteDir keeps it too.
    await rm(join(s.root, "d/log"));
    await expectCode(s.driver.deleteDir(s.key("d/"), {}), "Conflict");
    expect(await names("d")).toEqual([lock]);
  });

  it("an abort while waiting rejects Aborted at once and leaves nothing behind; the holder's lock is untouched", async () => {
    const key = await file("log", "abc");
    const lock = await lockOf("log");
    const text = await plant("", lock, { pid: livePid });
    const { controller, waiting } = abortable();
    const append = s.driver.writeAppend(key, 3, buf("def"), { signal: controller.signal });
    await waiting();
    controller.abort();
    await expectCode(append, "Aborted");
    expect(await names()).toEqual([lock, "log"]);
    expect(await contents(lock)).toBe(text);
    expect(await contents("log")).toBe("abc");
    // Once the holder lets go, appends go on (and leave no lock).
    await rm(join(s.root, lock));
    await expect(s.driver.writeAppend(key, 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
    expect(await names()).toEqual(["log"]);
  });

  it("an append of this process queued behind one that waits leaves the line at once when aborted", async () => {
    const key = await file("log", "abc");
    const lock = await lockOf("log");
    await plant("", lock, { pid: livePid });
    const first = abortable();
    const waitingAppend = s.driver.writeAppend(key, 3, buf("def"), { signal: first.controller.signal });
    await first.waiting();
    const second = abortable();
    const queued = s.driver.writeAppend(key, 3, buf("ghi"), { signal: second.controller.signal });
    await second.waiting();
    second.controller.abort();
    await expectCode(queued, "Aborted");
    // The first still waits its turn, and goes on once the lock is free.
    await rm(join(s.root, lock));
    await expect(waitingAppend).resolves.toEqual({ appendOffset: 6 });
    expect(await contents("log")).toBe("abcdef");
    expect(await names()).toEqual(["log"]);
  });

  it("an entry the driver did not make in the lock's place is Conflict, naming it, and nothing is appended", async () => {
    const key = await file("log", "abc");
    const lock = await lockOf("log");
    await mkdir(join(s.root, lock));
    const e = await s.driver.writeAppend(key, 3, buf("def"), {}).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isStorageError(e, "Conflict")).toBe(true);
    expect((e as Error).message).toContain(`${lock}, is in the way`);
    expect(await contents("log")).toBe("abc");
  });

  it("a user's file named as the lock (its text names no holder, or empty, older than the stale bound) is Conflict and never removed", async () => {
    const key = await file("log", "abc");
    const lock = await lockOf("log");
    const then = (Date.now() - APPEND_LOCK_TIMING.staleMs - 5_000) / 1000;
    for (const [name, text] of [
      [lock, "a user's notes"],
      [lock, ""],
      [lockGuardName(lock), "a user's notes"],
    ] as const) {
      // A guard-named file is met only while a stale lock is removed: plant one naming a dead process.
      if (name !== lock) await plant("", lock, { pid: deadPid() });
      await writeFile(join(s.root, name), text);
      await utimes(join(s.root, name), then, then);
      const e = await s.driver.writeAppend(key, 3, buf("def"), {}).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isStorageError(e, "Conflict")).toBe(true);
      expect((e as { retryable: boolean }).retryable).toBe(false);
      expect((e as Error).message).toContain(`${name}, is in the way`);
      expect(await contents("log")).toBe("abc");
      expect(await contents(name)).toBe(text);
      await rm(join(s.root, name));
      if (name !== lock) await rm(join(s.root, lock));
    }
    await expect(s.driver.writeAppend(key, 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
  });
});

describe("fs append lock: while an append holds it", () => {
  /** Starts an append of a stream body that sends its first byte and then waits; resolves once the lock is there. */
  async function paused(key: string, offset: number, lockDir: string, lock: string): Promise<{ finish: () => Promise<unknown> }> {
    const body = new PassThrough();
    const append = s.driver.writeAppend(key, offset, { data: body, size: 2 }, {});
    body.write("1");
    await waitFor(async () => (await names(lockDir)).includes(lock));
    return {
      finish: async () => {
        body.end("2");
        return append;
      },
    };
  }

  it("listings never show it, nor warn of it", async () => {
    const key = await file("dir/log", "abc");
    await file("dir/other", "o");
    const lock = await lockOf("dir/log");
    const { finish } = await paused(key, 3, "dir", lock);
    const text = await contents(`dir/${lock}`);
    expect(JSON.parse(text)).toMatchObject({ pid: process.pid, host: here.host, ns: here.ns });
    const requests: DriverListRequest[] = [
      { prefix: s.key(""), limit: 100 },
      { prefix: s.key("dir/"), delimiter: "/", limit: 100 },
      { prefix: s.key("dir/.stowage-"), limit: 100 },
    ];
    for (const request of requests) {
      const page = await s.driver.listPage(request, {});
      expect(page.items.map((o) => o.key)).toEqual([s.key("dir/log"), s.key("dir/other")].filter((k) => k.startsWith(request.prefix)));
    }
    expect(warnings).toEqual([]);
    await expect(finish()).resolves.toEqual({ appendOffset: 5 });
    expect(await names("dir")).toEqual(["log", "other"]);
  });

  it("an append through a symlink takes the lock where the file really lies, as one through its own name does", async () => {
    const target = await file("t/log", "abc");
    await mkdir(join(s.root, "l"));
    await symlink("../t/log", join(s.root, "l/log"));
    const lock = await lockOf("t/log");
    const { finish } = await paused(s.key("l/log"), 3, "t", lock);
    expect(await names("l")).toEqual(["log"]);
    // The other name waits for the same lock: aborted while it waits, it appended nothing.
    const { controller, waiting } = abortable();
    const other = s.driver.writeAppend(target, 3, buf("xy"), { signal: controller.signal });
    await waiting();
    controller.abort();
    await expectCode(other, "Aborted");
    await expect(finish()).resolves.toEqual({ appendOffset: 5 });
    expect(await contents("t/log")).toBe("abc12");
    expect(await names("t")).toEqual(["log"]);
  });

  it("its holder refreshes its mtime, and lets go of only its own lock file", async () => {
    await file("log", "abc");
    const ino = (await stat(join(s.root, "log"), { bigint: true })).ino;
    const lock = lockName(ino);
    const dir = await s.driver.paths.pinDir(s.root);
    try {
      const held = await acquireAppendLock(dir, ino, undefined, { waitMs: 0, staleMs: 40, refreshMs: 5 });
      const old = (Date.now() - 60_000) / 1000;
      await utimes(join(s.root, lock), old, old);
      await waitFor(async () => Date.now() - (await stat(join(s.root, lock))).mtimeMs < 30_000);
      // Held past half the stale bound, then taken for stale by another process, which made its own.
      const since = Date.now();
      await waitFor(() => Date.now() - since > 40);
      await rm(join(s.root, lock));
      const theirs = await plant("", lock, { pid: livePid });
      await held.release();
      expect(await contents(lock)).toBe(theirs);
    } finally {
      await dir.close();
    }
  });
});

describe("fs append: fencing, a holder that lost its lock or its place", () => {
  /** A body of 8 MiB (one slice) and 3 bytes more; `between` runs after the first slice (synchronously). */
  function twoSlices(between: () => void): { data: Buffer; size: number; onProgress: (n: number) => void } {
    const data = Buffer.alloc(8 * 1024 * 1024 + 3, 0x41);
    let done = false;
    return {
      data,
      size: data.length,
      onProgress: () => {
        if (done) return;
        done = true;
        between();
      },
    };
  }

  it("its lock taken over mid-append (another process took it for stale): Conflict before the next slice; nothing cut back, the other's lock kept", async () => {
    const key = await file("log", "abc");
    const lock = await lockOf("log");
    let theirs = "";
    const body = twoSlices(() => {
      rmSync(join(s.root, lock));
      theirs = JSON.stringify({ pid: livePid, host: here.host, ns: here.ns, token: "fedcba9876543210", since: new Date().toISOString() }) + "\n";
      writeFileSync(join(s.root, lock), theirs);
    });
    const e = await s.driver.writeAppend(key, 3, body, {}).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isStorageError(e, "Conflict")).toBe(true);
    expect((e as Error).message).toContain("was taken over");
    // Its first slice stays (the new holder may build on it); the rest was never written.
    expect((await stat(join(s.root, "log"))).size).toBe(3 + 8 * 1024 * 1024);
    expect(await contents(lock)).toBe(theirs);
  });

  it("the file grown by something else mid-append: Conflict before the next slice, and those bytes are not cut off", async () => {
    const key = await file("log", "abc");
    const body = twoSlices(() => appendFileSync(join(s.root, "log"), "zz"));
    const e = await s.driver.writeAppend(key, 3, body, {}).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isStorageError(e, "Conflict")).toBe(true);
    expect((e as Error).message).toContain("something else wrote to it");
    const now = await readFile(join(s.root, "log"));
    expect(now.length).toBe(3 + 8 * 1024 * 1024 + 2);
    expect(now.subarray(now.length - 2).toString()).toBe("zz");
    expect(await names()).toEqual(["log"]);
  });
});

describe("fs append: the CRC-64s it is given", () => {
  it("a chunk crc64 that is not a decimal CRC-64 is InvalidArgument, and nothing is appended", async () => {
    const key = await file("log", "abc");
    for (const crc64 of ["abc", "0x10", "-1", "18446744073709551616", ""]) {
      await expectCode(s.driver.writeAppend(key, 3, { ...buf("def"), crc64, appendBaseCrc64: "0" }, {}), "InvalidArgument");
      await expectCode(s.driver.writeAppend(key, 3, { ...buf("def"), appendBaseCrc64: crc64 }, {}), "InvalidArgument");
    }
    expect(await contents("log")).toBe("abc");
    expect(await names()).toEqual(["log"]);
  });
});
