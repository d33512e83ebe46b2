/**
 * An fs ETag names one version of a file. Two versions of one size written within one tick of the
 * kernel's file clock share their mtime, and on ext4 a version two writes later often gets the
 * inode number of the one before: so the ETag holds the inode, and every write through the driver
 * stamps its file with a time of its own. Core checks each range of a concurrent ranged read
 * against the stat's ETag: a file replaced between ranges must fail the read, never splice.
 */
import { lstat, rename, utimes, writeFile } from "node:fs/promises";
import { renameSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { isStorageError, newStorager } from "@stowage/core";
import "../src/index.js";
import { buf } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  jest.restoreAllMocks();
  await s.cleanup();
});

/** A time (seconds) a double holds exactly, so the file gets exactly it: 2023-11-14T22:13:20.5Z. */
const T = 1_700_000_000.5;

/** Puts `data` at `path` as another program does: a new file, given mtime `T`, renamed over the old one. */
async function replaceWithSameTime(path: string, data: string): Promise<void> {
  const temp = path + ".new";
  await writeFile(temp, data);
  await utimes(temp, T, T);
  await rename(temp, path);
}

describe("fs ETag", () => {
  it("differs for two versions of one size and one mtime (the kernel's clock did not tick between them)", async () => {
    const path = join(s.root, "k");
    await writeFile(path, "AAAA");
    await utimes(path, T, T);
    const first = await s.driver.stat(s.key("k"), {});
    await replaceWithSameTime(path, "BBBB");
    const second = await s.driver.stat(s.key("k"), {});
    expect([first.size, first.lastModified]).toEqual([second.size, second.lastModified]);
    expect(second.etag).not.toBe(first.etag);
    // The inode is what tells them apart: each is named in hex, after mtime and size.
    const st = await lstat(path, { bigint: true });
    expect(second.etag).toBe(`"${st.mtimeNs.toString(16)}-${st.size.toString(16)}-${st.ino.toString(16)}"`);
  });

  it("is the same from write, stat, list, read, createAppend, writeAppend and multipart complete of an unchanged file", async () => {
    const { etag } = await s.driver.write(s.key("d/f"), buf("hello"), {});
    expect((await s.driver.stat(s.key("d/f"), {})).etag).toBe(etag);
    const page = await s.driver.listPage({ prefix: s.key("d/"), limit: 10 }, {});
    expect(page.items.map((o) => o.etag)).toEqual([etag]);
    const opened = await s.driver.read(s.key("d/f"), { offset: 1, size: 2 }, {});
    opened.stream.destroy();
    expect(opened.object?.etag).toBe(etag);
    const append = await s.driver.createAppend(s.key("d/a"), {});
    expect((await s.driver.stat(s.key("d/a"), {})).etag).toBe(append.etag);
    await s.driver.writeAppend(s.key("d/a"), 0, buf("xyz"), {});
    const appended = await s.driver.stat(s.key("d/a"), {});
    expect(appended.etag).not.toBe(append.etag);
    const id = (await s.driver.createMultipart(s.key("d/m"), {})).multipartId;
    const part = await s.driver.writePart(s.key("d/m"), id, 0, buf("part"), {});
    const done = await s.driver.completeMultipart(s.key("d/m"), id, [part], {});
    expect((await s.driver.stat(s.key("d/m"), {})).etag).toBe(done.etag);
  });

  it("of every version the driver writes holds a time of its own, even while the clock stands still", async () => {
    // The clock standing still: as the kernel's coarse file clock does within one tick.
    const now = Date.UTC(2021, 0, 1);
    jest.spyOn(Date, "now").mockReturnValue(now);
    const times: bigint[] = [];
    const etags = new Set<string>();
    const mtimeOf = async (key: string): Promise<bigint> => (await lstat(join(s.root, key), { bigint: true })).mtimeNs;
    for (let i = 0; i < 5; i++) {
      etags.add((await s.driver.write(s.key("k"), buf(String(i)), {})).etag!);
      times.push(await mtimeOf("k"));
    }
    await s.driver.copy(s.key("k"), s.key("copy"), {});
    times.push(await mtimeOf("copy"));
    await s.driver.createAppend(s.key("ap"), {});
    times.push(await mtimeOf("ap"));
    await s.driver.writeAppend(s.key("ap"), 0, buf("x"), {});
    times.push(await mtimeOf("ap"));
    const id = (await s.driver.createMultipart(s.key("m"), {})).multipartId;
    const part = await s.driver.writePart(s.key("m"), id, 0, buf("0"), {});
    await s.driver.completeMultipart(s.key("m"), id, [part], {});
    times.push(await mtimeOf("m"));
    expect(etags.size).toBe(5);
    expect(new Set(times).size).toBe(times.length);
    // Each the clock's time, with microseconds of its own (a few past its millisecond, when one after another had to go up).
    for (const t of times) expect([t >= BigInt(now) * 1_000_000n, t < BigInt(now + 2) * 1_000_000n]).toEqual([true, true]);
  });
});

describe("fs: a concurrent ranged read of a file replaced between its ranges", () => {
  it("fails IntegrityMismatch, although the new version has the old one's size and mtime", async () => {
    const path = join(s.root, "k");
    const old = Buffer.alloc(64, 0x41);
    await writeFile(path, old);
    await utimes(path, T, T);
    const store = newStorager(`fs://${s.root}/`);
    let replaced = false;
    // After the first range: ranges 2 and 3 have been asked for, and range 3's file is opened after this returns.
    const onProgress = (): void => {
      if (replaced) return;
      replaced = true;
      writeFileSync(path + ".new", Buffer.alloc(64, 0x42));
      utimesSync(path + ".new", T, T);
      renameSync(path + ".new", path);
    };
    let outcome: unknown;
    try {
      outcome = await store.read("k", { offset: 1, readConcurrency: 2, readPartSize: 16, onProgress });
    } catch (e) {
      outcome = e;
    }
    expect(replaced).toBe(true);
    // Never a success of bytes from both versions.
    if (Buffer.isBuffer(outcome)) throw new Error(`the read succeeded with ${outcome.filter((b) => b === 0x41).length} bytes of the old version and ${outcome.filter((b) => b === 0x42).length} of the new`);
    expect(isStorageError(outcome, "IntegrityMismatch")).toBe(true);
    expect(String((outcome as Error).message)).toContain("the object changed during the read");
  });
});
