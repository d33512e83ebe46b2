import { spawnSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { appendFile, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { lockName } from "../src/reserved-names.js";
import { buf, drain, expectCode, waitFor } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// An fs append writes its chunk into the file itself (append.ts). Readers (stat, read, copy, list)
// see the file as it was committed until the append ends: never part of a chunk, nor the bytes of
// an append that then fails (committed.ts). A holder that died mid-append left its lock, which
// still says what was committed: readers keep to that, and the next append cuts the rest back off.

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

const contents = (path: string): Promise<string> => readFile(join(s.root, path), "utf8");
const names = async (): Promise<string[]> => (await readdir(s.root)).sort();

/** What every reader of the driver says `path` holds: stat's size and etag, read's bytes, a copy's bytes, list's size. */
async function seen(path: string): Promise<{ size: number | undefined; etag: string | undefined; read: string; copy: string; listed: number | undefined }> {
  const key = s.key(path);
  const st = await s.driver.stat(key, {});
  const { stream, object } = await s.driver.read(key, {}, {});
  const read = (await drain(stream)).toString();
  expect(object?.etag).toBe(st.etag);
  await s.driver.copy(key, s.key("copy"), {});
  const copy = await contents("copy");
  const page = await s.driver.listPage({ prefix: s.key(""), limit: 100 }, {});
  const listed = page.items.find((o) => o.key === key);
  expect(listed?.etag).toBe(st.etag);
  return { size: st.size, etag: st.etag, read, copy, listed: listed?.size };
}

/** Starts an append of a stream body, and resolves once its first byte is in the file (and its lock there). */
async function started(path: string, offset: number, signal?: AbortSignal): Promise<{ body: PassThrough; append: Promise<unknown> }> {
  const body = new PassThrough();
  const append = s.driver.writeAppend(s.key(path), offset, { data: body, size: 2 }, signal === undefined ? {} : { signal });
  append.catch(() => undefined);
  body.write("1");
  await waitFor(async () => (await stat(join(s.root, path))).size === offset + 1);
  return { body, append };
}

describe("fs append: what readers see while an append writes", () => {
  it("stat, read, copy and list report the file as it was, not the chunk part-way; then the appended file", async () => {
    await writeFile(join(s.root, "log"), "abc");
    const before = await seen("log");
    expect(before).toMatchObject({ size: 3, read: "abc", copy: "abc", listed: 3 });
    const { body, append } = await started("log", 3);
    // The byte written is in the file, not in what readers get: the etag too is the one before.
    expect(await contents("log")).toBe("abc1");
    expect(await seen("log")).toEqual(before);
    body.end("2");
    await expect(append).resolves.toEqual({ appendOffset: 5 });
    expect(await seen("log")).toMatchObject({ size: 5, read: "abc12", copy: "abc12", listed: 5 });
    expect(await names()).toEqual(["copy", "log"]);
  });

  it("the bytes of an append that then fails (aborted) are never seen, and are cut back off", async () => {
    await writeFile(join(s.root, "log"), "abc");
    const before = await seen("log");
    const controller = new AbortController();
    const { append } = await started("log", 3, controller.signal);
    expect(await seen("log")).toEqual(before);
    controller.abort();
    await expectCode(append, "Aborted");
    expect(await contents("log")).toBe("abc");
    expect(await names()).toEqual(["copy", "log"]);
  });
});

describe("fs append: a lock left by an append whose process died", () => {
  /** The pid of a process that ran and is gone. */
  function deadPid(): number {
    const { pid } = spawnSync(process.execPath, ["-e", ""]);
    if (pid === undefined) throw new Error("no child ran");
    return pid;
  }

  /**
   * Plants the lock of `path` as a process that died mid-append would leave it: committed at
   * `size`, its append ending at `end` (none: a lock of an earlier version), the file's birth time `birthNs`.
   */
  async function plantDead(path: string, size: number, end: number | undefined, birthNs?: bigint): Promise<void> {
    const st = await stat(join(s.root, path), { bigint: true });
    const ns = process.platform === "linux" ? readlinkSync("/proc/self/ns/pid") : "";
    const committed: Record<string, string> = { size: String(size), mtimeNs: st.mtimeNs.toString(), birthNs: (birthNs ?? st.birthtimeNs).toString() };
    if (end !== undefined) committed.end = String(end);
    const owner = { pid: deadPid(), host: hostname(), ns, token: "0123456789abcdef", start: "1", since: new Date().toISOString(), committed };
    await writeFile(join(s.root, lockName(st.ino)), JSON.stringify(owner) + "\n", { flag: "wx" });
  }

  it("readers keep to what it committed; the next append at that size cuts the torn tail back off and succeeds", async () => {
    await writeFile(join(s.root, "log"), "abc");
    const before = await s.driver.stat(s.key("log"), {});
    // The holder died after writing part of its 10-byte chunk.
    await plantDead("log", 3, 13);
    await appendFile(join(s.root, "log"), "TORN");
    if ((await stat(join(s.root, "log"), { bigint: true })).birthtimeNs === 0n) return; // no birth times here: nothing is cut (README)
    expect(await seen("log")).toMatchObject({ size: 3, etag: before.etag, read: "abc", copy: "abc", listed: 3 });
    await expect(s.driver.writeAppend(s.key("log"), 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
    expect(await contents("log")).toBe("abcdef");
    expect(await names()).toEqual(["copy", "log"]);
  });

  it("one naming an earlier file given the same inode number (another birth time) is not this file's: nothing hidden, nothing cut", async () => {
    await writeFile(join(s.root, "log"), "abcdef");
    await plantDead("log", 1, 9, 12345n);
    expect(await seen("log")).toMatchObject({ size: 6, read: "abcdef", copy: "abcdef", listed: 6 });
    await expectCode(s.driver.writeAppend(s.key("log"), 1, buf("x"), {}), "Conflict");
    await expect(s.driver.writeAppend(s.key("log"), 6, buf("g"), {})).resolves.toEqual({ appendOffset: 7 });
    expect(await contents("log")).toBe("abcdefg");
  });

  /** Plants a dead holder's lock (committed 3, its 10-byte append ending at 13) on "log" holding "abc" and a torn "TORN"; false where no birth times are kept. */
  async function tornLog(): Promise<boolean> {
    await writeFile(join(s.root, "log"), "abc");
    await plantDead("log", 3, 13);
    await appendFile(join(s.root, "log"), "TORN");
    return (await stat(join(s.root, "log"), { bigint: true })).birthtimeNs !== 0n;
  }

  it("an append refused for its offset cuts nothing and keeps the dead holder's record: readers still hide the tail, the right append then cuts it", async () => {
    if (!(await tornLog())) return;
    const lock = (await names()).find((n) => n.startsWith(".stowage-lock-"))!;
    const planted = await readFile(join(s.root, lock), "utf8");
    await expectCode(s.driver.writeAppend(s.key("log"), 7, buf("Q"), {}), "Conflict");
    await expectCode(s.driver.writeAppend(s.key("log"), 999, buf("Q"), {}), "Conflict");
    expect(await contents("log")).toBe("abcTORN");
    expect((await readFile(join(s.root, lock), "utf8")).trimEnd()).toBe(planted.trimEnd());
    expect(await seen("log")).toMatchObject({ size: 3, read: "abc", copy: "abc", listed: 3 });
    await expect(s.driver.writeAppend(s.key("log"), 3, buf("def"), {})).resolves.toEqual({ appendOffset: 6 });
    expect(await contents("log")).toBe("abcdef");
    expect(await names()).toEqual(["copy", "log"]);
  });

  it("bytes another program appended past where the dead append ended are not its: shown, and kept by every append", async () => {
    await writeFile(join(s.root, "log"), "abc");
    // Its 2-byte append ended at 5: it wrote "1", then a logger appended "XYZ".
    await plantDead("log", 3, 5);
    await appendFile(join(s.root, "log"), "1XYZ");
    expect(await seen("log")).toMatchObject({ size: 7, read: "abc1XYZ", copy: "abc1XYZ", listed: 7 });
    await expectCode(s.driver.writeAppend(s.key("log"), 999, buf("Q"), {}), "Conflict");
    await expectCode(s.driver.writeAppend(s.key("log"), 3, buf("Q"), {}), "Conflict");
    expect(await contents("log")).toBe("abc1XYZ");
    await expect(s.driver.writeAppend(s.key("log"), 7, buf("!"), {})).resolves.toEqual({ appendOffset: 8 });
    expect(await contents("log")).toBe("abc1XYZ!");
  });

  it("a lock of an earlier version (no end recorded) still hides the tail from readers, but no append cuts it", async () => {
    await writeFile(join(s.root, "log"), "abc");
    await plantDead("log", 3, undefined);
    await appendFile(join(s.root, "log"), "TORN");
    if ((await stat(join(s.root, "log"), { bigint: true })).birthtimeNs === 0n) return;
    expect(await seen("log")).toMatchObject({ size: 3, read: "abc" });
    await expectCode(s.driver.writeAppend(s.key("log"), 3, buf("def"), {}), "Conflict");
    expect(await contents("log")).toBe("abcTORN");
  });
});
